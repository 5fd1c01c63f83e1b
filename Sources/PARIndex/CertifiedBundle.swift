import Foundation
import LMDB
import Ledger

/// A certified history: a directory that anyone can verify offline, without the ledger (FORMAT.md).
///
/// `events.jsonl` (every event's canonical envelope with its hash), `frameworks/<id>.json`,
/// `actors.json`, `evidence.json` (and `evidence/<sha256>` files with evidence), `results/<cycle>.json`
/// (each published cycle's results as its publication attested), `checkpoint.txt` (a C2SP signed
/// checkpoint by the secretariat), `verifier-key.txt`, and `manifest.json` (format, ledger id and the
/// SHA-256 of every other file).
public enum CertifiedBundle {
    public static let format = "parledger-bundle/1"

    /// What an export wrote.
    public struct Summary: Sendable {
        public let events: UInt64
        public let rootHash: String
        public let files: Int
    }

    /// Writes the bundle of the whole ledger to `directory` (which must not exist).
    public static func export(
        _ scoring: ScoringLedger, to directory: String, checkpoint: String, verifierKey: String, withEvidence: Bool,
        progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> Summary {
        let files = FileManager.default
        guard !files.fileExists(atPath: directory) else { throw RuleViolation("\(directory) already exists; export into a new directory") }
        for sub in ["frameworks", "results"] + (withEvidence ? ["evidence"] : []) {
            try files.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true)
        }
        var written: [String: String] = [:]
        func write(_ path: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/\(path)"))
            written[path] = EventHash.of(bytes).hex
        }
        let head = try scoring.ledger.head()
        var events: [UInt8] = []
        try scoring.ledger.forEachEvent { event in
            events += event.canonicalEnvelope(includingHash: true) + [0x0A]
            if event.sequence % 10_000 == 0 { progress?(event.sequence, head.count) }
            return true
        }
        try write("events.jsonl", events)
        for framework in try scoring.frameworks() { try write("frameworks/\(framework.id).json", CanonicalJSON.encode(framework.json)) }
        try write("actors.json", CanonicalJSON.encode(.array(try scoring.ledger.allActors().map(\.json))))
        let evidence = try scoring.evidence()
        try write("evidence.json", CanonicalJSON.encode(.array(evidence.map(evidenceJSON))))
        if withEvidence {
            let store = EvidenceStore(ledger: scoring.ledger)
            for item in evidence {
                guard let data = files.contents(atPath: store.path(for: item.sha256)) else {
                    throw RuleViolation("evidence \(item.name) (\(item.sha256)) is missing from the store")
                }
                try write("evidence/\(item.sha256)", Array(data))
            }
        }
        for cycle in try scoring.cycles() {
            guard let publication = cycle.publication else { continue }
            let published = try scoring.snapshot(through: publication.sequence - 1).results(cycle: cycle.opened.cycle)
            try write("results/\(cycle.opened.cycle).json", CanonicalJSON.encode(published.json))
        }
        try write("checkpoint.txt", Array(checkpoint.utf8))
        try write("verifier-key.txt", Array((verifierKey + "\n").utf8))
        let (_, root) = try scoring.ledger.treeRoot()
        let manifest: JSONValue = .object([
            "format": .string(format), "ledgerId": .string(scoring.ledger.id), "eventCount": .integer(Int64(head.count)),
            "headHash": .string(head.hash.hex), "rootHash": .string(hexString(root)), "withEvidence": .bool(withEvidence),
            "files": .object(written.mapValues(JSONValue.string)),
        ])
        try Data(CanonicalJSON.encode(manifest)).write(to: URL(fileURLWithPath: "\(directory)/manifest.json"))
        progress?(head.count, head.count)
        return Summary(events: head.count, rootHash: hexString(root), files: written.count + 1)
    }

    static func evidenceJSON(_ item: PARPayload.EvidenceAdded) -> JSONValue {
        .object(["sha256": .string(item.sha256), "name": .string(item.name), "size": .integer(Int64(item.size)),
                 "unit": item.unit.map(JSONValue.string) ?? .null])
    }

    /// What verifying a bundle found: the checks passed, or the first bad item.
    public struct Report: Sendable {
        public let events: UInt64
        public let checks: [String]
        public let problem: String?
    }

    private struct Failure: Error {
        let reason: String
    }

