import Foundation
import Ledger
import LedgerFormat
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// Projections are derived from the events: when they are in another format than this version's (a
/// newer version wrote them, or an older one before a change), opening the ledger for writing rebuilds
/// them from the events; a read-only open says so and changes nothing.
@Suite struct ProjectionFormatTests {
    @Test func projectionsOfAnotherFormatAreRebuiltWhenOpenedForWritingAndRefusedReadOnly() throws {
        let (directory, path, digest): (TemporaryDirectory, String, String) = try {
            let p = try Province(departments: 2, districts: 0)
            try p.selfAssessFully("d01")
            let store = p.scoring.ledger.projections
            let meta = try store.database(named: ProjectionGenerations.metaName, create: false)
            let recorded = try store.read { txn in try p.scoring.generations.format(in: txn) }
            #expect(recorded == ProjectionGenerations.currentFormat)
            try store.write { try $0.put(bigEndianBytes(UInt64(99)), for: Array("format".utf8), in: meta) }
            return (p.directory, p.scoring.ledger.path, try p.scoring.projectionDigest())
        }()
        #expect {
            try ScoringLedger.open(at: path, readOnly: true)
        } throws: { error in
            guard case LedgerError.unreadableFormat(_, let found, let readable, true) = error else { return false }
            return found == "projections format 99"
                && readable == "projections format \(ProjectionGenerations.currentFormat)"
        }
        nonisolated(unsafe) var progress: [UInt64] = []
        let reopened = try ScoringLedger.open(at: path, rebuilding: { done, _ in progress.append(done) })
        #expect(!progress.isEmpty, "the projections were not rebuilt")
        #expect(try reopened.projectionDigest() == digest)
        #expect(
            try reopened.ledger.projections.read { try reopened.generations.format(in: $0) }
                == ProjectionGenerations.currentFormat)
        _ = directory
    }
}
