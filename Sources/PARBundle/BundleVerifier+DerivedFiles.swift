import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The files a bundle derives from its events (FORMAT.md, Verdicts, step 7): frameworks, evidence,
/// results and actors, each read as strict JSON first, then compared with what the replay gives.
extension BundleVerifier {
    mutating func checkDerivedFiles(
        _ replay: Replay, present: [String: Int], manifest: Manifest, checkpoint: Checkpoint
    ) throws {
        let frameworks = replay.projection.frameworkFiles()
        let frameworkFiles = Set(present.keys.filter { $0.hasPrefix("frameworks/") })
        guard frameworkFiles == Set(frameworks.keys.map { "frameworks/\($0).json" }) else {
            throw Failure(
                code: .framework,
                message: "frameworks/ does not hold exactly the \(frameworks.count) registered frameworks")
        }
        for (id, bytes) in frameworks.sorted(by: { $0.key < $1.key })
        where try BundleFiles.read(directory, "frameworks/\(id).json") != bytes {
            throw Failure(code: .framework, message: "frameworks/\(id).json is not the framework the events registered")
        }

        // evidence.json is strict JSON (`parse`), then compared with the documents the events added
        // one document at a time.
        try validateStrictJSON(BundleFiles.evidenceList)
        var list = try ExpectedFile(directory, BundleFiles.evidenceList)
        defer { list.close() }
        var evidenceCount = 0
        /// The documents' sizes by path, when the bundle holds the documents themselves.
        var sizes: [String: Int] = [:]
        try list.expect([UInt8(ascii: "[")])
        try replay.projection.forEachEvidence { item in
            if evidenceCount > 0 { try list.expect([UInt8(ascii: ",")]) }
            try list.expect(CanonicalJSON.encode(CertifiedBundle.evidenceJSON(item)))
            evidenceCount += 1
            if manifest.withEvidence { sizes["evidence/\(item.sha256)"] = item.size }
        }
        try list.expect([UInt8(ascii: "]")])
        guard try list.isComplete() else {
            throw Failure(
                code: .evidence, message: "evidence.json does not list exactly the documents the events added")
        }
        let evidenceFiles = Set(present.keys.filter { $0.hasPrefix("evidence/") })
        guard evidenceFiles == Set(sizes.keys) else {
            throw Failure(
                code: .evidence,
                message: "evidence/ does not hold exactly the \(sizes.count) documents evidence.json lists")
        }
        for path in evidenceFiles.sorted() {
            let digest = try BundleFiles.digest(directory, path)
            guard "evidence/\(digest.sha256)" == path, sizes[path] == digest.size else {
                throw Failure(
                    code: .evidence,
                    message: "\(path): its content hashes to \(digest.sha256) with \(digest.size) bytes")
            }
        }
        checks.append(
            "\(frameworks.count) frameworks and \(evidenceCount) evidence documents\(manifest.withEvidence ? ", each file matching its hash" : " listed (files not included)")"
        )

        let published = replay.projection.publications()
        let resultFiles = Set(present.keys.filter { $0.hasPrefix("results/") })
        guard resultFiles == Set(published.keys.map { "results/\($0).json" }) else {
            throw Failure(
                code: .results, message: "results/ does not hold exactly the \(published.count) published cycles")
        }
        for (cycle, hash) in published.sorted(by: { $0.key < $1.key }) {
            try validateStrictJSON("results/\(cycle).json")
            guard try BundleFiles.digest(directory, "results/\(cycle).json").sha256 == hash else {
                throw Failure(
                    code: .results,
                    message:
                        "results/\(cycle).json: the published results do not follow from the events (the publication attests \(hash.prefix(16))…)"
                )
            }
        }
        let lines = checkpoint.extensions.filter { $0.hasPrefix("parledger-results ") }
        guard lines == published.sorted(by: { $0.key < $1.key }).map({ "parledger-results \($0.key) \($0.value)" })
        else {
            throw Failure(
                code: .results,
                message: "checkpoint.txt does not carry exactly the results hashes of the published cycles")
        }
        checks.append(
            "\(published.count) publications follow from the events: \(published.keys.sorted().joined(separator: ", "))"
        )

        try validateStrictJSON(BundleFiles.actors)
        guard
            try BundleFiles.read(directory, BundleFiles.actors)
                == CanonicalJSON.encode(.array(replay.actors.keys.sorted().compactMap { replay.actors[$0]?.json }))
        else {
            throw Failure(code: .actors, message: "actors.json does not match the actors the events define")
        }
        checks.append("actors.json matches the actors the events define")
    }
}
