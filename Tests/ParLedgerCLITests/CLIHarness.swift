import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import TestSupport
import Testing

/// Runs the real binaries built next to the test bundle, as a user would.
enum CLI {
    /// The directory holding the built products (`parledger`, `ledger-workload`).
    static let productsDirectory: URL = {
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        candidates.append(Bundle.main.bundleURL)
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for candidate in candidates
        where FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("parledger").path) {
            return candidate
        }
        return candidates[0]
    }()

    static func executable(_ name: String) -> URL {
        productsDirectory.appendingPathComponent(name)
    }

    /// What one run printed and how it ended.
    struct Outcome {
        let status: Int32
        let output: String
        let error: String
    }

    /// Runs the independent Python verifier of bundles (tools/verify_bundle.py) to completion.
    static func runPythonVerifier(_ bundle: String, trust: String? = nil, receipt: String? = nil) throws -> Outcome {
        let options = (trust.map { ["--trust", $0] } ?? []) + (receipt.map { ["--receipt", $0] } ?? [])
        return try run(
            ["python3", Repository.file("tools/verify_bundle.py"), bundle] + options,
            executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    /// Runs `parledger` (or another product, or `executable`) to completion.
    static func run(
        _ arguments: [String], program: String = "parledger", environment: [String: String] = [:],
        executable explicit: URL? = nil
    ) throws -> Outcome {
        let process = Process()
        process.executableURL = explicit ?? executable(program)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged.removeValue(forKey: "PARLEDGER_DIR")
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            output: String(decoding: outputData, as: UTF8.self),
            error: String(decoding: errorData, as: UTF8.self)
        )
    }

    /// Runs `parledger` on `directory`'s ledger, signing with the key file `key` when given.
    static func run(_ arguments: [String], on directory: TemporaryDirectory, key: String? = nil) throws -> Outcome {
        try run(arguments + ["--ledger", directory.ledgerPath] + (key.map { ["--key", $0] } ?? []))
    }

    /// `run(_:on:key:)`, expecting the command to succeed; its first words and what it printed on
    /// standard error name it when it does not.
    static func succeed(
        _ arguments: [String], on directory: TemporaryDirectory, key: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Outcome {
        let outcome = try run(arguments, on: directory, key: key)
        #expect(
            outcome.status == 0, "\(arguments.prefix(3).joined(separator: " ")): \(outcome.error)",
            sourceLocation: sourceLocation)
        return outcome
    }

    /// Starts a product in the background with its standard output written to `outputFile`.
    static func start(_ arguments: [String], program: String, outputFile: String, environment: [String: String] = [:])
        throws -> Process
    {
        guard FileManager.default.createFile(atPath: outputFile, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        let process = Process()
        process.executableURL = executable(program)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputFile))
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The sequence numbers a workload reported as committed in complete lines of `outputFile`.
    static func committedSequences(in outputFile: String) throws -> [UInt64] {
        let text = try String(contentsOfFile: outputFile, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().compactMap { line in
            line.hasPrefix("committed ") ? UInt64(line.dropFirst("committed ".count)) : nil
        }
    }
}

extension TemporaryDirectory {
    var secretariatKey: String { path + "/secretariat.key" }

    /// Runs `parledger init` here; the secretariat's key is `secretariatKey`.
    func initLedger() throws {
        let outcome = try CLI.run(["init", "--ledger", ledgerPath, "--key-out", secretariatKey])
        try #require(outcome.status == 0, "init failed: \(outcome.error)")
    }

    /// Opens the ledger in-process, as the CLI does.
    func openLedger() throws -> Ledger {
        try Ledger.open(at: ledgerPath, options: LedgerOptions(policy: PARPolicy()))
    }
}

extension TemporaryDirectory {
    static let cycle = "dien-bien-2019"

    /// `initLedger`, both Điện Biên frameworks registered, and the cycle `dien-bien-2019` opened
    /// with two departments (so-tai-chinh, so-y-te) and one district (huyen-muong-cha); its publication
    /// window is `publicationWindow` (from, until) when given, else the default; under `scheme` when given.
    func initCycle(publicationWindow: (String, String)? = nil, scheme: Int? = nil) throws {
        try initLedger()
        var ids: [String: String] = [:]
        for kind in ["departments", "districts"] {
            let file = Repository.file("schemas/frameworks/dien-bien-2019-\(kind).json")
            let registered = try CLI.run([
                "framework", "register", file, "--ledger", ledgerPath, "--key", secretariatKey,
            ])
            try #require(registered.status == 0, "register \(kind): \(registered.error)")
            let words = registered.output.split(separator: " ")
            ids[kind] = words.count > 2 ? String(words[2]) : ""
        }
        let cycleFile = path + "/cycle.json"
        let description = """
            {"cycle":"\(Self.cycle)","name":"Chỉ số CCHC năm 2019","year":2019,
             "frameworks":{"department":"\(ids["departments"] ?? "")","district":"\(ids["districts"] ?? "")"},
             "units":[{"id":"so-tai-chinh","name":"Sở Tài chính","kind":"department"},
                      {"id":"so-y-te","name":"Sở Y tế","kind":"department"},
                      {"id":"huyen-muong-cha","name":"Huyện Mường Chà","kind":"district"}],
             "selfAssessmentDeadline":"2099-01-14T16:59:59.999Z"\(
                publicationWindow.map { #","publicationWindow":{"from":"\#($0.0)","until":"\#($0.1)"}"# } ?? "")\(
                scheme.map { #","scheme":\#($0)"# } ?? "")}
            """
        try Data(description.utf8).write(to: URL(fileURLWithPath: cycleFile))
        let opened = try CLI.run([
            "cycle", "open", "--file", cycleFile, "--ledger", ledgerPath, "--key", secretariatKey,
        ])
        try #require(opened.status == 0, "cycle open: \(opened.error)")
    }
}

extension Repository {
    /// The survey leaves of a framework file, with their maxima.
    static func surveyLeaves(ofFramework name: String) throws -> [(String, String)] {
        let data = try #require(
            FileManager.default.contents(atPath: Repository.file("schemas/frameworks/\(name).json")))
        var leaves: [(String, String)] = []
        func walk(_ value: JSONValue) {
            if let children = value["children"]?.arrayValue {
                children.forEach(walk)
                return
            }
            if value["method"] == .string("survey"), let code = value["code"]?.stringValue,
                let max = value["maxPoints"]?.stringValue
            {
                leaves.append((code, max))
            }
        }
        try JSONParser.parse(Array(data))["criteria"]?.arrayValue?.forEach(walk)
        return leaves
    }
}
