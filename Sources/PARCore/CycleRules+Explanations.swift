import Foundation
package import Ledger
import LedgerFormat

/// Explanations (giải trình) during appraisal: a council member asks about a criterion in their
/// fields, the unit answers citing documents, both before the unit's appraisal is sealed.
extension CycleRules {
    package mutating func requestExplanation(_ event: RecordedEvent) throws {
        let requested = try payload(PAREvents.ExplanationRequested.self, of: event)
        let (cycle, member, unit, framework) = try context(
            event, cycle: requested.cycle, unit: requested.unit)
        try checkAppraisalIsOpen(cycle)
        try checkUnderAppraisal(unit, requested.unit)
        let criterion = try leaf(requested.criterion, of: framework, method: .assessed, unit: requested.unit)
        try checkCouncilMember(event, cycle, unit, member, criterion: criterion.code)
        if let violation = RuleViolation.invalidID(requested.request, "explanation request", vi: "yêu cầu giải trình") {
            throw violation
        }
        let question = requested.question.trimmingWhiteSpace
        guard !question.isEmpty else {
            throw RuleViolation(
                "a request for an explanation needs its question", vi: "Yêu cầu giải trình phải có nội dung câu hỏi.")
        }
        if let earlier = state.explanation(requested.cycle, requested.unit, requested.request) {
            throw RuleViolation.stage(
                "'\(requested.unit)' was already asked an explanation with the id '\(requested.request)' (event \(earlier.askedSequence)); choose another id",
                vi:
                    "\(state.unitName(requested.cycle, requested.unit)) đã được yêu cầu giải trình với mã '\(requested.request)' (sự kiện số \(earlier.askedSequence)); hãy chọn mã khác."
            )
        }
        let record = ExplanationRecord(
            request: requested.request, criterion: criterion.code, question: requested.question,
            askedBy: event.actor, askedSequence: event.sequence, askedAt: event.recordedAt.iso8601)
        putExplanation(record, requested.cycle, requested.unit)
    }

    package mutating func giveExplanation(_ event: RecordedEvent) throws {
        let given = try payload(PAREvents.ExplanationGiven.self, of: event)
        let (_, _, unitState, _) = try context(event, cycle: given.cycle, unit: given.unit)
        try checkUnderAppraisal(unitState, given.unit)
        guard var record = state.explanation(given.cycle, given.unit, given.request) else {
            throw RuleViolation.notFound(
                "no explanation request '\(given.request)' was made of '\(given.unit)'",
                vi: "\(state.unitName(given.cycle, given.unit)) không có yêu cầu giải trình '\(given.request)'.")
        }
        if let answer = record.answer {
            throw RuleViolation.stage(
                "the explanation request '\(given.request)' of '\(given.unit)' was already answered at event \(answer.sequence)",
                vi:
                    "Yêu cầu giải trình '\(given.request)' của \(state.unitName(given.cycle, given.unit)) đã được trả lời (sự kiện số \(answer.sequence))."
            )
        }
        guard !given.answer.trimmingWhiteSpace.isEmpty else {
            throw RuleViolation("an explanation needs its answer", vi: "Trả lời giải trình phải có nội dung.")
        }
        var citations: [EvidenceCitation] = []
        for digest in given.evidence {
            guard EventHash(hex: digest) != nil else {
                throw RuleViolation(
                    "evidence '\(digest)' is not a SHA-256 of 64 hex digits",
                    vi: "Tài liệu kiểm chứng '\(digest)' không phải là mã SHA-256 gồm 64 chữ số thập lục phân.")
            }
            let name = state.evidence(digest)?.name ?? digest
            citations.append(EvidenceCitation(name: name, sha256: digest))
        }
        try checkCited(citations)
        record.answer = ExplanationRecord.Answer(
            text: given.answer, by: event.actor, sequence: event.sequence, at: event.recordedAt.iso8601,
            evidence: citations)
        putExplanation(record, given.cycle, given.unit)
        try noteSelfAssessor(event, unitState, given.cycle, given.unit)
    }

    /// Refuses an explanation event unless the unit is submitted and its appraisal not sealed.
    private func checkUnderAppraisal(_ unit: UnitRecord, _ unitID: String) throws {
        switch unit.stage {
        case .selfAssessment:
            throw RuleViolation.stage(
                "'\(unitID)' has not submitted its self-assessment yet; explanations are asked during appraisal",
                vi:
                    "\(state.unitName(unitID)) chưa nộp bản tự đánh giá; yêu cầu giải trình được đưa ra trong khi thẩm định."
            )
        case .appraised:
            throw RuleViolation.stage(
                "the appraisal of '\(unitID)' is sealed; the chair reopens it with a reason to change it",
                vi:
                    "Việc thẩm định \(state.unitName(unitID)) đã kết thúc; Chủ tịch Hội đồng mở lại, nêu lý do, thì mới sửa được."
            )
        case .submitted: break
        }
    }
}
