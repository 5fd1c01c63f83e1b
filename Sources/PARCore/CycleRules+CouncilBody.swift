import Foundation
package import Ledger
import LedgerFormat

/// The council as a body (cycles of scheme 2): its establishment by decision, meetings with their
/// quorum, contested adjustments decided by a recorded vote, and the report to the province.
extension CycleRules {
    package mutating func establishCouncil(_ event: RecordedEvent) throws {
        let established = try payload(PAREvents.CouncilEstablished.self, of: event)
        var cycle = try openCycleRecord(event, established.cycle)
        guard cycle.opened.effectiveScheme == .whole else {
            throw RuleViolation.stage(
                "cycle '\(established.cycle)' follows scheme 1, whose council the secretariat assigns member by member (CouncilMemberAssigned)",
                vi:
                    "Kỳ \(state.cycleName(established.cycle)) theo quy trình 1: Văn phòng thường trực phân công từng thành viên Hội đồng."
            )
        }
        if let body = cycle.councilBody {
            throw RuleViolation.stage(
                "the council of '\(established.cycle)' was established by decision \(body.established.decision) at event \(body.sequence)",
                vi:
                    "Hội đồng thẩm định kỳ \(state.cycleName(established.cycle)) đã được thành lập theo quyết định số \(body.established.decision) (sự kiện số \(body.sequence))."
            )
        }
        guard !established.decision.isBlank else {
            throw RuleViolation(
                "the council is established by a decision; cite it",
                vi: "Hội đồng được thành lập bằng quyết định; hãy ghi số quyết định.")
        }
        guard !established.members.isEmpty else {
            throw RuleViolation("a council has members", vi: "Hội đồng phải có thành viên.")
        }
        var seen = Set<String>()
        for seat in established.members {
            if let violation = RuleViolation.invalidID(seat.actor, "council member", vi: "thành viên Hội đồng") {
                throw violation
            }
            guard seen.insert(seat.actor).inserted else {
                throw RuleViolation(
                    "'\(seat.actor)' has two seats on the council", vi: "\(seat.actor) có hai vị trí trong Hội đồng.",
                    actors: [seat.actor])
            }
            guard ["chair", "secretary", "member"].contains(seat.position) else {
                throw RuleViolation(
                    "'\(seat.actor)' sits as '\(seat.position)'; a seat is chair, secretary or member",
                    vi:
                        "\(seat.actor) được ghi với vị trí '\(seat.position)'; vị trí trong Hội đồng là Chủ tịch, Thư ký hoặc thành viên.",
                    actors: [seat.actor])
            }
            guard seat.position == "secretary" || !seat.fields.isEmpty else {
                throw RuleViolation(
                    "'\(seat.actor)' (\(seat.position)) is assigned at least one field",
                    vi: "\(seat.actor) phải được phân công ít nhất một lĩnh vực.", actors: [seat.actor])
            }
            try checkFields(seat.fields, of: cycle, for: seat.actor)
        }
        for position in ["chair", "secretary"] {
            let count = established.members.filter { $0.position == position }.count
            guard count == 1 else {
                throw RuleViolation(
                    "a council has exactly one \(position), not \(count)",
                    vi: "Hội đồng có đúng một \(position == "chair" ? "Chủ tịch" : "Thư ký"), không phải \(count).")
            }
        }
        guard let quorum = try? Points(parsing: established.quorumPercent),
            quorum.description == established.quorumPercent, quorum > .zero, quorum <= Points(hundredths: 10_000)
        else {
            throw RuleViolation(
                "the quorum '\(established.quorumPercent)' is a percent of the members, more than 0 and at most 100",
                vi:
                    "Tỷ lệ tối thiểu '\(established.quorumPercent)' là phần trăm số thành viên, lớn hơn 0 và không quá 100."
            )
        }
        cycle.councilBody = CycleRecord.CouncilBody(established: established, sequence: event.sequence)
        for seat in established.members where !seat.fields.isEmpty {
            cycle.council[seat.actor] = PAREvents.CouncilMemberAssigned(
                cycle: established.cycle, actor: seat.actor, fieldsByKind: seat.fields, chair: seat.position == "chair")
        }
        putCycle(cycle, event)
    }

