import Foundation
public import Ledger

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

    /// Copies `file` into the store (once) and returns what its EvidenceAdded event records.
    public func store(_ file: String, unit: String?) throws -> PARPayload.EvidenceAdded {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Problem(description: "cannot read the evidence file \(file)")
        }
        let hash = EventHash.of(Array(data)).hex
        let target = path(for: hash)
        if !FileManager.default.fileExists(atPath: target) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: target), options: .atomic)
        }
        return PARPayload.EvidenceAdded(sha256: hash, name: (file as NSString).lastPathComponent, size: data.count, unit: unit)
    }

    public func path(for sha256: String) -> String {
        (directory as NSString).appendingPathComponent(sha256)
    }

    /// Whether the stored copy of `sha256` exists and still has that hash.
    public func check(_ sha256: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path(for: sha256)) else { return "missing from the store" }
        let actual = EventHash.of(Array(data)).hex
        return actual == sha256 ? nil : "its stored copy now hashes to \(actual)"
    }
}

extension ScoringLedger {
    /// Every document added to the ledger, by hash.
    public func evidence() throws -> [PARPayload.EvidenceAdded] {
        try read { try $1.allEvidence(in: $0) }
    }
}
