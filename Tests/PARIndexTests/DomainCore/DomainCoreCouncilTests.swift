import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// The appraisal council: the draw's commitment that opens appraisal, appraisal scores, not-applicable
/// rejections, sealing, reopening and closing, judged by the pure core.
@Suite struct DomainCoreCouncilTests {
    /// The province with every unit self-assessed (at each criterion's maximum unless `points` says
    /// otherwise, for d01 and h01) and submitted.
    private func submitted(points: [String: String] = [:], commitDraw: Bool = true) throws -> F {
        var core = try F(commitDraw: commitDraw)
        for unit in F.units {
            try core.selfAssess(unit.id, points: ["d01", "h01"].contains(unit.id) ? points : [:])
            try core.submit(unit.id)
        }
        return core
    }

    // MARK: The draw's commitment

    @Test func theSteeringCommitteesCommitmentToItsSecretIsKept() throws {
        var core = try F(commitDraw: false)
        try core.record(F.commitment(), by: F.steering)
        #expect(core.cycleRecord?.spotCheckCommitment == SpotCheckDraw.commitment(to: F.secret))
    }

    @Test func aSecondCommitmentIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.commitment(to: Array(repeating: 7, count: 32)), by: F.steering,
            "the spot-check draw of 'dien-bien-2019' is already committed", kind: .conflict)
    }

    @Test func aCommitmentThatIsNotASHA256IsRefused() throws {
        let core = try F(commitDraw: false)
        core.expectRefused(
            PAREvents.SpotCheckSeedCommitted(cycle: F.cycle, commitment: "bi-mat"), by: F.steering,
            "the commitment is a SHA-256 in 64 lowercase hex digits")
    }

    // MARK: One chair

    @Test func aSecondChairIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.assignment(F.member, fields: [.department: ["1"]], chair: true), by: F.secretariat,
            "'chu-tich' already chairs the council of 'dien-bien-2019'; a council has one chair")
    }

    @Test func theChairIsHandedOverOnlyAfterTheFormerChairStepsDown() throws {
        var core = try F()
        try core.record(
            F.assignment(F.chair, fields: [.department: ["1", "2"], .district: ["1"]], chair: true), by: F.secretariat)
        try core.record(F.assignment(F.chair, fields: [.department: ["1", "2"]], chair: false), by: F.secretariat)
        try core.record(F.assignment(F.member, fields: [.department: ["1"]], chair: true), by: F.secretariat)
        let chairs = core.cycleRecord?.council.values.filter(\.chair).map(\.actor)
        #expect(chairs == [F.member])
    }

    // MARK: Appraisal scores

    @Test func aCouncilMemberRecognisingASelfScoreNeedsNoReason() throws {
        var core = try submitted()
        let changes = try core.record(F.appraisal("d01", "1.1", "10"), by: F.member)
        let mark = try #require(core.score("d01", "1.1").appraised)
        #expect(mark.points == "10")
        #expect(mark.decision == "recognise")
        #expect(mark.reason == nil)
        #expect(mark.actor == F.member)
        #expect(mark.sequence == core.state.sequence)
        #expect(core.score("d01", "1.1").selfScore?.points == "10")
        #expect(changes == [.score(cycle: F.cycle, unit: "d01", criterion: "1.1")])
        #expect(core.unit("d01")?.stage == .submitted)
    }

    @Test func aCouncilMemberLoweringADepartmentsSelfScoreWithAReasonIsRecorded() throws {
        var core = try submitted()
        try core.record(
            F.appraisal("d01", "1.2.2", "12.5", reason: "thiếu 3 báo cáo quý", evidence: [F.citation(of: "d02")]),
            by: F.member)
        let mark = try #require(core.score("d01", "1.2.2").appraised)
        #expect(mark.points == "12.5")
        #expect(mark.decision == "lower")
        #expect(mark.reason == "thiếu 3 báo cáo quý")
        #expect(mark.evidence == [F.citation(of: "d02")])
    }

    @Test func anAppraisalBeforeTheSpotCheckSeedIsCommittedIsRefused() throws {
        let core = try submitted(commitDraw: false)
        core.expectRefused(
            F.appraisal("d01", "1.1", "10"), by: F.member,
            "appraisal of 'dien-bien-2019' opens once the steering committee has committed to the secret of its spot-check draw",
            kind: .conflict)
    }

    @Test func anAppraisalBeforeTheUnitSubmittedIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        core.expectRefused(
            F.appraisal("d01", "1.1", "10"), by: F.member,
            "'d01' has not submitted its self-assessment yet; appraisal comes after", kind: .conflict)
    }

    @Test func anAppraisalBySomeoneWhoSelfAssessedTheUnitIsRefused() throws {
        var core = try F()
        try core.record(
            F.assignment("nguyen-van-a", fields: [.department: ["1", "2"]], chair: false), by: F.secretariat)
        try core.selfAssess("d01")
        try core.record(F.selfScore("d01", "1.1", "9"), by: "nguyen-van-a")
        try core.submit("d01")
        core.expectRefused(
            F.appraisal("d01", "2.1", "35"), by: "nguyen-van-a",
            "'nguyen-van-a' self-assessed d01 and may not appraise it",
            kind: .forbidden)
    }

    @Test func aChairWhoSubmittedTheUnitsSelfAssessmentMayNotAppraiseIt() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.record(F.submission("d01"), by: F.chair)
        core.expectRefused(
            F.appraisal("d01", "1.1", "10"), by: F.chair, "'chu-tich' self-assessed d01 and may not appraise it",
            kind: .forbidden)
    }

    @Test func anAppraisalBySomeoneNotOnTheCouncilIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            F.appraisal("d01", "1.1", "10"), by: "nguoi-ngoai",
            "'nguoi-ngoai' is not a council member of 'dien-bien-2019'; the secretariat assigns members and their fields",
            kind: .forbidden)
    }

    @Test func anAppraisalOutsideTheMembersFieldsIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            F.appraisal("d01", "2.1", "35"), by: F.member,
            "'thanh-vien' appraises fields 1 of departments, not field 2 (criterion 2.1)", kind: .forbidden)
    }

    @Test func aMembersFieldsAreThoseOfTheUnitsKind() throws {
        var core = try submitted()
        try core.record(F.assignment("uy-vien", fields: [.district: ["2"]], chair: false), by: F.secretariat)
        core.expectRefused(
            F.appraisal("d01", "2.1", "35"), by: "uy-vien",
            "'uy-vien' appraises fields none of departments, not field 2 (criterion 2.1)", kind: .forbidden)
        try core.record(F.appraisal("h01", "2.1", "35"), by: "uy-vien")
    }

    @Test func raisingADepartmentsSelfScoreIsRefused() throws {
        let core = try submitted(points: ["1.1": "5"])
        core.expectRefused(
            F.appraisal("d01", "1.1", "8", reason: "đủ văn bản"), by: F.member,
            "d01, criterion 1.1: the council may only recognise or lower a department's self-score (5), not raise it to 8"
        )
    }

    @Test func raisingADistrictsSelfScoreWithAReasonIsRecorded() throws {
        var core = try submitted(points: ["1.1": "5"])
        try core.record(F.appraisal("h01", "1.1", "8", reason: "đủ văn bản"), by: F.member)
        #expect(core.score("h01", "1.1").appraised?.decision == "raise")
        #expect(core.score("h01", "1.1").appraised?.points == "8")
    }

    @Test func adjustingASelfScoreWithoutAReasonIsRefused() throws {
        let core = try submitted(points: ["1.1": "5"])
        core.expectRefused(
            F.appraisal("d01", "1.1", "4"), by: F.member, "d01, criterion 1.1: adjusting 5 to 4 needs a reason")
        core.expectRefused(
            F.appraisal("h01", "1.1", "6", reason: "  "), by: F.member,
            "h01, criterion 1.1: adjusting 5 to 6 needs a reason")
    }

    @Test func anAppraisalAboveTheCriterionMaximumIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            F.appraisal("h01", "1.1", "11", reason: "thưởng"), by: F.member,
            "h01, criterion 1.1: 11 points is more than its maximum of 10")
    }

    @Test func anAppraisalNotWrittenInItsCanonicalFormIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            F.appraisal("d01", "1.1", "10.00"), by: F.member,
            "the points '10.00' are not written in their one form '10'")
    }

    @Test func anAppraisalOfASurveyCriterionIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            F.appraisal("d01", "2.2", "20"), by: F.chair,
            "criterion 2.2 is scored by the sociological survey (ĐTXHH), not by the unit or the council")
    }

    @Test func anAppraisalOfACriterionMarkedNotApplicableIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.record(F.notApplicable("d01", "1.2"), by: F.officer("d01"))
        try core.submit("d01")
        core.expectRefused(
            F.appraisal("d01", "1.2.1", "0"), by: F.member, "d01, criterion 1.2.1 is marked not applicable")
    }

    @Test func anAppraisalCitingEvidenceNeverAddedIsRefused() throws {
        let core = try submitted()
        let ghost = EvidenceCitation(name: "bien-ban.pdf", sha256: String(repeating: "cd", count: 32))
        core.expectRefused(
            F.appraisal("d01", "1.1", "6", reason: "biên bản", evidence: [ghost]), by: F.member,
            "evidence 'bien-ban.pdf' (cdcdcdcdcdcdcdcd…) was never added")
    }

    @Test func anAppraisalOfASealedUnitIsRefused() throws {
        var core = try submitted()
        try core.seal("d01")
        core.expectRefused(
            F.appraisal("d01", "1.1", "10"), by: F.member,
            "the appraisal of 'd01' is sealed; the chair reopens it with a reason to change it", kind: .conflict)
    }

    @Test func anAppraisalAfterTheAppraisalWasClosedIsRefused() throws {
        var core = try F()
        try core.closeAppraisal()
        let closedAt = core.state.sequence
        core.expectRefused(
            F.appraisal("d01", "1.1", "10"), by: F.member,
            "the appraisal of 'dien-bien-2019' was closed at event \(closedAt); nothing of it changes now",
            kind: .conflict)
    }

    // MARK: Not-applicable claims rejected

    @Test func rejectingANotApplicableClaimMakesItsCriteriaCountAndLetsTheCouncilScoreThem() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.record(F.notApplicable("d01", "1.2"), by: F.officer("d01"))
        try core.submit("d01")
        let changes = try core.record(
            PAREvents.NotApplicableRejected(cycle: F.cycle, unit: "d01", criterion: "1.2", reason: "vẫn phải làm"),
            by: F.member)
        for code in ["1.2.1", "1.2.2"] {
            #expect(core.score("d01", code).notApplicable == nil)
            #expect(core.score("d01", code).notApplicableRejected?.reason == "vẫn phải làm")
            #expect(core.score("d01", code).notApplicableRejected?.actor == F.member)
        }
        #expect(changes.count == 2)
        try core.record(F.appraisal("d01", "1.2.1", "7", reason: "có 7/10 văn bản"), by: F.member)
        #expect(core.score("d01", "1.2.1").appraised?.decision == "raise")
    }

    @Test func rejectingANotApplicableClaimWithoutAReasonIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.record(F.notApplicable("d01", "1.2"), by: F.officer("d01"))
        try core.submit("d01")
        core.expectRefused(
            PAREvents.NotApplicableRejected(cycle: F.cycle, unit: "d01", criterion: "1.2", reason: " "),
            by: F.member, "rejecting a not-applicable claim needs a reason")
    }

    @Test func rejectingAClaimTheUnitNeverMadeIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            PAREvents.NotApplicableRejected(cycle: F.cycle, unit: "d01", criterion: "1.1", reason: "lý do"),
            by: F.member, "d01 claimed nothing under 1.1 as not applicable")
    }

    @Test func rejectingAClaimOutsideTheMembersFieldsIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.record(F.notApplicable("d01", "2"), by: F.officer("d01"))
        try core.submit("d01")
        core.expectRefused(
            PAREvents.NotApplicableRejected(cycle: F.cycle, unit: "d01", criterion: "2", reason: "lý do"),
            by: F.member, "'thanh-vien' appraises fields 1 of departments, not field 2", kind: .forbidden)
    }

    // MARK: Sealing, reopening, closing

    @Test func theChairSealingAUnitRecognisesEveryCriterionNotYetAppraised() throws {
        var core = try F()
        try core.selfAssess("d01", points: ["1.1": "9"])
        try core.record(F.notApplicable("d01", "1.2"), by: F.officer("d01"))
        try core.submit("d01")
        try core.record(F.appraisal("d01", "2.1", "30", reason: "thiếu"), by: F.chair)
        try core.seal("d01")
        #expect(core.unit("d01")?.stage == .appraised)
        let recognised = try #require(core.score("d01", "1.1").appraised)
        #expect(recognised.points == "9")
        #expect(recognised.actor == F.chair)
        #expect(recognised.decision == "recognise")
        #expect(recognised.reason == "recognised when the appraisal was sealed")
        #expect(core.score("d01", "2.1").appraised?.points == "30")
        #expect(core.score("d01", "1.2.1").appraised == nil)
        #expect(core.score("d01", "2.2").appraised == nil)
    }

    @Test func sealingByAMemberWhoIsNotTheChairIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            F.seal("d01"), by: F.member,
            "only the chair of the council seals, reopens or closes an appraisal; 'thanh-vien' is a member",
            kind: .forbidden)
    }

    @Test func sealingTwiceIsRefused() throws {
        var core = try submitted()
        try core.seal("d01")
        core.expectRefused(F.seal("d01"), by: F.chair, "the appraisal of 'd01' is already sealed", kind: .conflict)
    }

    @Test func sealingBeforeTheUnitSubmittedIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.seal("d01"), by: F.chair, "'d01' has not submitted its self-assessment yet", kind: .conflict)
    }

    @Test func theChairReopensASealedAppraisalWithAReason() throws {
        var core = try submitted()
        try core.seal("d01")
        try core.record(
            PAREvents.AppraisalReopened(cycle: F.cycle, unit: "d01", reason: "xem lại tiêu chí 1.1"), by: F.chair)
        #expect(core.unit("d01")?.stage == .submitted)
        try core.record(F.appraisal("d01", "1.1", "8", reason: "xem lại"), by: F.member)
        #expect(core.score("d01", "1.1").appraised?.points == "8")
    }

    @Test func reopeningAnAppraisalThatIsNotSealedIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            PAREvents.AppraisalReopened(cycle: F.cycle, unit: "d01", reason: "lý do"), by: F.chair,
            "the appraisal of 'd01' is not sealed", kind: .conflict)
    }

    @Test func reopeningWithoutAReasonIsRefused() throws {
        var core = try submitted()
        try core.seal("d01")
        core.expectRefused(
            PAREvents.AppraisalReopened(cycle: F.cycle, unit: "d01", reason: ""), by: F.chair,
            "reopening a sealed appraisal needs a reason")
    }

    @Test func reopeningByAMemberWhoIsNotTheChairIsRefused() throws {
        var core = try submitted()
        try core.seal("d01")
        core.expectRefused(
            PAREvents.AppraisalReopened(cycle: F.cycle, unit: "d01", reason: "lý do"), by: F.member,
            "only the chair of the council seals, reopens or closes an appraisal", kind: .forbidden)
    }

    @Test func theChairClosesTheAppraisalOnceEveryUnitIsSealedAndTheEventsHashIsKept() throws {
        var core = try F()
        try core.closeAppraisal()
        let closure = try #require(core.cycleRecord?.appraisalClosed)
        #expect(closure.sequence == core.state.sequence)
        #expect(closure.hash == F.fakeHash(core.state.sequence).hex)
    }

    @Test func closingTheAppraisalWithUnitsUnsealedIsRefused() throws {
        var core = try submitted()
        try core.seal("d01")
        core.expectRefused(
            F.closing(), by: F.chair,
            "the appraisal is closed once every unit's is sealed; not yet sealed: d02, d03, h01, h02", kind: .conflict)
    }

    @Test func closingTheAppraisalByAMemberWhoIsNotTheChairIsRefused() throws {
        var core = try submitted()
        for unit in F.units { try core.seal(unit.id) }
        core.expectRefused(
            F.closing(), by: F.member, "only the chair of the council of 'dien-bien-2019' closes its appraisal",
            kind: .forbidden)
    }

    @Test func closingTheAppraisalTwiceIsRefused() throws {
        var core = try F()
        try core.closeAppraisal()
        core.expectRefused(F.closing(), by: F.chair, "was closed at event", kind: .conflict)
    }

    @Test func closingTheAppraisalInAUnitStreamIsRefused() throws {
        var core = try submitted()
        for unit in F.units { try core.seal(unit.id) }
        core.expectRefused(
            F.closing(), by: F.chair, stream: PAREvents.unitStream(F.cycle, "d01"),
            "AppraisalClosed belongs in the stream 'cycle/dien-bien-2019'")
    }
}
