import Foundation
package import Ledger
import LedgerFormat

/// The council as a body: members in their fields, the chair, N/A rejections, seal, reopening, close.
extension CycleRules {
    package mutating func assignCouncilMember(_ event: RecordedEvent) throws {
        let assigned = try payload(PAREvents.CouncilMemberAssigned.self, of: event)
        var cycle = try openCycleRecord(event, assigned.cycle)
        guard cycle.opened.effectiveScheme == .original else {
            throw RuleViolation.stage(
                "in a cycle of scheme 2 the province establishes the council as a body by its decision (CouncilEstablished)",
                vi:
                    "Kỳ này theo quy trình 2: UBND tỉnh thành lập Hội đồng thẩm định bằng quyết định, không phân công từng thành viên."
            )
        }
        if let violation = RuleViolation.invalidID(assigned.actor, "council member", vi: "thành viên Hội đồng") {
            throw violation
        }
        guard !assigned.fields.isEmpty else {
            throw RuleViolation(
                "a council member is assigned at least one field",
                vi: "Thành viên Hội đồng phải được phân công ít nhất một lĩnh vực.")
        }
        try checkFields(assigned.fields, of: cycle, for: assigned.actor)
        if assigned.chair, let chair = cycle.council.values.first(where: { $0.chair && $0.actor != assigned.actor }) {
            throw RuleViolation(
                "'\(chair.actor)' already chairs the council of '\(assigned.cycle)'; a council has one chair (assign '\(chair.actor)' again without the chair first)",
                vi:
                    "\(chair.actor) đang là Chủ tịch Hội đồng thẩm định kỳ \(state.cycleName(assigned.cycle)); Hội đồng chỉ có một Chủ tịch (hãy phân công lại \(chair.actor) không giữ chức Chủ tịch trước).",
                actors: [chair.actor]
            )
        }
        cycle.council[assigned.actor] = assigned
        putCycle(cycle, event)
    }

    /// Refuses an appraisal event before the draw's commitment or after the appraisal was closed.
    package func checkAppraisalIsOpen(_ cycle: CycleRecord) throws {
        guard cycle.spotCheckCommitment != nil else {
            throw RuleViolation.stage(
                "appraisal of '\(cycle.opened.cycle)' opens once the steering committee has committed to the secret of its spot-check draw",
                vi:
                    "Việc thẩm định kỳ \(cycle.opened.name) chỉ bắt đầu khi Ban Chỉ đạo đã cam kết bí mật bốc thăm phúc tra."
            )
        }
        if let closure = cycle.appraisalClosed {
            throw RuleViolation.stage(
                "the appraisal of '\(cycle.opened.cycle)' was closed at event \(closure.sequence); nothing of it changes now",
                vi:
                    "Việc thẩm định kỳ \(cycle.opened.name) đã khép lại (sự kiện số \(closure.sequence)); không thay đổi được nữa."
            )
        }
    }

