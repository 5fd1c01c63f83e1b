import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import Testing

/// A rebuild recomputes the projections only from events that are the log's: their Merkle root must
/// be the root of the tree whose checkpoints the log signs.
@Suite struct RebuildTests {
    @Test func aRebuildRefusesEventsWhoseRootIsNotTheRootOfTheLogsTree() throws {
        let p = try Province(departments: 2, districts: 0)
        try p.selfAssessFully("d01")
        let digest = try p.scoring.projectionDigest()
        let merkle = try p.scoring.ledger.projections.database(named: Ledger.Layout.merkle, create: false)
        try p.scoring.ledger.projections.write { txn in
            var entries: [ProjectionEntry] = []
            try txn.forEach(in: merkle) { entry in
                entries.append(entry)
                return true
            }
            let stored = try #require(entries.first { $0.value.count >= 32 })
            var altered = stored.value
            altered[altered.count - 1] ^= 0x01
            try txn.put(altered, for: stored.key, in: merkle)
        }
        #expect(throws: LedgerError.self) { try p.scoring.rebuild() }
        #expect(try p.scoring.projectionDigest() == digest, "the refused rebuild changed the projections")
    }
}
