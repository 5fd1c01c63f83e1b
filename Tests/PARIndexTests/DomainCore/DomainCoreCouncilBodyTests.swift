import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// The council as a body (cycles of scheme 2): established by a cited decision with one chair and
/// one secretary, meetings with the quorum the decision sets, a contested adjustment decided by a
/// recorded vote at a meeting, seals citing the meeting, and the report to the province.
@Suite struct DomainCoreCouncilBodyTests {
    /// Scheme 2 with every unit submitted (by its head) and the fixture's meeting held.
    private func submitted() throws -> F {
        var core = try F(scheme: 2)
        try core.submitAll()
        try core.record(F.meetingHeld(), by: F.secretary)
        return core
    }

    private func seat(_ actor: String, _ position: String, _ fields: [String: [String]] = ["department": ["1"]])
        -> PAREvents.CouncilSeat
    {
        PAREvents.CouncilSeat(actor: actor, position: position, fields: fields)
    }

    // MARK: Establishment

    @Test func theDecisionSeatsTheChairTheMembersAndTheSecretary() throws {
        let core = try F(scheme: 2)
        let body = try #require(core.cycleRecord?.councilBody)
        #expect(body.established.decision == "QĐ 20/QĐ-UBND")
        #expect(body.chair == F.chair)
        #expect(body.secretary == F.secretary)
        #expect(core.cycleRecord?.council[F.chair]?.chair == true)
        #expect(core.cycleRecord?.council[F.member]?.chair == false)
        #expect(core.cycleRecord?.council[F.secretary] == nil)
    }

    @Test func inSchemeTwoMembersAreNotAssignedOneByOne() throws {
        let core = try F(scheme: 2)
        core.expectRefused(
            F.assignment("thanh-vien-2", fields: [.department: ["1"]], chair: false), by: F.secretariat,
            "establishes the council as a body by its decision (CouncilEstablished)", kind: .conflict)
    }

    @Test func aCouncilIsEstablishedOnceWithOneChairAndOneSecretary() throws {
        let core = try F(scheme: 2)
        core.expectRefused(F.establishment(), by: F.secretariat, "was established by decision QĐ 20/QĐ-UBND")
        var fresh = try F(scheme: 2, establishCouncil: false)
        let twoChairs = [seat("a", "chair"), seat("b", "chair"), seat("c", "secretary", [:])]
        fresh.expectRefused(
            F.establishment(members: twoChairs), by: F.secretariat, "a council has exactly one chair, not 2")
        let noSecretary = [seat("a", "chair"), seat("b", "member")]
        fresh.expectRefused(
            F.establishment(members: noSecretary), by: F.secretariat, "a council has exactly one secretary, not 0")
        fresh.expectRefused(
            F.establishment(members: [seat("a", "chair"), seat("a", "secretary", [:])]), by: F.secretariat,
            "'a' has two seats on the council")
        fresh.expectRefused(
            F.establishment(members: [seat("a", "chair", [:]), seat("b", "secretary", [:])]), by: F.secretariat,
            "'a' (chair) is assigned at least one field")
        fresh.expectRefused(
            F.establishment(members: [seat("a", "phó chủ tịch"), seat("b", "secretary", [:])]), by: F.secretariat,
            "a seat is chair, secretary or member")
        fresh.expectRefused(F.establishment(decision: "  "), by: F.secretariat, "cite it")
        for quorum in ["0", "100.01", "50.5.5", "1/2"] {
            fresh.expectRefused(
                F.establishment(quorumPercent: quorum), by: F.secretariat, "is a percent of the members")
        }
        try fresh.record(F.establishment(), by: F.secretariat)
    }

    @Test func schemeOneCyclesKeepTheirMemberByMemberCouncil() throws {
        let core = try F()
        core.expectRefused(F.establishment(), by: F.secretariat, "follows scheme 1", kind: .conflict)
    }

    // MARK: Meetings

