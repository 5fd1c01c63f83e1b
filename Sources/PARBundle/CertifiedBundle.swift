import Foundation
import Ledger
import LedgerFormat
import PARCore
public import PARIndex

/// The verdict of a bundle check: passed, or the first failure with its code (FORMAT.md, Verdicts).
public enum BundleVerdict {
    /// Why a bundle was refused; the same codes in every verifier.
    public enum Code: String, Sendable {
        case trustPolicy = "trust-policy"
        case logKey = "log-key"
        case ledger
        case quorum
        case fileType = "file-type"
        case unexpectedFile = "unexpected-file"
        case missingFile = "missing-file"
        case fileTooLarge = "file-too-large"
        case path
        case manifest
        case parse
        case checkpoint
        case chain
        case signature
        case command
        case rule
        case framework
        case results
        case evidence
        case actors
        case receipt
    }
}

/// A certified history: a directory that anyone can verify offline, without the ledger (FORMAT.md).
///
/// `events.jsonl`, `frameworks/<id>.json`, `actors.json`, `evidence.json` (and `evidence/<sha256>`
/// files with evidence), `results/<cycle>.json`, `verifier-key.txt`, `manifest.json` (the SHA-256 and
/// size of every other file) and `checkpoint.txt`, a checkpoint signed by the log key that carries the
/// manifest's hash, so that one signature covers every byte.
public enum CertifiedBundle {
    public static let format = "parledger-bundle/2"

    /// What an export wrote.
    public struct Summary: Sendable {
        public let events: UInt64
        public let rootHash: String
        public let files: Int
    }