    /// Refuses a council event by someone who self-assessed the unit, or who is not a council member
    /// of the cycle assigned `criterion`'s field (or, with `chair`, its chair).
    package func checkCouncilMember(
        _ event: RecordedEvent, _ cycle: CycleRecord, _ unit: UnitRecord, _ member: CycleUnit,
        criterion: String? = nil, chair: Bool = false
    ) throws {
        guard !unit.selfAssessedBy.contains(event.actor) else {
            throw RuleViolation.forbidden(
                "'\(event.actor)' self-assessed \(member.id) and may not appraise it",
                vi: "Người đã tự đánh giá \(member.name) (\(event.actor)) không được thẩm định đơn vị này.",
                actors: [event.actor])
        }
        guard let assignment = cycle.council[event.actor] else {
            throw RuleViolation.forbidden(
                "'\(event.actor)' is not a council member of '\(cycle.opened.cycle)'; the secretariat assigns members and their fields",
                vi:
                    "\(event.actor) không phải thành viên Hội đồng thẩm định kỳ \(cycle.opened.name); Văn phòng thường trực phân công thành viên và lĩnh vực.",
                actors: [event.actor]
            )
        }
        if chair && !assignment.chair {
            throw RuleViolation.forbidden(
                "only the chair of the council seals, reopens or closes an appraisal; '\(event.actor)' is a member",
                vi:
                    "Chỉ Chủ tịch Hội đồng được kết thúc, mở lại hoặc khép lại việc thẩm định; \(event.actor) là thành viên.",
                actors: [event.actor])
        }
        if let criterion {
            let field = String(criterion.prefix { $0 != "." })
            guard assignment.fields[member.kind.rawValue]?.contains(field) == true else {
                let mine = assignment.fields[member.kind.rawValue]?.joined(separator: ", ") ?? "none"
                throw RuleViolation.forbidden(
                    "'\(event.actor)' appraises fields \(mine) of \(member.kind.plural), not field \(field) (criterion \(criterion))",
                    vi:
                        "Tiêu chí \(criterion) thuộc lĩnh vực \(field), không nằm trong lĩnh vực bạn được phân công (\(assignment.fields[member.kind.rawValue]?.joined(separator: ", ") ?? "không có")); sổ cái không ghi gì."
                )
            }
        }
    }

    package mutating func recordAppraisal(_ event: RecordedEvent) throws {
        let recorded = try payload(PAREvents.AppraisalScoreRecorded.self, of: event)
        let (cycle, member, unit, framework) = try context(event, cycle: recorded.cycle, unit: recorded.unit)
        try checkAppraisalIsOpen(cycle)
        switch unit.stage {
        case .selfAssessment:
            throw RuleViolation.stage(
                "'\(recorded.unit)' has not submitted its self-assessment yet; appraisal comes after",
                vi:
                    "\(state.unitName(recorded.cycle, recorded.unit)) chưa nộp bản tự đánh giá; việc thẩm định diễn ra sau khi nộp."
            )
        case .appraised:
            throw RuleViolation.stage(
                "the appraisal of '\(recorded.unit)' is sealed; the chair reopens it with a reason to change it",
                vi:
                    "Việc thẩm định \(state.unitName(recorded.cycle, recorded.unit)) đã kết thúc; Chủ tịch Hội đồng mở lại, nêu lý do, thì mới sửa được."
            )
        case .submitted: break
        }
        let criterion = try leaf(recorded.criterion, of: framework, method: .assessed, unit: recorded.unit)
        try checkCouncilMember(event, cycle, unit, member, criterion: criterion.code)
        let value = try points(recorded.points, for: criterion, unit: recorded.unit)
        var score = try applicableScore(recorded.cycle, recorded.unit, criterion.code)
        let selfPoints = score.selfScore?.value ?? .zero
        try checkCouncilMayGive(value, to: score, of: framework, recorded.unit, criterion.code)
        try checkCited(recorded.evidence ?? [])
        let reason = recorded.reason?.trimmingWhiteSpace ?? ""
        if value != selfPoints && reason.isEmpty {
            throw RuleViolation(
                "\(recorded.unit), criterion \(criterion.code): adjusting \(selfPoints) to \(value) needs a reason",
                vi:
                    "\(state.unitName(recorded.cycle, recorded.unit)), tiêu chí \(criterion.code): điều chỉnh điểm từ \(VietnameseText.number(selfPoints)) thành \(VietnameseText.number(value)) phải nêu lý do."
            )
        }
        score.appraised = mark(
            event, points: value, reason: reason.isEmpty ? nil : reason, evidence: recorded.evidence,
            decision: value == selfPoints ? "recognise" : (value < selfPoints ? "lower" : "raise"))
        putScore(score, recorded.cycle, recorded.unit, criterion.code)
    }

