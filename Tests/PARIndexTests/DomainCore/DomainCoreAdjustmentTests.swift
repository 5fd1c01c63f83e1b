import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// Bonus and penalty criteria (điểm thưởng, điểm trừ): scored like assessed criteria, added to or taken
/// from the unit's points outside the maximum the index divides by.
@Suite struct DomainCoreAdjustmentTests {
    static let cycle = "thuong-tru-2019"
    static let unit = "d01"

    /// The fixture's departments' table (100 points) with field 3, a bonus of up to 5 (3.1), and field
    /// 4, a penalty of up to 4 (4.1).
    static func framework(bonusMethod: ScoringMethod = .assessed, mixed: Bool = false) -> Framework {
        let plain = F.departments
        let bonus = Criterion(
            code: "3", title: "Điểm thưởng", maxPoints: F.points("5"), method: nil,
            children: [
                Criterion(
                    code: "3.1", title: "Sáng kiến cải cách hành chính được công nhận", maxPoints: F.points("5"),
                    method: bonusMethod, children: [], adjustment: .bonus)
            ])
        let penalty = Criterion(
            code: "4", title: "Điểm trừ", maxPoints: F.points("4"), method: nil,
            children: [
                Criterion(
                    code: "4.1", title: "Bị phản ánh, kiến nghị đúng về thủ tục hành chính", maxPoints: F.points("2"),
                    method: .assessed, children: [], adjustment: .penalty),
                Criterion(
                    code: "4.2", title: "Chậm báo cáo cải cách hành chính", maxPoints: F.points("2"),
                    method: .assessed, children: [], adjustment: mixed ? nil : .penalty),
            ])
        return Framework(
            name: "Bảng thử nghiệm có điểm thưởng, điểm trừ", unitKind: .department, source: plain.source,
            statedAssessed: plain.statedAssessed, statedSurvey: plain.statedSurvey, settings: plain.settings,
            fields: plain.fields + [bonus, penalty])
    }

    /// The fixture's province with the cycle `cycle` scoring d01 on `framework()`, its chair assigned
    /// every field and the draw committed.
    fileprivate static func province() throws -> F {
        var core = try F()
        let framework = framework()
        try core.record(PAREvents.FrameworkRegistered(framework: framework), by: F.secretariat)
        try core.record(
            F.opening(
                cycle: cycle, units: [CycleUnit(id: unit, name: "Sở số 1", kind: .department)],
                frameworks: [UnitKind.department.rawValue: framework.id]),
            by: F.secretariat)
        try core.record(
            PAREvents.CouncilMemberAssigned(
                cycle: cycle, actor: F.chair, fields: [.department: ["1", "2", "3", "4"]], chair: true),
            by: F.secretariat)
        try core.record(
            PAREvents.SpotCheckSeedCommitted(cycle: cycle, commitment: SpotCheckDraw.commitment(to: F.secret)),
            by: F.steering)
        return core
    }

    fileprivate static func selfAssess(_ core: inout F, _ points: [String: String]) throws {
        for leaf in framework().leaves where leaf.method == .assessed {
            try core.record(
                PAREvents.SelfScoreRecorded(
                    cycle: cycle, unit: unit, criterion: leaf.code, points: points[leaf.code] ?? "0",
                    evidence: [F.citation(of: unit)], explanation: nil),
                by: F.officer(unit))
        }
        try core.record(PAREvents.SelfAssessmentSubmitted(cycle: cycle, unit: unit), by: F.officer(unit))
    }

    fileprivate static func result(_ core: F) throws -> UnitResult {
        try #require(try core.state.results(cycle: cycle).units.first)
    }

    @Test func bonusPointsAreAddedAndPenaltiesTakenAwayOutsideTheMaximum() throws {
        var core = try Self.province()
        try Self.selfAssess(
            &core, ["1.1": "10", "1.2.1": "10", "1.2.2": "20", "2.1": "35", "3.1": "2.5", "4.1": "1", "4.2": "0.5"])
        let result = try Self.result(core)
        #expect(result.maxPoints == F.points("100"))
        #expect(result.points == F.points("76"))
        #expect(result.fields.map(\.adjustment) == [nil, nil, .bonus, .penalty])
        #expect(result.fields.map(\.points.description) == ["40", "35", "2.5", "1.5"])
        #expect(result.indexText == "76.00")
    }

    @Test func penaltiesNeverTakeTheTotalBelowZero() throws {
        var core = try Self.province()
        try Self.selfAssess(&core, ["4.1": "2", "4.2": "2"])
        #expect(try Self.result(core).points == .zero)
    }

    @Test func aBonusOrPenaltyFieldIsNotAFieldBelowHalfItsMaximum() throws {
        var core = try Self.province()
        try Self.selfAssess(&core, ["1.1": "10", "1.2.1": "10", "1.2.2": "20", "2.1": "35"])
        let eligibility = try Self.result(core).eligibility
        #expect(!eligibility.reasons.contains { $0.contains("field 3") || $0.contains("field 4") })
    }

    @Test func aCouncilThatMayOnlyLowerMayRaiseADeductionButNotLowerIt() throws {
        var core = try Self.province()
        try Self.selfAssess(&core, ["1.1": "10", "4.1": "1"])
        core.expectRefused(
            PAREvents.AppraisalScoreRecorded(
                cycle: Self.cycle, unit: Self.unit, criterion: "4.1", points: "0.5", reason: "Đã khắc phục",
                evidence: nil),
            by: F.chair, "the council may only recognise or raise the deduction a department declared (1)")
        try core.record(
            PAREvents.AppraisalScoreRecorded(
                cycle: Self.cycle, unit: Self.unit, criterion: "4.1", points: "2", reason: "Có 2 phản ánh đúng",
                evidence: nil),
            by: F.chair)
        core.expectRefused(
            PAREvents.AppraisalScoreRecorded(
                cycle: Self.cycle, unit: Self.unit, criterion: "3.1", points: "1", reason: "Sáng kiến chưa công nhận",
                evidence: nil),
            by: F.chair, "the council may only recognise or lower a department's self-score (0)")
    }

    @Test func aFieldMixingPenaltiesWithOrdinaryCriteriaIsRefused() throws {
        let defects = FrameworkValidator.defects(in: Self.framework(mixed: true)).map(\.description)
        #expect(defects.contains("4: the leaves of a field are all bonus, all penalty or neither"))
    }

    @Test func aBonusScoredByTheSurveyIsRefused() throws {
        let defects = FrameworkValidator.defects(in: Self.framework(bonusMethod: .survey)).map(\.description)
        #expect(defects.contains("3.1: a bonus criterion is a leaf scored by the unit and the council (assessed)"))
    }

    @Test func theStatedTotalLeavesBonusAndPenaltyFieldsOut() throws {
        #expect(FrameworkValidator.defects(in: Self.framework()).isEmpty)
        let framework = Self.framework()
        let json = try JSONParser.parse(CanonicalJSON.encode(framework.json))
        #expect(try Framework(json: json) == framework)
        #expect(CanonicalJSON.encode(framework.json) != CanonicalJSON.encode(F.departments.json))
    }
}