    package mutating func holdMeeting(_ event: RecordedEvent) throws {
        let held = try payload(PAREvents.CouncilMeetingHeld.self, of: event)
        var cycle = try openCycleRecord(event, held.cycle)
        var body = try councilBody(of: cycle)
        guard event.actor == body.secretary else {
            throw RuleViolation.forbidden(
                "the council's secretary records its meetings; '\(event.actor)' is not the secretary of '\(held.cycle)'",
                vi:
                    "Thư ký Hội đồng ghi các phiên họp; \(event.actor) không phải Thư ký Hội đồng thẩm định kỳ \(state.cycleName(held.cycle)).",
                actors: [event.actor]
            )
        }
        if let violation = RuleViolation.invalidID(held.meeting, "meeting", vi: "phiên họp") { throw violation }
        if let earlier = body.meetings[held.meeting] {
            throw RuleViolation.stage(
                "meeting '\(held.meeting)' was recorded at event \(earlier.sequence)",
                vi: "Phiên họp '\(held.meeting)' đã được ghi (sự kiện số \(earlier.sequence)).")
        }
        guard PAREvents.DateWindow.isDate(held.date) else {
            throw RuleViolation(
                "the meeting's date '\(held.date)' is not a date YYYY-MM-DD",
                vi: "Ngày họp '\(held.date)' không phải là ngày dạng YYYY-MM-DD.")
        }
        let members = body.established.members.map(\.actor)
        guard Set(held.attendees).count == held.attendees.count, held.attendees.allSatisfy(members.contains) else {
            throw RuleViolation(
                "the attendees are members of the council, each named once: \(members.joined(separator: ", "))",
                vi:
                    "Người dự họp phải là thành viên Hội đồng, mỗi người ghi một lần: \(members.joined(separator: ", ")).",
                actors: members)
        }
        let quorum = try Points(parsing: body.established.quorumPercent)
        guard Int64(held.attendees.count) * 10_000 >= quorum.hundredths * Int64(members.count) else {
            throw RuleViolation(
                "\(held.attendees.count) of the council's \(members.count) members attended; a meeting needs \(quorum)% of them",
                vi:
                    "Mới có \(held.attendees.count)/\(members.count) thành viên dự họp; phiên họp cần ít nhất \(VietnameseText.number(quorum))% thành viên Hội đồng."
            )
        }
        try checkCited([held.minutes])
        body.meetings[held.meeting] = CycleRecord.CouncilBody.Meeting(held: held, sequence: event.sequence)
        cycle.councilBody = body
        putCycle(cycle, event)
    }

    package mutating func contest(_ event: RecordedEvent) throws {
        let contested = try payload(PAREvents.AdjustmentContested.self, of: event)
        let (cycle, member, unit, framework) = try context(event, cycle: contested.cycle, unit: contested.unit)
        var body = try councilBody(of: cycle)
        try checkAppraisalIsOpen(cycle)
        guard unit.stage == .submitted else {
            throw RuleViolation.stage(
                "the appraisal of '\(contested.unit)' is not open to a contest (it is not submitted or is sealed)",
                vi:
                    "Việc thẩm định \(state.unitName(contested.cycle, contested.unit)) không mở để đề nghị xem xét lại (chưa nộp hoặc đã kết thúc thẩm định)."
            )
        }
        guard body.seat(of: event.actor) != nil else {
            throw RuleViolation.forbidden(
                "'\(event.actor)' has no seat on the council of '\(contested.cycle)'",
                vi: "\(event.actor) không có vị trí trong Hội đồng thẩm định kỳ \(state.cycleName(contested.cycle)).",
                actors: [event.actor])
        }
        guard !unit.selfAssessedBy.contains(event.actor) else {
            throw RuleViolation.forbidden(
                "'\(event.actor)' self-assessed \(member.id) and may not judge it",
                vi: "Người đã tự đánh giá \(member.name) (\(event.actor)) không được xem xét đơn vị này.",
                actors: [event.actor])
        }
        let criterion = try leaf(contested.criterion, of: framework, method: .assessed, unit: contested.unit)
        guard state.score(contested.cycle, contested.unit, criterion.code).appraised != nil else {
            throw RuleViolation.stage(
                "\(contested.unit), criterion \(criterion.code) has no appraisal to contest",
                vi:
                    "Tiêu chí \(criterion.code) của \(state.unitName(contested.cycle, contested.unit)) chưa có điểm thẩm định để đề nghị xem xét lại."
            )
        }
        guard !contested.reason.isBlank else {
            throw RuleViolation(
                "contesting an appraisal needs a reason", vi: "Đề nghị xem xét lại điểm thẩm định phải nêu lý do.")
        }
        let key = CycleRecord.CouncilBody.contestKey(contested.unit, criterion.code)
        if let open = body.contests[key], open.decidedAt == nil {
            throw RuleViolation.stage(
                "\(contested.unit), criterion \(criterion.code) is already contested (event \(open.sequence)); the council votes on it",
                vi:
                    "Tiêu chí \(criterion.code) của \(state.unitName(contested.cycle, contested.unit)) đã được đề nghị xem xét lại (sự kiện số \(open.sequence)); Hội đồng biểu quyết về đề nghị đó."
            )
        }
        body.contests[key] = CycleRecord.CouncilBody.Contest(
            unit: contested.unit, criterion: criterion.code, by: event.actor, reason: contested.reason,
            sequence: event.sequence, decidedAt: nil, carried: nil)
        var updated = cycle
        updated.councilBody = body
        putCycle(updated, event)
    }

