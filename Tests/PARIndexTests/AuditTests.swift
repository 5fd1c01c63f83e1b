import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import TestSupport
import Testing

@Suite struct AuditTests {
    /// Three departments scored in full; the council lowers d02's 1.2 (3 points) to 2; no survey yet.
    private func province() throws -> (Province, appraisal: UInt64) {
        let p = try Province(departments: 3, districts: 0)
        for unit in ["d01", "d02", "d03"] { try p.selfAssessFully(unit) }
        let appraisal = try p.issue(by: "hoi-dong", [p.appraise("d02", "1.2", "2", reason: "Thiếu một báo cáo quý")])
            .events[0].sequence
        for unit in ["d01", "d02", "d03"] { try p.issue(by: "hoi-dong", [p.conclude(unit)]) }
        return (p, appraisal)
    }

    @Test func replayJustBeforeAnAppraisalShowsTheSelfScoreAndJustAfterTheAppraisedOne() throws {
        let (p, appraisal) = try province()
        func effective(at sequence: UInt64) throws -> String? {
            try p.scoring.state(asOf: sequence).scores(cycle: p.cycle, unit: "d02").first { $0.0.code == "1.2" }?
                .1.effective(method: .assessed)?.points
        }
        #expect(try effective(at: appraisal - 1) == "3")
        #expect(try effective(at: appraisal) == "2")
        let before = try p.scoring.state(asOf: appraisal - 1).results(cycle: p.cycle).units.first {
            $0.unit.id == "d02"
        }
        #expect(before?.points.description == "73.5")
        let live = try p.scoring.projectionDigest()
        _ = try p.scoring.state(asOf: 5)
        #expect(try p.scoring.projectionDigest() == live, "a replay touched the live projections")
    }

    @Test func theTraceOfAScoreListsEveryChangeWithActorReasonAndEvidence() throws {
        let (p, appraisal) = try province()
        let trace = try p.scoring.trace(cycle: p.cycle, unit: "d02", criterion: "1.2")
        #expect(trace.map(\.stage) == ["self-score", "appraisal"])
        #expect(trace.map(\.before) == ["-", "3"])
        #expect(trace.map(\.after) == ["3", "2"])
        #expect(trace[0].event.actor == "can-bo-d02")
        #expect(trace[0].evidence.first?.name == "tlkc-d02.pdf")
        #expect(trace[1].event.sequence == appraisal)
        #expect(trace[1].event.actor == "hoi-dong")
        #expect(trace[1].reason == "Thiếu một báo cáo quý")
        let early = try p.scoring.trace(cycle: p.cycle, unit: "d02", criterion: "1.2", through: appraisal - 1)
        #expect(early.count == 1)
        let total = try p.scoring.trace(cycle: p.cycle, unit: "d02", criterion: nil)
        // 73.5 assessed − 1 lowered, of 100 (the survey criteria count in the maximum, at 0 until imported).
        #expect(total.last?.after == "72.5/100 (72.50%)")
    }
}