    /// Writes the bundle of the whole ledger to `directory`, which must not exist: first into a
    /// directory beside it, renamed into place only when complete, so a failed export leaves nothing.
    /// - Throws: `FileProblem` naming `directory` when the system refuses a write (a full disk).
    public static func export(
        _ scoring: ScoringLedger, to directory: String, withEvidence: Bool, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> Summary {
        let files = FileManager.default
        guard !files.fileExists(atPath: directory) else {
            throw RuleViolation(
                "\(directory) already exists; export into a new directory",
                vi: "Đã có thư mục \(directory); hãy xuất vào một thư mục mới.")
        }
        for cycle in try scoring.cycles() where !Slug.isValid(cycle.opened.cycle) {
            throw RuleViolation(
                "cycle '\(cycle.opened.cycle)' has an id that cannot name a file; this ledger cannot be exported as format 2",
                vi:
                    "Mã của kỳ đánh giá \(cycle.opened.name) không dùng được làm tên tệp; không xuất được sổ cái này theo định dạng 2."
            )
        }
        let parent = (directory as NSString).deletingLastPathComponent
        let staging =
            (parent.isEmpty ? "." : parent)
            + "/.\((directory as NSString).lastPathComponent).partial-\(UUID().uuidString.lowercased())"
        do {
            return try FileProblem.wrap("writing the bundle", directory) {
                let summary = try write(scoring, into: staging, withEvidence: withEvidence, progress: progress)
                try files.moveItem(atPath: staging, toPath: directory)
                return summary
            }
        } catch {
            try? files.removeItem(atPath: staging)
            throw error
        }
    }

    private static func write(
        _ scoring: ScoringLedger, into directory: String, withEvidence: Bool, progress: ((UInt64, UInt64) -> Void)?
    ) throws -> Summary {
        let files = FileManager.default
        for sub in ["frameworks", "results"] + (withEvidence ? ["evidence"] : []) {
            try files.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true)
        }
        var listed: [String: JSONValue] = [:]
        func record(_ path: String, sha256: String, size: Int) {
            listed[path] = .object(["sha256": .string(sha256), "size": .integer(Int64(size))])
        }
        func write(_ path: String, _ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/\(path)"))
            record(path, sha256: SHA256Digest.hex(bytes), size: bytes.count)
        }
        let head = try scoring.ledger.head()
        guard let first = try scoring.ledger.event(at: 1) else {
            throw RuleViolation("the ledger has no events to export", vi: "Sổ cái chưa có sự kiện nào để xuất.")
        }
        var events = try StreamedFile(path: "\(directory)/\(BundleFiles.events)")
        // One read of the events in order; the pages of the ledger read so far are let go after each
        // chunk written, so memory stays flat however long the ledger.
        try scoring.ledger.projections.read { reader in
            try scoring.ledger.forEachEvent(from: 1, in: reader) { event in
                guard event.sequence <= head.count else { return false }
                if try events.append(event.canonicalEnvelope(includingHash: true)) { reader.releaseMappedPages() }
                try events.append(0x0A)
                if event.sequence % 10_000 == 0 { progress?(event.sequence, head.count) }
                return true
            }
        }
        let (eventsHash, eventsSize) = try events.finish()
        record(BundleFiles.events, sha256: eventsHash, size: eventsSize)

        for framework in try scoring.frameworks() {
            try write("frameworks/\(framework.id).json", CanonicalJSON.encode(framework.json))
        }
        try write(BundleFiles.actors, CanonicalJSON.encode(.array(try scoring.ledger.allActors().map(\.json))))
        try writeEvidence(scoring, into: directory, withEvidence: withEvidence, record: record)
        let cycles = try scoring.cycles()
        let results = try PublishedResults.bytes(of: scoring, cycles: cycles)
        for cycle in cycles where cycle.publication != nil {
            guard let bytes = results[cycle.opened.cycle] else {
                throw RuleViolation(
                    "the results published for cycle '\(cycle.opened.cycle)' cannot be recomputed",
                    vi: "Không tính lại được kết quả đã công bố của kỳ đánh giá \(cycle.opened.name).")
            }
            try write("results/\(cycle.opened.cycle).json", bytes)
        }
        try write(BundleFiles.verifierKey, Array((try scoring.ledger.logVerifierKey().description + "\n").utf8))
        let (_, root) = try scoring.ledger.treeRoot(size: head.count)
        let manifest = CanonicalJSON.encode(
            .object([
                "format": .string(format), "ledgerId": .string(scoring.ledger.id),
                "eventCount": .integer(Int64(head.count)),
                "headHash": .string(head.hash.hex), "genesisHash": .string(first.hash.hex),
                "rootHash": .string(hexString(root)),
                "withEvidence": .bool(withEvidence), "files": .object(listed),
            ]))
        try Data(manifest).write(to: URL(fileURLWithPath: "\(directory)/\(BundleFiles.manifest)"))
        let (checkpoint, note) = try scoring.signedCheckpoint(extra: [
            "parledger-manifest \(SHA256Digest.hex(manifest))"
        ])
        guard checkpoint.size == head.count else {
            throw RuleViolation(
                "the ledger grew while it was being exported; export again",
                vi: "Sổ cái vừa ghi thêm trong lúc xuất; hãy xuất lại.")
        }
        try Data(note.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(BundleFiles.checkpoint)"))
        progress?(head.count, head.count)
        return Summary(events: head.count, rootHash: hexString(root), files: listed.count + 2)
    }

    /// Writes `evidence.json` one document at a time, in hash order, and with `withEvidence` each
    /// document's file from the evidence store.
    private static func writeEvidence(
        _ scoring: ScoringLedger, into directory: String, withEvidence: Bool,
        record: (String, String, Int) -> Void
    ) throws {
        var list = try StreamedFile(path: "\(directory)/\(BundleFiles.evidenceList)")
        let store = EvidenceStore(ledger: scoring.ledger)
        var count = 0
        try list.append(UInt8(ascii: "["))
        try scoring.read { txn, projector in
            try txn.forEach(in: projector.evidenceDB) { entry in
                let item = try StateCoding.decodeEvidence(entry.value)
                if count > 0 { try list.append(UInt8(ascii: ",")) }
                try list.append(CanonicalJSON.encode(evidenceJSON(item)))
                count += 1
                if count % 1_000 == 0 { txn.releaseMappedPages() }
                if withEvidence {
                    let path = "evidence/\(item.sha256)"
                    guard let data = FileManager.default.contents(atPath: store.path(for: item.sha256)) else {
                        throw RuleViolation(
                            "evidence \(item.name) (\(item.sha256)) is missing from the store",
                            vi: "Kho lưu trữ thiếu tài liệu kiểm chứng \(item.name).")
                    }
                    try data.write(to: URL(fileURLWithPath: "\(directory)/\(path)"))
                    record(path, SHA256Digest.hex(Array(data)), data.count)
                }
                return true
            }
        }
        try list.append(UInt8(ascii: "]"))
        let (sha256, size) = try list.finish()
        record(BundleFiles.evidenceList, sha256, size)
    }

    static func evidenceJSON(_ item: PAREvents.EvidenceAdded) -> JSONValue {
        .object([
            "sha256": .string(item.sha256), "name": .string(item.name), "size": .integer(Int64(item.size)),
            "unit": item.unit.map(JSONValue.string) ?? .null,
        ])
    }
}
