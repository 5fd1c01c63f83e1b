import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import Testing

/// A cycle's status is kept between reads at the ledger size it was read at: lateness is still judged
/// at the moment asked, and what is appended shows at once.
@Suite struct StatusCacheTests {
    @Test func aKeptStatusJudgesLatenessWhenAskedAndShowsWhatIsAppended() throws {
        let p = try Province(departments: 2, districts: 0)
        let beforeDeadline = try #require(Timestamp(iso8601: "2020-01-10T00:00:00Z"))
        let afterDeadline = try #require(Timestamp(iso8601: "2020-01-20T00:00:00Z"))
        #expect(try p.scoring.status(cycle: p.cycle, now: beforeDeadline).counts.late == 0)
        let late = try p.scoring.status(cycle: p.cycle, now: afterDeadline)
        #expect(late.counts.late == 2 && late.asOf == afterDeadline)
        #expect(try p.scoring.status(cycle: p.cycle, now: beforeDeadline).counts.late == 0)
        try p.selfAssessFully("d01")
        let submitted = try p.scoring.status(cycle: p.cycle, now: afterDeadline)
        #expect(submitted.counts.submitted == 1 && submitted.counts.late == 1)
        #expect(!submitted.units.first { $0.unit.id == "d01" }!.isLate)
    }
}
