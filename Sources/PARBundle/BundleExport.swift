import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// A bundle file written in pieces: the bytes go to the file in chunks of about 1 MiB while their
/// SHA-256 and size are counted, so that a file of any length takes no more memory than a chunk.
struct StreamedFile {
    private let output: FileHandle
    private var hasher = SHA256Stream()
    private var pending: [UInt8] = []
    private(set) var size = 0

    /// Creates (or empties) the file at `path`.
    init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        try Data().write(to: url)
        output = try FileHandle(forWritingTo: url)
        pending.reserveCapacity(Self.chunk + (64 << 10))
    }

    private static let chunk = 1 << 20

    /// Appends `bytes`; returns true when a chunk went to the file.
    @discardableResult
    mutating func append(_ bytes: some Collection<UInt8>) throws -> Bool {
        pending.append(contentsOf: bytes)
        guard pending.count >= Self.chunk else { return false }
        try flush()
        return true
    }

    mutating func append(_ byte: UInt8) throws {
        pending.append(byte)
        if pending.count >= Self.chunk { try flush() }
    }

    private mutating func flush() throws {
        hasher.update(pending)
        size += pending.count
        try output.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes what is left, makes it durable and closes the file; its SHA-256 (hex) and size.
    mutating func finish() throws -> (sha256: String, size: Int) {
        try flush()
        try output.synchronize()
        try output.close()
        return (hasher.finish(), size)
    }
}

/// The results each publication attested, for the bundle's `results/<cycle>.json`, without
/// replaying the ledger once per cycle.
enum PublishedResults {
    /// The canonical results of every published cycle of `cycles`, by cycle id, each the bytes whose
    /// SHA-256 its publication attested.
    ///
    /// Results change after a publication only through corrections, which change scores; every score
    /// a criterion ever had is kept with the event that set it (`par-score-history`), so the results
    /// are computed from the projections with the scores as they stood before the publication. When
    /// that does not give the attested hash (projections written before the history existed), the
    /// cycles left are computed from the state just before their publications (`ScoringLedger.state(asOf:)`).
    static func bytes(of scoring: ScoringLedger, cycles: [CycleRecord]) throws -> [String: [UInt8]] {
        var found: [String: [UInt8]] = [:]
        let published = cycles.compactMap { cycle in cycle.publication.map { (cycle, $0) } }
        try scoring.read { txn, projector in
            var read = 0
            for (cycle, publication) in published {
                let results = try CycleResults.compute(cycle: cycle, projector: projector, txn: txn) { unit in
                    try scores(
                        cycle.opened.cycle, unit, before: publication.sequence, projector: projector, txn: txn,
                        read: &read)
                }
                let bytes = CanonicalJSON.encode(results.json)
                if SHA256Digest.hex(bytes) == publication.resultsHash { found[cycle.opened.cycle] = bytes }
            }
        }
        for (cycle, publication) in published where found[cycle.opened.cycle] == nil {
            let before = try scoring.state(asOf: publication.sequence - 1)
            guard let record = before.cycle(cycle.opened.cycle) else { continue }
            found[cycle.opened.cycle] = CanonicalJSON.encode(try before.results(of: record).json)
        }
        return found
    }

    /// A unit's criterion scores as they stood before event `sequence`: for each criterion, the last
    /// score its history holds from an earlier event. `read` counts the entries read, to let go of
    /// the pages read every few thousand: the history is about as long as the ledger.
    private static func scores(
        _ cycle: String, _ unit: String, before sequence: UInt64, projector: ScoringProjector, txn: ProjectionReader,
        read: inout Int
    ) throws -> [String: CriterionScore] {
        let prefix = ScoringProjector.key(cycle, unit) + [0]
        var found: [String: CriterionScore] = [:]
        try txn.forEach(in: projector.historyDB, withPrefix: prefix) { entry in
            read += 1
            if read % 2_000 == 0 { txn.releaseMappedPages() }
            let rest = entry.key.dropFirst(prefix.count)
            guard rest.count > 9, rest[rest.endIndex - 9] == 0 else { return true }
            let setAt = rest.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if setAt < sequence {
                found[String(decoding: rest.dropLast(9), as: UTF8.self)] = try StateCoding.decodeScore(entry.value)
            }
            return true
        }
        return found
    }
}