    /// Verifies the bundle in `directory`: chain, signatures, Merkle root, checkpoint, evidence, and
    /// every publication recomputed from the events. Stops at the first bad item and names it.
    public static func verify(_ directory: String, progress: ((UInt64, UInt64) -> Void)? = nil) throws -> Report {
        var checks: [String] = []
        var count: UInt64 = 0
        do {
            func read(_ path: String) throws -> [UInt8] {
                guard let data = FileManager.default.contents(atPath: "\(directory)/\(path)") else { throw Failure(reason: "\(path) is missing") }
                return Array(data)
            }
            func json(_ path: String) throws -> JSONValue {
                do { return try JSONParser.parse(try read(path)) } catch let error as JSONParseError { throw Failure(reason: "\(path): \(error)") }
            }
            let manifest = try json("manifest.json")
            guard manifest["format"]?.stringValue == format, let ledgerID = manifest["ledgerId"]?.stringValue else {
                throw Failure(reason: "manifest.json is not a \(format) manifest")
            }

            var walk = ChainWalk(ledgerID: ledgerID)
            var events: [RecordedEvent] = []
            let lines = try read("events.jsonl").split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            for (index, line) in lines.enumerated() {
                let event: RecordedEvent
                do {
                    event = try RecordedEvent(envelope: try JSONParser.parse(Array(line)))
                } catch {
                    throw Failure(reason: "events.jsonl line \(index + 1): \(error)")
                }
                if let problem = walk.check(event) { throw Failure(reason: "events.jsonl, \(problem)") }
                events.append(event)
                if event.sequence % 10_000 == 0 { progress?(event.sequence, UInt64(lines.count)) }
            }
            if let problem = walk.finishCommand() { throw Failure(reason: "events.jsonl, \(problem)") }
            count = UInt64(events.count)
            checks.append("\(count) events: hash chain intact, every hash recomputed, every command signature valid for the key its actor held")

            let leaves = events.map { MerkleTree.leafHash($0.hash.bytes) }
            let root = try MerkleTree.hash(start: 0, size: count, subtree: MerkleTree.inMemory(leaves))
            let verifier: NoteVerifierKey
            let checkpoint: Checkpoint
            do {
                verifier = try NoteVerifierKey(parsing: String(decoding: try read("verifier-key.txt"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
                checkpoint = try Checkpoint(parsing: try SignedNote.open(String(decoding: try read("checkpoint.txt"), as: UTF8.self), verifier: verifier))
            } catch let error as NoteVerifierKey.Problem {
                throw Failure(reason: "checkpoint.txt: \(error.description)")
            }
            let signers = walk.actors.values.filter { $0.status == .active && $0.holds(Role.secretariat.rawValue) && $0.currentKey == verifier.publicKey }
            guard !signers.isEmpty else { throw Failure(reason: "checkpoint.txt: its key is not the current key of an active secretariat actor") }
            guard checkpoint.origin == Checkpoint.origin(ledgerID: ledgerID), checkpoint.size == count, checkpoint.rootHash == root else {
                throw Failure(reason: "checkpoint.txt: it commits to \(checkpoint.size) events with root \(hexString(checkpoint.rootHash)), the events give \(count) with root \(hexString(root))")
            }
            checks.append("checkpoint signed by \(signers.map(\.id).sorted().joined(separator: ", ")) (secretariat): \(count) events, RFC 9162 root \(hexString(root))")

            var registered: [String: PARPayload.EvidenceAdded] = [:]
            for event in events where event.type == PAREventType.evidenceAdded {
                if let added = try? JSONDecoder().decode(PARPayload.EvidenceAdded.self, from: Data(event.payload)), registered[added.sha256] == nil {
                    registered[added.sha256] = added
                }
            }
            let listed = try json("evidence.json")
            guard listed == .array(registered.keys.sorted().compactMap { registered[$0] }.map(evidenceJSON)) else {
                throw Failure(reason: "evidence.json does not list exactly the documents the events added")
            }
            let withEvidence = manifest["withEvidence"] == .bool(true)
            for sha in registered.keys.sorted() where withEvidence {
                let bytes = try read("evidence/\(sha)")
                guard EventHash.of(bytes).hex == sha else {
                    throw Failure(reason: "evidence/\(sha) (\(registered[sha]?.name ?? "")): its content hashes to \(EventHash.of(bytes).hex)")
                }
            }
            checks.append("\(registered.count) evidence documents\(withEvidence ? ", each file matching its hash" : " listed (files not included)")")

            var attested: [String: String] = [:]
            _ = try ScoringLedger.replay(count: count, events: { start, limit in Array(events[Int(start - 1)..<min(events.count, Int(start - 1) + limit)]) },
                                                    after: { _, _, _ in }, before: { event, projector, txn in
                guard event.type == PAREventType.resultsPublished,
                    let published = try? JSONDecoder().decode(PARPayload.ResultsPublished.self, from: Data(event.payload)),
                    let cycle = try projector.cycle(published.cycle, in: txn)
                else { return }
                let results = try CycleResults.compute(cycle: cycle, projector: projector, txn: txn)
                guard results.hash == published.resultsHash else {
                    throw Failure(reason: "event \(event.sequence): the publication of \(published.cycle) attests results \(published.resultsHash.prefix(16))…, the events give \(results.hash.prefix(16))…")
                }
                attested[published.cycle] = published.resultsHash
            })
            for (cycle, hash) in attested.sorted(by: { $0.key < $1.key }) {
                let file = "results/\(cycle).json"
                guard EventHash.of(try read(file)).hex == hash else {
                    throw Failure(reason: "\(file): the published results do not follow from the events (the publication attests \(hash.prefix(16))…)")
                }
                guard checkpoint.extensions.contains("parledger-results \(cycle) \(hash)") else {
                    throw Failure(reason: "checkpoint.txt does not carry the results hash of \(cycle)")
                }
            }
            checks.append("every projection recomputed from the events; \(attested.count) publications follow from them: \(attested.keys.sorted().joined(separator: ", "))")

            guard try json("actors.json") == .array(walk.actors.keys.sorted().compactMap { walk.actors[$0]?.json }) else {
                throw Failure(reason: "actors.json does not match the actors the events define")
            }
            guard case .object(let listedFiles)? = manifest["files"] else { throw Failure(reason: "manifest.json lists no files") }
            for (path, value) in listedFiles.sorted(by: { $0.key < $1.key }) {
                guard EventHash.of(try read(path)).hex == value.stringValue else { throw Failure(reason: "manifest.json: \(path) does not match its listed hash") }
            }
            checks.append("actors and manifest match")
            return Report(events: count, checks: checks, problem: nil)
        } catch let failure as Failure {
            return Report(events: count, checks: checks, problem: failure.reason)
        } catch let violation as RuleViolation {
            return Report(events: count, checks: checks, problem: "the events break a rule when recomputed: \(violation.reason)")
        }
    }
}
