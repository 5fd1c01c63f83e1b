import Foundation
package import Ledger
import LedgerFormat

/// The unit's self-assessment: scores, not-applicable claims, submission, withdrawal.
extension CycleRules {
    package mutating func recordSelfScore(_ event: RecordedEvent) throws {
        let recorded = try payload(PAREvents.SelfScoreRecorded.self, of: event)
        let (cycle, _, unit, framework) = try context(event, cycle: recorded.cycle, unit: recorded.unit)
        guard unit.stage == .selfAssessment else {
            throw RuleViolation.stage(
                "'\(recorded.unit)' has already submitted its self-assessment",
                vi:
                    "\(state.unitName(recorded.cycle, recorded.unit)) đã nộp bản tự đánh giá; hãy rút lại trước khi sửa."
            )
        }
        try checkDeadline(event, cycle, unit, recorded.unit)
        let criterion = try leaf(recorded.criterion, of: framework, method: .assessed, unit: recorded.unit)
        let value = try points(recorded.points, for: criterion, unit: recorded.unit)
        let explanation = recorded.explanation?.trimmingWhiteSpace ?? ""
        guard !recorded.evidence.isEmpty || !explanation.isEmpty else {
            throw RuleViolation(
                "\(recorded.unit), criterion \(criterion.code): a self-score needs evidence or a written explanation of how it was computed",
                vi:
                    "\(state.unitName(recorded.cycle, recorded.unit)), tiêu chí \(criterion.code): điểm tự đánh giá cần tài liệu kiểm chứng hoặc giải thích cách tính."
            )
        }
        try checkCited(recorded.evidence)
        var score = try applicableScore(recorded.cycle, recorded.unit, criterion.code)
        score.selfScore = mark(
            event, points: value, reason: explanation.isEmpty ? nil : explanation, evidence: recorded.evidence)
        putScore(score, recorded.cycle, recorded.unit, criterion.code)
        try noteSelfAssessor(event, unit, recorded.cycle, recorded.unit)
    }

    /// Remembers who self-assessed a unit: that person may not appraise or spot-check it.
    package mutating func noteSelfAssessor(
        _ event: RecordedEvent, _ unit: UnitRecord, _ cycle: String, _ unitID: String
    ) throws {
        guard !unit.selfAssessedBy.contains(event.actor) else { return }
        var updated = unit
        updated.selfAssessedBy = (unit.selfAssessedBy + [event.actor]).sorted()
        putUnit(updated, cycle, unitID)
    }

    package mutating func markNotApplicable(_ event: RecordedEvent) throws {
        let marked = try payload(PAREvents.NotApplicableMarked.self, of: event)
        let (cycle, _, unit, framework) = try context(event, cycle: marked.cycle, unit: marked.unit)
        guard unit.stage == .selfAssessment else {
            throw RuleViolation.stage(
                "'\(marked.unit)' has already submitted its self-assessment",
                vi: "\(state.unitName(marked.cycle, marked.unit)) đã nộp bản tự đánh giá; hãy rút lại trước khi sửa.")
        }
        try checkDeadline(event, cycle, unit, marked.unit)
        guard let criterion = framework.criteriaByCode[marked.criterion] else {
            throw RuleViolation(
                "unknown criterion '\(marked.criterion)' for \(marked.unit)",
                vi:
                    "Bộ tiêu chí của \(state.unitName(marked.cycle, marked.unit)) không có tiêu chí \(marked.criterion)."
            )
        }
        guard !marked.legalBasis.trimmingWhiteSpace.isEmpty else {
            throw RuleViolation(
                "a not-applicable mark needs its legal basis", vi: "Đánh dấu không áp dụng phải nêu căn cứ pháp lý.")
        }
        let leaves = criterion.allCriteria.filter { $0.isLeaf && $0.method == .assessed }
        guard !leaves.isEmpty else {
            throw RuleViolation(
                "criterion \(criterion.code) is scored by the survey, not by the unit",
                vi: "Tiêu chí \(criterion.code) được chấm qua điều tra xã hội học, không do đơn vị tự chấm.")
        }
        for leaf in leaves {
            var score = state.score(marked.cycle, marked.unit, leaf.code)
            score.selfScore = nil
            score.notApplicable = mark(event, points: nil, reason: marked.legalBasis)
            putScore(score, marked.cycle, marked.unit, leaf.code)
        }
        try noteSelfAssessor(event, unit, marked.cycle, marked.unit)
    }

