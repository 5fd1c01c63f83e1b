import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The demo's appraisal, survey and spot-checks.
extension DemoScript {
    /// The council member of fields 1 to 3 asks Sở Tài chính to explain its first criterion of field 1.
    func explanationRequests(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PAREvents
        .ExplanationRequested]
    {
        guard unit.id == province.explainingUnit,
            let leaf = framework.leaves.first(where: { $0.method == .assessed && $0.code.hasPrefix("1.") })
        else { return [] }
        return [
            PAREvents.ExplanationRequested(
                cycle: plan.cycle, unit: unit.id, criterion: leaf.code, request: "gt-\(plan.year)-1",
                question: "Đề nghị giải trình thời điểm ban hành và tài liệu kiểm chứng của tiêu chí \(leaf.code)")
        ]
    }

    /// Sở Tài chính answers with a document.
    func explanation(answering request: PAREvents.ExplanationRequested, of unit: CycleUnit, in plan: CyclePlan)
        throws -> [EventDraft]
    {
        let added = try document(
            "\(unit.id)-\(plan.year)-giai-trinh-\(request.criterion).txt",
            "Văn bản giải trình tiêu chí \(request.criterion) của \(unit.name), năm \(plan.year)\n", unit: unit.id)
        let given = PAREvents.ExplanationGiven(
            cycle: plan.cycle, unit: unit.id, request: request.request,
            answer: "Văn bản được ban hành đúng hạn; đính kèm văn bản giải trình và bản chụp văn bản",
            evidence: [added.sha256])
        return [added.draft, given.draft]
    }

    /// Under scheme 2, the chair contests the first score a member lowered in the cycle and the council's
    /// vote recognises the self-score again.
    func contest(of unit: CycleUnit, appraised: [PAREvents.AppraisalScoreRecorded], in plan: CyclePlan) -> (
        criterion: String, reason: String, points: String
    )? {
        guard !contested.contains(plan.cycle),
            let lowered = appraised.first(where: {
                DemoProvince.cast.council.appraiser(of: $0.criterion) != DemoProvince.cast.council.chair.id
            }),
            let own = try? scoring.scores(cycle: plan.cycle, unit: unit.id).first(where: {
                $0.0.code == lowered.criterion
            })?.1.selfScore?.points
        else { return nil }
        contested.insert(plan.cycle)
        return (
            lowered.criterion, "Tài liệu kiểm chứng bổ sung đã chứng minh kết quả tự chấm; đề nghị giữ điểm tự chấm",
            own
        )
    }

    /// The council reconsiders about one applicable self-score in ten, each change with its reason; a
    /// district below the maximum is sometimes raised to it for documents added meanwhile.
    func appraisal(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PAREvents
        .AppraisalScoreRecorded]
    {
        var recorded: [PAREvents.AppraisalScoreRecorded] = []
        for (criterion, score) in try scoring.scores(cycle: plan.cycle, unit: unit.id)
        where criterion.method == .assessed && criterion.adjustment == nil && score.notApplicable == nil {
            let selfPoints = score.selfScore?.value ?? .zero
            guard var appraised = SyntheticScoring.appraisal(of: selfPoints, random: &random) else { continue }
            if unit.kind == .district && selfPoints < criterion.maxPoints && random.chance(30) {
                appraised = criterion.maxPoints
            }
            guard appraised != selfPoints else { continue }
            let reason =
                appraised > selfPoints
                ? "Đơn vị bổ sung tài liệu kiểm chứng đầy đủ, đạt tối đa"
                : DemoProvince.appraisalReasons[random.below(DemoProvince.appraisalReasons.count)]
            recorded.append(
                PAREvents.AppraisalScoreRecorded(
                    cycle: plan.cycle, unit: unit.id, criterion: criterion.code,
                    points: appraised.description, reason: reason, evidence: nil))
            if traced == nil && appraised < selfPoints { traced = (plan.cycle, unit.id, criterion.code) }
        }
        return recorded
    }

    func surveyScores(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PAREvents.SurveyScore] {
        SyntheticScoring.surveyScores(of: framework, random: &random)
    }

    /// The steering committee re-checks three criteria of each drawn unit and lowers the third.
    func spotCheck(of unit: String, in plan: CyclePlan) throws -> [PAREvents.SpotCheckScoreRecorded] {
        try SyntheticScoring.spotCheck(of: unit, in: plan, scoring: scoring, limit: 3) { $0 == 2 }
    }
}