    package mutating func recordVote(_ event: RecordedEvent) throws {
        let vote = try payload(PAREvents.CouncilVoteRecorded.self, of: event)
        let (cycle, _, unit, framework) = try context(event, cycle: vote.cycle, unit: vote.unit)
        var body = try councilBody(of: cycle)
        guard event.actor == body.secretary else {
            throw RuleViolation.forbidden(
                "the council's secretary records its votes; '\(event.actor)' is not the secretary of '\(vote.cycle)'",
                vi:
                    "Thư ký Hội đồng ghi kết quả biểu quyết; \(event.actor) không phải Thư ký Hội đồng thẩm định kỳ \(state.cycleName(vote.cycle)).",
                actors: [event.actor])
        }
        try checkAppraisalIsOpen(cycle)
        guard unit.stage == .submitted else {
            throw RuleViolation.stage(
                "the appraisal of '\(vote.unit)' is not open to a vote (it is not submitted or is sealed)",
                vi:
                    "Việc thẩm định \(state.unitName(vote.cycle, vote.unit)) không mở để biểu quyết (chưa nộp hoặc đã kết thúc thẩm định)."
            )
        }
        let criterion = try leaf(vote.criterion, of: framework, method: .assessed, unit: vote.unit)
        let key = CycleRecord.CouncilBody.contestKey(vote.unit, criterion.code)
        guard var contest = body.contests[key], contest.decidedAt == nil else {
            throw RuleViolation.stage(
                "nobody contests \(vote.unit), criterion \(criterion.code); there is nothing to vote on",
                vi:
                    "Không ai đề nghị xem xét lại tiêu chí \(criterion.code) của \(state.unitName(vote.cycle, vote.unit)); không có gì để biểu quyết."
            )
        }
        guard let meeting = body.meetings[vote.meeting] else {
            throw RuleViolation.notFound(
                "no meeting '\(vote.meeting)' of the council of '\(vote.cycle)'",
                vi: "Hội đồng thẩm định kỳ \(state.cycleName(vote.cycle)) không có phiên họp '\(vote.meeting)'.")
        }
        let voters = vote.inFavour + vote.against
        guard Set(voters).count == voters.count, voters.allSatisfy(meeting.held.attendees.contains) else {
            throw RuleViolation(
                "the voters attended meeting '\(vote.meeting)', each voting once: \(meeting.held.attendees.joined(separator: ", "))",
                vi:
                    "Người biểu quyết phải dự phiên họp '\(vote.meeting)', mỗi người một phiếu: \(meeting.held.attendees.joined(separator: ", ")).",
                actors: meeting.held.attendees
            )
        }
        let value = try points(vote.points, for: criterion, unit: vote.unit)
        var score = try applicableScore(vote.cycle, vote.unit, criterion.code)
        let selfPoints = score.selfScore?.value ?? .zero
        try checkCouncilMayGive(value, to: score, of: framework, vote.unit, criterion.code)
        let carried = vote.inFavour.count > vote.against.count
        if carried {
            score.appraised = mark(
                event, points: value,
                reason:
                    "decided by the council's vote at meeting \(vote.meeting) (\(vote.inFavour.count) for, \(vote.against.count) against): \(contest.reason)",
                decision: value == selfPoints ? "recognise" : (value < selfPoints ? "lower" : "raise"))
            putScore(score, vote.cycle, vote.unit, criterion.code)
        }
        contest.decidedAt = event.sequence
        contest.carried = carried
        body.contests[key] = contest
        var updated = cycle
        updated.councilBody = body
        putCycle(updated, event)
    }

    package mutating func submitCouncilReport(_ event: RecordedEvent) throws {
        let submitted = try payload(PAREvents.CouncilReportSubmitted.self, of: event)
        var cycle = try openCycleRecord(event, submitted.cycle)
        var body = try councilBody(of: cycle)
        guard event.actor == body.chair else {
            throw RuleViolation.forbidden(
                "the chair of the council sends its report; '\(event.actor)' is not the chair",
                vi: "Chủ tịch Hội đồng gửi báo cáo của Hội đồng; \(event.actor) không phải Chủ tịch.",
                actors: [event.actor])
        }
        guard cycle.appraisalClosed != nil else {
            throw RuleViolation.stage(
                "the council reports once it has closed the appraisal of '\(submitted.cycle)'",
                vi: "Hội đồng chỉ báo cáo sau khi đã khép lại việc thẩm định kỳ \(state.cycleName(submitted.cycle)).")
        }
        guard body.report == nil else {
            throw RuleViolation.stage(
                "the council of '\(submitted.cycle)' has already sent its report",
                vi: "Hội đồng thẩm định kỳ \(state.cycleName(submitted.cycle)) đã gửi báo cáo.")
        }
        try checkCited([submitted.report])
        body.report = submitted.report
        cycle.councilBody = body
        putCycle(cycle, event)
    }