    /// Refuses points above the self-score where the framework lets the council only recognise or
    /// lower (departments), unless the council rejected the unit's not-applicable claim; for a penalty
    /// criterion the other way round (the council may not make the deduction smaller).
    package func checkCouncilMayGive(
        _ value: Points, to score: CriterionScore, of framework: Framework, _ unit: String, _ criterion: String
    ) throws {
        let selfPoints = score.selfScore?.value ?? .zero
        guard !framework.settings.appraisalMayRaise, score.notApplicableRejected == nil else { return }
        if framework.criteriaByCode[criterion]?.adjustment == .penalty {
            if value < selfPoints {
                throw RuleViolation(
                    "\(unit), criterion \(criterion): the council may only recognise or raise the deduction a department declared (\(selfPoints)), not lower it to \(value)",
                    vi:
                        "Tiêu chí \(criterion): Hội đồng chỉ được giữ nguyên hoặc tăng mức trừ điểm mà sở, ban, ngành tự kê (\(VietnameseText.number(selfPoints))), không được giảm xuống \(VietnameseText.number(value))."
                )
            }
        } else if value > selfPoints {
            throw RuleViolation(
                "\(unit), criterion \(criterion): the council may only recognise or lower a department's self-score (\(selfPoints)), not raise it to \(value)",
                vi:
                    "Tiêu chí \(criterion): Hội đồng chỉ được giữ nguyên hoặc hạ điểm tự đánh giá (\(VietnameseText.number(selfPoints))) của sở, ban, ngành, không được nâng lên \(VietnameseText.number(value))."
            )
        }
    }

    package mutating func rejectNotApplicable(_ event: RecordedEvent) throws {
        let rejected = try payload(PAREvents.NotApplicableRejected.self, of: event)
        let (cycle, member, unit, framework) = try context(event, cycle: rejected.cycle, unit: rejected.unit)
        try checkAppraisalIsOpen(cycle)
        guard unit.stage == .submitted else {
            throw RuleViolation.stage(
                unit.stage == .appraised
                    ? "the appraisal of '\(rejected.unit)' is sealed; the chair reopens it with a reason to change it"
                    : "'\(rejected.unit)' has not submitted its self-assessment yet; appraisal comes after",
                vi: unit.stage == .appraised
                    ? "Việc thẩm định \(state.unitName(rejected.cycle, rejected.unit)) đã kết thúc; Chủ tịch Hội đồng mở lại, nêu lý do, thì mới sửa được."
                    : "\(state.unitName(rejected.cycle, rejected.unit)) chưa nộp bản tự đánh giá; việc thẩm định diễn ra sau khi nộp."
            )
        }
        guard let criterion = framework.criteriaByCode[rejected.criterion] else {
            throw RuleViolation(
                "unknown criterion '\(rejected.criterion)' for \(rejected.unit)",
                vi:
                    "Bộ tiêu chí của \(state.unitName(rejected.cycle, rejected.unit)) không có tiêu chí \(rejected.criterion)."
            )
        }
        try checkCouncilMember(event, cycle, unit, member, criterion: criterion.code)
        let reason = rejected.reason.trimmingWhiteSpace
        guard !reason.isEmpty else {
            throw RuleViolation(
                "rejecting a not-applicable claim needs a reason", vi: "Không chấp nhận “không áp dụng” phải nêu lý do."
            )
        }
        var claimed: [(String, CriterionScore)] = []
        for leaf in criterion.allCriteria where leaf.isLeaf && leaf.method == .assessed {
            let score = state.score(rejected.cycle, rejected.unit, leaf.code)
            if score.notApplicable != nil { claimed.append((leaf.code, score)) }
        }
        guard !claimed.isEmpty else {
            throw RuleViolation(
                "\(rejected.unit) claimed nothing under \(criterion.code) as not applicable",
                vi:
                    "\(state.unitName(rejected.cycle, rejected.unit)) không đánh dấu tiêu chí \(criterion.code) là không áp dụng."
            )
        }
        for (code, before) in claimed {
            var score = before
            score.notApplicable = nil
            score.notApplicableRejected = mark(event, points: nil, reason: reason)
            putScore(score, rejected.cycle, rejected.unit, code)
        }
    }