    @Test func aMeetingNeedsItsQuorumItsSecretaryAndItsMinutes() throws {
        var core = try F(scheme: 2)
        core.expectRefused(
            F.meetingHeld(attendees: [F.chair]), by: F.secretary,
            "1 of the council's 3 members attended; a meeting needs 50% of them")
        core.expectRefused(F.meetingHeld(), by: F.chair, "is not the secretary", kind: .forbidden)
        core.expectRefused(
            F.meetingHeld(attendees: [F.chair, "nguoi-ngoai"]), by: F.secretary, "the attendees are members")
        core.expectRefused(
            F.meetingHeld(attendees: [F.chair, F.chair]), by: F.secretary, "each named once")
        let unadded = PAREvents.CouncilMeetingHeld(
            cycle: F.cycle, meeting: "phien-2", date: "2020-03-11", attendees: [F.chair, F.member],
            minutes: F.citation(of: "khong-co"))
        core.expectRefused(unadded, by: F.secretary, "was never added")
        try core.record(F.meetingHeld(attendees: [F.chair, F.member]), by: F.secretary)
        core.expectRefused(F.meetingHeld(), by: F.secretary, "meeting 'phien-hop-1' was recorded at event")
    }

    // MARK: Seals

    @Test func inSchemeTwoTheSealCitesAMeeting() throws {
        var core = try F(scheme: 2)
        try core.submitAll()
        core.expectRefused(F.seal("d01"), by: F.chair, "no meeting cited")
        core.expectRefused(F.seal("d01", meeting: "phien-9"), by: F.chair, "no meeting 'phien-9'")
        try core.record(F.meetingHeld(), by: F.secretary)
        try core.record(F.seal("d01", meeting: F.meeting), by: F.chair)
        #expect(core.unit("d01")?.stage == .appraised)
    }

    @Test func aReopenedUnitIsSealedAgainCitingAMeetingHeldSinceTheReopening() throws {
        var core = try submitted()
        try core.record(F.seal("d01", meeting: F.meeting), by: F.chair)
        try core.record(
            PAREvents.AppraisalReopened(cycle: F.cycle, unit: "d01", reason: "xem lại tiêu chí 1.1"), by: F.chair)
        core.expectRefused(
            F.seal("d01", meeting: F.meeting), by: F.chair,
            "after meeting 'phien-hop-1' (event")
        try core.record(F.meetingHeld("phien-2", attendees: [F.chair, F.member]), by: F.secretary)
        try core.record(F.seal("d01", meeting: "phien-2"), by: F.chair)
        #expect(core.unit("d01")?.stage == .appraised)
    }

    @Test func inSchemeOneTheSealCitesNoMeeting() throws {
        var core = try F()
        try core.submitAll()
        core.expectRefused(F.seal("d01", meeting: "phien-1"), by: F.chair, "the seal cites no meeting")
    }

    // MARK: Contests and votes

    private func contested() throws -> F {
        var core = try submitted()
        try core.record(F.appraisal("h01", "1.1", "6", reason: "thiếu minh chứng"), by: F.chair)
        try core.record(
            PAREvents.AdjustmentContested(cycle: F.cycle, unit: "h01", criterion: "1.1", reason: "minh chứng đã đủ"),
            by: F.member)
        return core
    }

    private func vote(_ points: String, for inFavour: [String], against: [String], meeting: String = F.meeting)
        -> PAREvents.CouncilVoteRecorded
    {
        PAREvents.CouncilVoteRecorded(
            cycle: F.cycle, unit: "h01", criterion: "1.1", meeting: meeting, points: points, inFavour: inFavour,
            against: against)
    }