    package mutating func submit(_ event: RecordedEvent) throws {
        let step = try payload(PAREvents.SelfAssessmentSubmitted.self, of: event)
        let (cycle, _, unitState, framework) = try context(event, cycle: step.cycle, unit: step.unit)
        var unit = unitState
        guard unit.stage == .selfAssessment else {
            throw RuleViolation.stage(
                "'\(step.unit)' has already submitted its self-assessment",
                vi: "\(state.unitName(step.cycle, step.unit)) đã nộp bản tự đánh giá.")
        }
        try checkDeadline(event, cycle, unit, step.unit)
        try checkSigner(event, cycle, step.unit, of: "submission")
        let scores = state.scores(step.cycle, step.unit)
        let missing = framework.leaves.filter { $0.method == .assessed }
            .filter { scores[$0.code]?.selfScore == nil && scores[$0.code]?.notApplicable == nil }.map(\.code)
        guard missing.isEmpty else {
            throw RuleViolation(
                "'\(step.unit)' cannot submit: \(missing.count) criteria are neither scored nor marked not applicable (\(missing.prefix(8).joined(separator: ", "))\(missing.count > 8 ? ", …" : ""))",
                vi:
                    "\(state.unitName(step.cycle, step.unit)) chưa nộp được: còn \(missing.count) tiêu chí chưa chấm điểm hoặc chưa đánh dấu không áp dụng (\(missing.prefix(8).joined(separator: ", "))\(missing.count > 8 ? ", …" : ""))."
            )
        }
        unit.stage = .submitted
        if !unit.selfAssessedBy.contains(event.actor) {
            unit.selfAssessedBy = (unit.selfAssessedBy + [event.actor]).sorted()
        }
        putUnit(unit, step.cycle, step.unit)
    }

    /// The unit takes back its submission to edit it: only while it is submitted, before its deadline,
    /// and while no council member has recorded anything on it. Its self-scores stay.
    package mutating func withdraw(_ event: RecordedEvent) throws {
        let withdrawn = try payload(PAREvents.SelfAssessmentWithdrawn.self, of: event)
        let (cycle, _, unitState, _) = try context(event, cycle: withdrawn.cycle, unit: withdrawn.unit)
        var unit = unitState
        switch unit.stage {
        case .selfAssessment:
            throw RuleViolation.stage(
                "'\(withdrawn.unit)' has not submitted its self-assessment; there is nothing to withdraw",
                vi:
                    "\(state.unitName(withdrawn.cycle, withdrawn.unit)) chưa nộp bản tự đánh giá; không có gì để rút lại."
            )
        case .appraised:
            throw RuleViolation.stage(
                "the appraisal of '\(withdrawn.unit)' is sealed; a self-assessment is withdrawn only before the council records anything",
                vi:
                    "Việc thẩm định \(state.unitName(withdrawn.cycle, withdrawn.unit)) đã kết thúc; chỉ rút lại bản tự đánh giá trước khi Hội đồng ghi nhận gì."
            )
        case .submitted: break
        }
        try checkDeadline(event, cycle, unit, withdrawn.unit)
        try checkSigner(event, cycle, withdrawn.unit, of: "withdrawal")
        guard !withdrawn.reason.trimmingWhiteSpace.isEmpty else {
            throw RuleViolation(
                "withdrawing a self-assessment needs a reason", vi: "Rút lại bản tự đánh giá phải nêu lý do.")
        }
        try checkCouncilRecordedNothing(withdrawn.cycle, withdrawn.unit)
        unit.stage = .selfAssessment
        if !unit.selfAssessedBy.contains(event.actor) {
            unit.selfAssessedBy = (unit.selfAssessedBy + [event.actor]).sorted()
        }
        putUnit(unit, withdrawn.cycle, withdrawn.unit)
    }

    /// Refuses, in a cycle of scheme 2, a submission or withdrawal not signed by the unit's head (its
    /// officers prepare the sheet); in scheme 1 either of the unit's roles signs (the ledger's policy).
    private func checkSigner(_ event: RecordedEvent, _ cycle: CycleRecord, _ unit: String, of step: String) throws {
        guard cycle.opened.effectiveScheme == .whole,
            !state.roles.holds(event.actor, .unitHead, scope: unit, at: event.sequence)
        else { return }
        throw RuleViolation.forbidden(
            "the head of '\(unit)' (unit-head) signs its self-assessment's \(step) in '\(cycle.opened.cycle)'; '\(event.actor)' is not its head (officers prepare the sheet)",
            vi:
                "Kỳ này theo quy trình 2: thủ trưởng của \(cycle.unitName(unit)) ký nộp hoặc rút bản tự đánh giá; \(event.actor) không phải thủ trưởng đơn vị (cán bộ đơn vị chuẩn bị bảng).",
            actors: [event.actor]
        )
    }

    /// Refuses a withdrawal once a council member has appraised a criterion, rejected a not-applicable
    /// claim or asked for an explanation on the unit.
    private func checkCouncilRecordedNothing(_ cycle: String, _ unit: String) throws {
        for (code, score) in state.scores(cycle, unit).sorted(by: { $0.key < $1.key }) {
            if let mark = score.appraised ?? score.notApplicableRejected {
                throw RuleViolation.stage(
                    "the council already recorded criterion \(code) of '\(unit)' (event \(mark.sequence)); a self-assessment under appraisal cannot be withdrawn",
                    vi:
                        "Hội đồng đã ghi điểm tiêu chí \(code) của \(state.unitName(cycle, unit)) (sự kiện số \(mark.sequence)); bản tự đánh giá đang được thẩm định không rút lại được."
                )
            }
        }
        if let request = state.explanations(cycle, unit).first {
            throw RuleViolation.stage(
                "the council already asked '\(unit)' for an explanation ('\(request.request)', event \(request.askedSequence)); a self-assessment under appraisal cannot be withdrawn",
                vi:
                    "Hội đồng đã yêu cầu \(state.unitName(cycle, unit)) giải trình ('\(request.request)', sự kiện số \(request.askedSequence)); bản tự đánh giá đang được thẩm định không rút lại được."
            )
        }
    }
}
