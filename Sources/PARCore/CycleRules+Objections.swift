import Foundation
package import Ledger
public import LedgerFormat

/// How long after publication a unit may object: until the end of the day `days` days after the
/// publication's decision date (`ResultsPublished.date`), that day taken in the province's time,
/// Vietnam's UTC+07:00. FORMAT.md, Rules of the cycle (ObjectionFiled), states the same window.
public enum ObjectionWindow {
    /// Days after the decision date during which objections are filed.
    public static let days = 30
    /// The time zone the decision date and the last day are read in.
    public static let zone = UTCOffset.vietnam

    /// The last moment an objection may be recorded for results published by a decision dated `date`
    /// (`YYYY-MM-DD`): 23:59:59.999 in `zone` of the day `days` days later; nil when `date` is not a date.
    public static func deadline(publishedOn date: String) -> Timestamp? {
        guard PAREvents.DateWindow.isDate(date),
            let endOfDecisionDay = Timestamp(typed: date, zone: zone, bareDate: .end)
        else { return nil }
        return Timestamp(
            millisecondsSinceEpoch: endOfDecisionDay.millisecondsSinceEpoch + Int64(days) * 86_400_000)
    }
}

/// Objections (kiến nghị) after publication: a unit objects to its published result within
/// `ObjectionWindow`, the secretariat answers each once, and a correction may cite the objection it
/// resolves.
extension CycleRules {
    package mutating func fileObjection(_ event: RecordedEvent) throws {
        let filed = try payload(PAREvents.ObjectionFiled.self, of: event)
        guard let cycle = state.cycle(filed.cycle) else {
            throw RuleViolation.notFound("no cycle '\(filed.cycle)'", vi: "Không có kỳ đánh giá '\(filed.cycle)'.")
        }
        guard let publication = cycle.publication else {
            throw RuleViolation.stage(
                "cycle '\(filed.cycle)' is not published yet; objections are filed after its results are published",
                vi: "Kỳ \(state.cycleName(filed.cycle)) chưa công bố kết quả; kiến nghị được gửi sau khi công bố.")
        }
        let (_, _, _, framework) = try context(event, cycle: filed.cycle, unit: filed.unit, afterPublication: true)
        guard let deadline = ObjectionWindow.deadline(publishedOn: publication.date) else {
            throw RuleViolation(
                "the publication of cycle '\(filed.cycle)' bears no date '\(publication.date)'",
                vi:
                    "Quyết định công bố kết quả kỳ \(state.cycleName(filed.cycle)) không mang ngày '\(publication.date)'."
            )
        }
        if event.recordedAt > deadline {
            throw RuleViolation.stage(
                "objections to cycle '\(filed.cycle)' were due by \(deadline.local(in: ObjectionWindow.zone)), \(ObjectionWindow.days) days after decision \(publication.decision) of \(publication.date)",
                vi:
                    "Đã hết hạn gửi kiến nghị về kỳ \(state.cycleName(filed.cycle)): hạn là \(deadline.local(in: ObjectionWindow.zone)), \(ObjectionWindow.days) ngày sau quyết định số \(publication.decision) ngày \(VietnameseText.date(publication.date))."
            )
        }
        if let violation = RuleViolation.invalidID(filed.objection, "objection", vi: "kiến nghị") { throw violation }
        let criterion = try filed.criterion.map { try leaf($0, of: framework, method: nil, unit: filed.unit).code }
        guard !filed.reason.trimmingWhiteSpace.isEmpty else {
            throw RuleViolation("an objection needs its reason", vi: "Kiến nghị phải nêu lý do.")
        }
        if let earlier = state.objection(filed.cycle, filed.objection) {
            throw RuleViolation.stage(
                "cycle '\(filed.cycle)' already has an objection '\(filed.objection)' (of '\(earlier.unit)', event \(earlier.filedSequence)); choose another id",
                vi:
                    "Kỳ \(state.cycleName(filed.cycle)) đã có kiến nghị mã '\(filed.objection)' (của \(state.unitName(filed.cycle, earlier.unit)), sự kiện số \(earlier.filedSequence)); hãy chọn mã khác."
            )
        }
        let record = ObjectionRecord(
            objection: filed.objection, unit: filed.unit, criterion: criterion, reason: filed.reason,
            filedBy: event.actor, filedSequence: event.sequence, filedAt: event.recordedAt.iso8601)
        putObjection(record, filed.cycle)
    }

    package mutating func answerObjection(_ event: RecordedEvent) throws {
        let answered = try payload(PAREvents.ObjectionAnswered.self, of: event)
        _ = try context(event, cycle: answered.cycle, unit: answered.unit, afterPublication: true)
        var record = try filedObjection(answered.objection, of: answered.unit, in: answered.cycle)
        if let answer = record.answer {
            throw RuleViolation.stage(
                "the objection '\(answered.objection)' of '\(answered.unit)' was already answered (\(answer.decision)) at event \(answer.sequence)",
                vi:
                    "Kiến nghị '\(answered.objection)' của \(state.unitName(answered.cycle, answered.unit)) đã được trả lời (sự kiện số \(answer.sequence))."
            )
        }
        guard PAREvents.ObjectionAnswered.decisions.contains(answered.decision) else {
            throw RuleViolation(
                "an objection is answered 'accepted' or 'rejected', not '\(answered.decision)'",
                vi:
                    "Trả lời kiến nghị là “chấp nhận” (accepted) hoặc “không chấp nhận” (rejected), không phải '\(answered.decision)'."
            )
        }
        guard !answered.answer.trimmingWhiteSpace.isEmpty else {
            throw RuleViolation("an answer to an objection needs its text", vi: "Trả lời kiến nghị phải có nội dung.")
        }
        record.answer = ObjectionRecord.Answer(
            decision: answered.decision, text: answered.answer, by: event.actor, sequence: event.sequence,
            at: event.recordedAt.iso8601)
        putObjection(record, answered.cycle)
    }

    /// Notes that the correction `event` resolves the objection `id` of `unit`, which must have been filed.
    package mutating func noteCorrection(
        _ event: RecordedEvent, resolving id: String, of unit: String, in cycle: String
    )
        throws
    {
        var record = try filedObjection(id, of: unit, in: cycle)
        record.correctedBy.append(event.sequence)
        putObjection(record, cycle)
    }

    /// The objection `id` that `unit` filed in `cycle`; refuses one never filed, or filed by another unit.
    private func filedObjection(_ id: String, of unit: String, in cycle: String) throws
        -> ObjectionRecord
    {
        guard let record = state.objection(cycle, id), record.unit == unit else {
            throw RuleViolation.notFound(
                "'\(unit)' filed no objection '\(id)' in cycle '\(cycle)'",
                vi: "\(state.unitName(cycle, unit)) không gửi kiến nghị '\(id)' trong kỳ \(state.cycleName(cycle)).")
        }
        return record
    }
}