    @Test func aContestedAdjustmentIsDecidedByTheCouncilsVoteBeforeTheSeal() throws {
        var core = try contested()
        core.expectRefused(
            F.seal("h01", meeting: F.meeting), by: F.chair, "criterion 1.1 of 'h01' is contested", kind: .conflict)
        try core.record(vote("9", for: [F.member, F.secretary], against: [F.chair]), by: F.secretary)
        let mark = try #require(core.score("h01", "1.1").appraised)
        #expect(mark.points == "9")
        #expect(
            mark.reason?.hasPrefix("decided by the council's vote at meeting phien-hop-1 (2 for, 1 against)") == true)
        try core.record(F.seal("h01", meeting: F.meeting), by: F.chair)
    }

    @Test func aProposalWithoutAMajorityLeavesTheAppraisalAsItWas() throws {
        var core = try contested()
        try core.record(vote("9", for: [F.member], against: [F.chair]), by: F.secretary)
        #expect(core.score("h01", "1.1").appraised?.points == "6")
        let contest = try #require(core.cycleRecord?.councilBody?.contests.values.first)
        #expect(contest.carried == false)
        try core.record(F.seal("h01", meeting: F.meeting), by: F.chair)
    }

    @Test func votesAreRecordedByTheSecretaryAmongTheAttendeesOnAContest() throws {
        var core = try contested()
        core.expectRefused(vote("9", for: [F.member], against: []), by: F.chair, "records its votes", kind: .forbidden)
        core.expectRefused(
            vote("9", for: [F.member, F.member], against: []), by: F.secretary, "each voting once")
        core.expectRefused(
            vote("9", for: [F.member], against: [], meeting: "phien-9"), by: F.secretary, "no meeting 'phien-9'",
            kind: .notFound)
        try core.record(F.meetingHeld("phien-2", attendees: [F.chair, F.secretary]), by: F.secretary)
        core.expectRefused(
            vote("9", for: [F.member], against: [], meeting: "phien-2"), by: F.secretary,
            "the voters attended meeting 'phien-2'")
        core.expectRefused(vote("10.5", for: [F.member], against: []), by: F.secretary, "10.5")
        try core.record(vote("9", for: [F.member], against: []), by: F.secretary)
        core.expectRefused(
            vote("8", for: [F.member], against: []), by: F.secretary, "there is nothing to vote on", kind: .conflict)
    }

    @Test func onlyAnAppraisalRecordedIsContestedAndOnceAtATime() throws {
        var core = try submitted()
        let contest = PAREvents.AdjustmentContested(cycle: F.cycle, unit: "h01", criterion: "1.1", reason: "sai")
        core.expectRefused(contest, by: F.member, "has no appraisal to contest", kind: .conflict)
        try core.record(F.appraisal("h01", "1.1", "6", reason: "thiếu"), by: F.chair)
        core.expectRefused(
            PAREvents.AdjustmentContested(cycle: F.cycle, unit: "h01", criterion: "1.1", reason: "\u{3000}"),
            by: F.member, "contesting an appraisal needs a reason")
        core.expectRefused(contest, by: F.head("h01"), "has no seat on the council", kind: .forbidden)
        try core.record(contest, by: F.member)
        core.expectRefused(contest, by: F.chair, "is already contested", kind: .conflict)
    }

    // MARK: The report

    @Test func theChairReportsToTheProvinceOnceTheAppraisalIsClosedAndTheApprovalWaitsForIt() throws {
        var core = try F(scheme: 2)
        try core.submitAll()
        for unit in F.units { try core.seal(unit.id) }
        let report = PAREvents.CouncilReportSubmitted(cycle: F.cycle, report: F.councilDocument.citation)
        core.expectRefused(report, by: F.chair, "once it has closed the appraisal", kind: .conflict)
        try core.record(F.closing(), by: F.chair)
        core.expectRefused(report, by: F.member, "is not the chair", kind: .forbidden)
        try core.record(try core.draw(.department), by: F.steering)
        try core.record(try core.draw(.district), by: F.steering)
        for unit in core.drawn(.department) + core.drawn(.district) {
            try core.record(PAREvents.SpotCheckConcluded(cycle: F.cycle, unit: unit), by: F.steering)
        }
        for unit in F.units { try core.record(F.survey(unit.id), by: F.contractor) }
        core.now = F.time("2020-05-15T03:00:00Z")
        core.expectRefused(
            try core.approval(), by: F.provinceChair, "the council has not sent its report to the province")
        try core.record(report, by: F.chair)
        core.expectRefused(report, by: F.chair, "has already sent its report", kind: .conflict)
        try core.record(try core.approval(), by: F.provinceChair)
    }
}
