import Foundation
public import Ledger
import LedgerFormat
public import PARCore

/// The documents (tài liệu kiểm chứng) cited by scores, stored content-addressed in the ledger's
/// directory as `evidence/<sha256>`; the ledger records who added each one, and scores cite them
/// by hash.
public struct EvidenceStore: Sendable {
    public let directory: String

    public init(ledger: Ledger) {
        directory = (ledger.path as NSString).appendingPathComponent("evidence")
    }

    /// Why a document could not be stored or does not match.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// Copies `files` into the store's staging area and returns them staged: `keep()` them once the
    /// command that adds them has committed; dropped, they leave nothing in the store.
    ///
    /// - Throws: `Problem` when a file cannot be read; `FileProblem` when the store cannot be written.
    public func stage(_ files: [String], unit: String?) throws -> StagedEvidence {
        let staged = StagedEvidence()
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Problem(description: "cannot read the evidence file \(file)")
            }
            try stage(Array(data), name: (file as NSString).lastPathComponent, unit: unit, into: staged)
        }
        return staged
    }

    /// Stages one document received as bytes (an upload) under its original `name`.
    public func stage(_ data: [UInt8], name: String, unit: String?) throws -> StagedEvidence {
        let staged = StagedEvidence()
        try stage(data, name: name, unit: unit, into: staged)
        return staged
    }

    private func stage(_ data: [UInt8], name: String, unit: String?, into staged: StagedEvidence) throws {
        ProcessOwnedName.removeAbandoned(in: stagingDirectory, prefix: "")
        let hash = SHA256Digest.hex(data)
        let stagingPath = (stagingDirectory as NSString).appendingPathComponent(ProcessOwnedName.make(""))
        try FileProblem.wrap("storing the evidence file \(name) at", stagingPath) {
            try FileManager.default.createDirectory(atPath: stagingDirectory, withIntermediateDirectories: true)
            try Data(data).write(to: URL(fileURLWithPath: stagingPath))
        }
        staged.files.append((stagingPath, path(for: hash)))
        staged.added.append(PAREvents.EvidenceAdded(sha256: hash, name: name, size: data.count, unit: unit))
    }

    /// Where staged copies wait, named `<pid>-<uuid>`.
    var stagingDirectory: String { (directory as NSString).appendingPathComponent(".staging") }

    public func path(for sha256: String) -> String {
        (directory as NSString).appendingPathComponent(sha256)
    }

    /// Whether the stored copy of `sha256` exists and still has that hash.
    public func check(_ sha256: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path(for: sha256)) else {
            return "missing from the store"
        }
        let actual = SHA256Digest.hex(Array(data))
        return actual == sha256 ? nil : "its stored copy now hashes to \(actual)"
    }
}

/// Evidence files copied into the store's staging area for one command: moved to their place by
/// `keep()` once the command has committed, removed when dropped, so that a refused command leaves no
/// file behind. A process killed in between leaves its staged copies, which the next staging removes.
public final class StagedEvidence {
    /// What the EvidenceAdded events record, in the order the files were given.
    public internal(set) var added: [PAREvents.EvidenceAdded] = []
    /// Each staged copy and where it goes in the store.
    var files: [(staged: String, target: String)] = []
    /// Moves each staged copy to its place in the store (a document already there is kept as it is).
    public func keep() throws {
        for (staged, target) in files where !FileManager.default.fileExists(atPath: target) {
            guard rename(staged, target) == 0 else {
                throw FileProblem(operation: "storing the evidence document at", path: target, code: errno)
            }
        }
        discard()
    }

    private func discard() {
        for (staged, _) in files { try? FileManager.default.removeItem(atPath: staged) }
        files = []
    }

    deinit {
        discard()
    }
}

extension ScoringLedger {
    /// Every document added to the ledger, by hash.
    public func evidence() throws -> [PAREvents.EvidenceAdded] {
        try read { try $1.allEvidence(in: $0) }
    }

    /// The document added with this hash, if any (nil for anything that is not 64 lowercase hex digits).
    public func evidence(_ sha256: String) throws -> PAREvents.EvidenceAdded? {
        guard sha256.utf8.count == 64,
            sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return try read { try $1.evidence(sha256, in: $0) }
    }
}