    /// In a cycle of scheme 2: the seal cites a meeting of the council, and no adjustment of the unit
    /// is still contested; in scheme 1 the seal cites none.
    package func checkSealCitesTheMeeting(_ seal: PAREvents.AppraisalConcluded, _ cycle: CycleRecord) throws {
        guard cycle.opened.effectiveScheme == .whole else {
            if seal.meeting != nil {
                throw RuleViolation(
                    "in a cycle of scheme 1 the chair seals alone; the seal cites no meeting",
                    vi: "Kỳ theo quy trình 1: Chủ tịch Hội đồng tự kết thúc thẩm định, không dẫn phiên họp nào.")
            }
            return
        }
        let body = try councilBody(of: cycle)
        guard let meeting = seal.meeting, let held = body.meetings[meeting] else {
            throw RuleViolation(
                "the chair seals '\(seal.unit)' citing the council's meeting that agreed its results (\(seal.meeting.map { "no meeting '\($0)'" } ?? "no meeting cited"))",
                vi:
                    "Chủ tịch Hội đồng kết thúc thẩm định \(state.unitName(cycle.opened.cycle, seal.unit)) khi dẫn phiên họp Hội đồng đã thống nhất kết quả (\(seal.meeting.map { "không có phiên họp '\($0)'" } ?? "chưa dẫn phiên họp nào"))."
            )
        }
        if let reopened = body.reopened[seal.unit], held.sequence < reopened {
            throw RuleViolation(
                "'\(seal.unit)' was reopened at event \(reopened), after meeting '\(meeting)' (event \(held.sequence)); the seal cites a meeting held since",
                vi:
                    "\(state.unitName(cycle.opened.cycle, seal.unit)) đã được mở lại thẩm định (sự kiện số \(reopened)) sau phiên họp '\(meeting)' (sự kiện số \(held.sequence)); hãy dẫn một phiên họp diễn ra sau đó."
            )
        }
        if let open = body.contests.values.first(where: { $0.unit == seal.unit && $0.decidedAt == nil }) {
            throw RuleViolation.stage(
                "criterion \(open.criterion) of '\(seal.unit)' is contested (event \(open.sequence)); the council votes on it before the seal",
                vi:
                    "Tiêu chí \(open.criterion) của \(state.unitName(cycle.opened.cycle, seal.unit)) đang được đề nghị xem xét lại (sự kiện số \(open.sequence)); Hội đồng biểu quyết trước khi kết thúc thẩm định."
            )
        }
    }

    /// Notes, in a cycle of scheme 2, that the unit's appraisal was reopened at `event`.
    package func noteReopening(_ unit: String, at event: RecordedEvent, of cycle: inout CycleRecord) {
        guard cycle.opened.effectiveScheme == .whole, var body = cycle.councilBody else { return }
        body.reopened[unit] = event.sequence
        cycle.councilBody = body
    }

    /// The council of a scheme-2 cycle, which must have been established.
    private func councilBody(of cycle: CycleRecord) throws -> CycleRecord.CouncilBody {
        guard let body = cycle.councilBody else {
            throw RuleViolation.stage(
                "the council of '\(cycle.opened.cycle)' has not been established (CouncilEstablished)",
                vi: "Hội đồng thẩm định kỳ \(cycle.opened.name) chưa được thành lập.")
        }
        return body
    }

    /// Refuses fields that are not top-level criteria of the cycle's frameworks, by unit kind.
    package func checkFields(_ fields: [String: [String]], of cycle: CycleRecord, for actor: String) throws {
        for (kindName, codes) in fields.sorted(by: { $0.key < $1.key }) {
            guard let kind = UnitKind(rawValue: kindName), let frameworkID = cycle.frameworkID(for: kind),
                let framework = state.framework(frameworkID)
            else {
                throw RuleViolation(
                    "cycle '\(cycle.opened.cycle)' scores no \(kindName)s",
                    vi: "Kỳ đánh giá \(cycle.opened.name) không chấm loại đơn vị '\(kindName)'.")
            }
            let fieldCodes = Set(framework.fields.map(\.code))
            guard !codes.isEmpty, Set(codes).count == codes.count, codes.allSatisfy(fieldCodes.contains) else {
                throw RuleViolation(
                    "the fields of \(kindName)s are \(framework.fields.map(\.code).joined(separator: ", ")); each at most once, not \(codes)",
                    vi:
                        "Lĩnh vực của \(UnitKind(rawValue: kindName).map(VietnameseText.units) ?? kindName) là \(framework.fields.map(\.code).joined(separator: ", ")), mỗi lĩnh vực ghi tối đa một lần; không phải \(codes.joined(separator: ", "))."
                )
            }
        }
    }
}
