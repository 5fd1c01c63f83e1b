import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import Testing

/// A cycle's results are kept between reads, and never outlive the ledger size they were computed at:
/// a correction appended after publication shows at once, the same as a fresh replay gives.
@Suite struct ResultsCacheTests {
    @Test func resultsReadAgainAfterACorrectionShowTheCorrection() throws {
        let p = try Province(departments: 2, districts: 0)
        try p.publishCycle()
        let before = try p.scoring.results(cycle: p.cycle)
        #expect(try p.scoring.results(cycle: p.cycle).hash == before.hash)
        try p.issue(by: "so-noi-vu", [p.correct("d01", "1.2", "0")])
        let after = try p.scoring.results(cycle: p.cycle)
        #expect(after.hash != before.hash)
        #expect(
            after.hash == (try ProvinceState().evolving(try p.scoring.ledger.events()).results(cycle: p.cycle).hash))
    }
}