    package mutating func concludeAppraisal(_ event: RecordedEvent) throws {
        let step = try payload(PAREvents.AppraisalConcluded.self, of: event)
        var (cycle, member, unit, framework): (CycleRecord, CycleUnit, UnitRecord, Framework) = try context(
            event, cycle: step.cycle, unit: step.unit)
        try checkAppraisalIsOpen(cycle)
        guard unit.stage == .submitted else {
            throw RuleViolation.stage(
                unit.stage == .appraised
                    ? "the appraisal of '\(step.unit)' is already sealed"
                    : "'\(step.unit)' has not submitted its self-assessment yet",
                vi: unit.stage == .appraised
                    ? "Việc thẩm định \(state.unitName(step.cycle, step.unit)) đã kết thúc."
                    : "\(state.unitName(step.cycle, step.unit)) chưa nộp bản tự đánh giá.")
        }
        try checkCouncilMember(event, cycle, unit, member, chair: true)
        try checkSealCitesTheMeeting(step, cycle)
        for leaf in framework.leaves where leaf.method == .assessed {
            var score = state.score(step.cycle, step.unit, leaf.code)
            guard score.notApplicable == nil, score.appraised == nil else { continue }
            score.appraised = mark(
                event, points: score.selfScore?.value ?? .zero, reason: "recognised when the appraisal was sealed",
                decision: "recognise")
            putScore(score, step.cycle, step.unit, leaf.code)
        }
        unit.stage = .appraised
        putUnit(unit, step.cycle, step.unit)
    }

    package mutating func reopenAppraisal(_ event: RecordedEvent) throws {
        let reopened = try payload(PAREvents.AppraisalReopened.self, of: event)
        var (cycle, member, unit, _): (CycleRecord, CycleUnit, UnitRecord, Framework) = try context(
            event, cycle: reopened.cycle, unit: reopened.unit)
        try checkAppraisalIsOpen(cycle)
        guard unit.stage == .appraised else {
            throw RuleViolation.stage(
                "the appraisal of '\(reopened.unit)' is not sealed",
                vi:
                    "Việc thẩm định \(state.unitName(reopened.cycle, reopened.unit)) chưa kết thúc nên không cần mở lại."
            )
        }
        try checkCouncilMember(event, cycle, unit, member, chair: true)
        guard !reopened.reason.trimmingWhiteSpace.isEmpty else {
            throw RuleViolation(
                "reopening a sealed appraisal needs a reason", vi: "Mở lại việc thẩm định đã kết thúc phải nêu lý do.")
        }
        unit.stage = .submitted
        putUnit(unit, reopened.cycle, reopened.unit)
        if cycle.opened.effectiveScheme == .whole {
            noteReopening(reopened.unit, at: event, of: &cycle)
            putCycle(cycle, event)
        }
    }

    package mutating func closeAppraisal(_ event: RecordedEvent) throws {
        let step = try payload(PAREvents.AppraisalClosed.self, of: event)
        var cycle = try openCycleRecord(event, step.cycle)
        try checkAppraisalIsOpen(cycle)
        guard cycle.council[event.actor]?.chair == true else {
            throw RuleViolation.forbidden(
                "only the chair of the council of '\(step.cycle)' closes its appraisal",
                vi: "Chỉ Chủ tịch Hội đồng thẩm định kỳ \(state.cycleName(step.cycle)) được khép lại việc thẩm định.")
        }
        var pending: [String] = []
        for unit in cycle.opened.units where state.unitRecord(step.cycle, unit.id)?.stage != .appraised {
            pending.append(unit.id)
        }
        guard pending.isEmpty else {
            throw RuleViolation.stage(
                "the appraisal is closed once every unit's is sealed; not yet sealed: \(pending.joined(separator: ", "))",
                vi:
                    "Chỉ khép lại việc thẩm định khi mọi đơn vị đã kết thúc thẩm định; còn chưa kết thúc: \(pending.map { state.unitName(step.cycle, $0) }.joined(separator: ", "))."
            )
        }
        cycle.appraisalClosed = CycleRecord.ClosureRecord(sequence: event.sequence, hash: event.hash.hex)
        putCycle(cycle, event)
    }
}
