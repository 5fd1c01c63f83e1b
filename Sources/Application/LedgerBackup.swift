import Foundation
import Ledger
public import PARIndex

/// A copy of a ledger that can be taken while people work and restored on another machine: the
/// event log copied through LMDB at one moment (compacted), every file beside it (evidence,
/// witnesses.txt, the log's public key and the public history of its keys, `log-keys/`; its private
/// key only when asked), and a manifest written last, so that a backup cut short has none and is
/// never taken for a whole one.
///
/// Layout of a backup directory: `ledger/` (what a restore puts back in place) and `backup.json`
/// (`LedgerBackup.Manifest`: the ledger's id, the head of the copy, each file's size and SHA-256).
public enum LedgerBackup {
    public static let manifestName = "backup.json"
    public static let ledgerFolder = "ledger"
    public static let format = "parledger-backup/1"

    /// What a backup holds, written last.
    public struct Manifest: Codable, Sendable, Equatable {
        /// One file of the backup, by its path under `ledger/`.
        public struct File: Codable, Sendable, Equatable {
            public let path: String
            public let size: Int
            public let sha256: String
        }

        public let format: String
        public let ledgerID: String
        public let eventCount: UInt64
        public let headHash: String
        public let createdAt: String
        public let includesLogKey: Bool
        /// Evidence the log cites that the ledger's own store did not hold when it was backed up.
        public let missingEvidence: [String]
        public let files: [File]
    }

    /// Why a backup could not be made, checked or restored; nothing half-made is left as if whole.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Backs `scoring`'s ledger up into `directory` (created; it must not exist or be empty).
    /// `progress` is told each file copied.
    public static func create(
        of scoring: ScoringLedger, into directory: String, includingLogKey: Bool,
        progress: (String) -> Void = { _ in }
    ) throws -> Manifest {
        let files = FileManager.default
        if files.fileExists(atPath: directory) {
            guard (try? files.contentsOfDirectory(atPath: directory))?.isEmpty == true else {
                throw Problem("\(directory) exists and is not empty; back up into a new directory")
            }
        }
        let target = path(directory, ledgerFolder)
        try files.createDirectory(atPath: target, withIntermediateDirectories: true)
        let source = scoring.ledger.path
        progress(StoredFile.dataFileName)
        let head = try scoring.ledger.copyStorage(to: target)
        var copied = [try StoredFile.describe(path(target, StoredFile.dataFileName), as: StoredFile.dataFileName)]
        // Evidence is moved into its store just after the command that cites it commits: what the copy
        // cites is copied after the copy was taken, and checked to be there.
        for relative in try StoredFile.beside(source, includingLogKey: includingLogKey) {
            progress(relative)
            copied.append(try StoredFile.copy(path(source, relative), to: path(target, relative), as: relative))
        }
        let missing = try copyLateEvidence(in: target, from: source, into: &copied)
        let manifest = Manifest(
            format: format, ledgerID: scoring.ledger.id, eventCount: head.count, headHash: head.hash.hex,
            createdAt: scoring.ledger.now().iso8601, includesLogKey: includingLogKey, missingEvidence: missing,
            files: copied.sorted { $0.path < $1.path })
        try StoredFile.writeAtomically(try encoder.encode(manifest), to: path(directory, manifestName))
        return manifest
    }

    /// Checks a backup: its manifest, every file's size and hash, the hash chain of the copied log up
    /// to the head the manifest names, and every evidence file the log cites (but those the ledger
    /// itself lacked when it was backed up, which the manifest names).
    public static func verify(_ directory: String) throws -> Manifest {
        let manifestPath = path(directory, manifestName)
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw Problem(
                "\(directory) has no \(manifestName): the backup did not finish (or this is not a backup); make a new one"
            )
        }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: data)
        } catch {
            throw Problem("\(manifestPath) is not a backup manifest: \(error)")
        }
        guard manifest.format == format else {
            throw Problem("\(manifestPath) is of format '\(manifest.format)'; this version reads '\(format)'")
        }
        let root = path(directory, ledgerFolder)
        for file in manifest.files {
            let actual = try StoredFile.describe(path(root, file.path), as: file.path)
            guard actual == file else {
                throw Problem("\(file.path) of the backup is not what its manifest records (size or SHA-256 differs)")
            }
        }
        let copy = try ScoringLedger.open(at: root, readOnly: true)
        let report = try copy.ledger.verify()
        if let problem = report.problem { throw Problem("the backed-up log does not verify: \(problem)") }
        guard copy.ledger.id == manifest.ledgerID, report.eventCount == manifest.eventCount,
            report.headHash.hex == manifest.headHash
        else {
            throw Problem(
                "the backed-up log ends at \(report.eventCount) events, head \(report.headHash.hex), not at the manifest's \(manifest.eventCount), head \(manifest.headHash)"
            )
        }
        let store = EvidenceStore(ledger: copy.ledger)
        for evidence in try copy.evidence() where !manifest.missingEvidence.contains(evidence.sha256) {
            if let problem = store.check(evidence.sha256) {
                throw Problem("evidence \(evidence.sha256) (\(evidence.name)) cited by the log is \(problem)")
            }
        }
        return manifest
    }

    /// Puts a verified backup in place as the ledger `ledgerPath`, which must not exist yet: copied
    /// beside it first and renamed, so that a restore cut short leaves no ledger.
    public static func restore(_ directory: String, to ledgerPath: String) throws -> Manifest {
        let manifest = try verify(directory)
        let files = FileManager.default
        guard !files.fileExists(atPath: ledgerPath) else {
            throw Problem("\(ledgerPath) exists; restore into a new directory (a restore never overwrites a ledger)")
        }
        let staging = ledgerPath + ".restoring-\(getpid())"
        try? files.removeItem(atPath: staging)
        try files.createDirectory(atPath: staging, withIntermediateDirectories: true)
        do {
            let root = path(directory, ledgerFolder)
            for file in manifest.files {
                _ = try StoredFile.copy(path(root, file.path), to: path(staging, file.path), as: file.path)
            }
            guard rename(staging, ledgerPath) == 0 else {
                throw Problem("cannot move the restored ledger to \(ledgerPath): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? files.removeItem(atPath: staging)
            throw error
        }
        return manifest
    }

    /// The evidence the copied log cites that the copy lacks, copied now when it has appeared in the
    /// ledger's store since (a command commits before its files are moved into place), waiting up to
    /// two seconds for those; what never appears is missing from the ledger itself and is reported.
    private static func copyLateEvidence(
        in target: String, from source: String, into copied: inout [Manifest.File]
    ) throws -> [String] {
        let copy = try ScoringLedger.open(at: target, readOnly: true)
        let store = EvidenceStore(ledger: copy.ledger)
        var missing = try copy.evidence().map(\.sha256).filter { store.check($0) != nil }
        let deadline = Date().addingTimeInterval(2)
        while !missing.isEmpty {
            for sha256 in missing where FileManager.default.fileExists(atPath: path(source, "evidence/" + sha256)) {
                let relative = "evidence/" + sha256
                copied.removeAll { $0.path == relative }
                copied.append(try StoredFile.copy(path(source, relative), to: path(target, relative), as: relative))
            }
            missing = missing.filter { store.check($0) != nil }
            guard Date() < deadline else { break }
            if !missing.isEmpty { usleep(100_000) }
        }
        return missing.sorted()
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func path(_ directory: String, _ name: String) -> String {
        (directory as NSString).appendingPathComponent(name)
    }
}
