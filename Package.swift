// swift-tools-version:6.0
import PackageDescription

/// Layers, each importing only the one below it:
/// LedgerFormat (pure formats: canonical JSON, hashes, Merkle tree, keys and signed notes, trust policy,
/// receipts; no storage) and CLMDB (C library) → LMDB (safe wrapper) → Ledger (the store: generic
/// events, hash chain, streams, actors and signatures on LMDB)
/// → PARCore (the PAR domain with no storage: events, state and rules, operations, read models)
/// → PARIndex (the domain kept in the ledger's storage: state, snapshots, projections)
/// → PARDocuments (sheets and workbooks in and out), PARBundle (the certified bundle: export and
/// verify), Application (typed operations in, commands tried or appended out) and Scenarios (drives
/// whole cycles: the demo, benchmarks, tests);
/// Transparency (a Ledger published as C2SP tlog-tiles, witnesses, mirrors and monitors; no PAR rules)
/// and TransparencyServers (its HTTP faces);
/// WebApp (HTTP API and Vietnamese pages over PARIndex; receipts cosigned through Transparency) and
/// parledger (thin CLI, which also serves WebApp).
let package = Package(
    name: "ParLedger",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LMDB", targets: ["LMDB"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "PARIndex", targets: ["PARIndex"]),
        .library(name: "Scenarios", targets: ["Scenarios"]),
        .library(name: "WebApp", targets: ["WebApp"]),
        .library(name: "Transparency", targets: ["Transparency"]),
        .executable(name: "parledger", targets: ["parledger"]),
        .executable(name: "ledger-workload", targets: ["ledger-workload"]),
        .executable(name: "parledger-bench", targets: ["parledger-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        // Self-assessment sheets in XLSX: the zip container and its XML parts.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
        // The web app: HTTP server, graceful shutdown, structured logs, server-rendered pages.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        // Observing the server: counters, histograms and gauges, served in Prometheus text format.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        .target(
            name: "LedgerFormat",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "Ledger",
            dependencies: [
                "LMDB",
                "LedgerFormat",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "PARCore",
            dependencies: ["Ledger", "LedgerFormat"]
        ),
        .target(
            name: "PARIndex",
            dependencies: ["Ledger", "LedgerFormat", "PARCore"]
        ),
        .target(
            name: "PARDocuments",
            dependencies: [
                "Ledger",
                "LedgerFormat", "PARCore", "PARIndex",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ]
        ),
        .target(
            name: "PARBundle",
            dependencies: [
                "Ledger", "LedgerFormat", "PARCore", "PARIndex",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(name: "Application", dependencies: ["Ledger", "LedgerFormat", "PARCore", "PARIndex", "Transparency"]),
        .target(name: "Scenarios", dependencies: ["Ledger", "LedgerFormat", "PARCore", "PARIndex"]),
        .target(
            name: "WebApp",
            dependencies: [
                "Application",
                "PARBundle",
                "PARDocuments",
                "Ledger",
                "PARCore", "PARIndex",
                "Transparency",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Templates"), .copy("Static")]
        ),
        .target(
            name: "Transparency",
            dependencies: ["Ledger"]
        ),
        .target(
            name: "TransparencyServers",
            dependencies: [
                "Ledger",
                "LedgerFormat",
                "Transparency",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "parledger",
            dependencies: [
                "TransparencyServers",
                "Application",
                "PARBundle",
                "PARDocuments",
                "Transparency",
                "Ledger",
                "PARCore", "PARIndex",
                "Scenarios",
                "WebApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ledger-workload",
            dependencies: [
                "Ledger",
                "LedgerFormat",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "parledger-bench",
            dependencies: [
                "LMDB",
                "Ledger",
                "PARCore", "PARIndex",
                "Scenarios",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The Swift verifier judging many bundles in one process, for tools/differential.py.
        .executableTarget(
            name: "bundle-verdicts", dependencies: ["PARBundle", "PARCore", "PARIndex"], path: "Tests/BundleVerdicts"),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .target(
            name: "PARFixtures",
            dependencies: ["Ledger", "LedgerFormat", "PARCore", "PARIndex", "Scenarios", "TestSupport"],
            path: "Tests/PARFixtures"),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB", "TestSupport"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger", "LedgerFormat", "LMDB", "TestSupport"]),
        .testTarget(
            name: "PARIndexTests",
            dependencies: [
                "PARCore", "PARIndex", "PARBundle", "PARDocuments", "Ledger", "Scenarios", "TestSupport", "PARFixtures",
            ]),
        .testTarget(
            name: "ApplicationTests",
            dependencies: [
                "Application", "PARCore", "PARIndex", "Ledger", "LedgerFormat", "TestSupport", "PARFixtures",
                "Transparency",
            ]),
        .testTarget(
            name: "WebAppTests",
            dependencies: [
                "WebApp", "PARCore", "PARIndex", "Ledger", "TestSupport", "PARFixtures",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "TransparencyTests", dependencies: ["Transparency", "Ledger", "LedgerFormat", "TestSupport"]),
        .testTarget(
            name: "ParLedgerCLITests",
            dependencies: [
                "Ledger",
                "LedgerFormat", "LMDB", "PARCore", "PARIndex", "PARBundle", "Transparency", "TestSupport", "parledger",
                "ledger-workload",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    // Each module's README says what it owns; it is documentation, not a resource.
    if target.type != .test && target.path == nil { target.exclude.append("README.md") }
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
