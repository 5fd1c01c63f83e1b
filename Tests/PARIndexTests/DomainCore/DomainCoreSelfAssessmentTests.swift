import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// The unit's self-assessment: self-scores, not-applicable marks, the deadline and its extensions,
/// submission and withdrawal, judged by the pure core.
@Suite struct DomainCoreSelfAssessmentTests {
    private let officer = F.officer("d01")

    // MARK: Self-scores

    @Test func aSelfScoreCitingAddedEvidenceIsRecordedWithWhoWhenAndWhat() throws {
        var core = try F()
        let at = core.now
        let changes = try core.record(F.selfScore("d01", "1.2.2", "12.5"), by: officer)
        let mark = try #require(core.score("d01", "1.2.2").selfScore)
        #expect(mark.points == "12.5")
        #expect(mark.value == F.points("12.5"))
        #expect(mark.actor == officer)
        #expect(mark.sequence == core.state.sequence)
        #expect(mark.at == at.iso8601)
        #expect(mark.evidence == [F.citation(of: "d01")])
        #expect(mark.reason == nil)
        #expect(core.unit("d01")?.selfAssessedBy == [officer])
        #expect(core.unit("d01")?.stage == .selfAssessment)
        #expect(
            changes == [.score(cycle: F.cycle, unit: "d01", criterion: "1.2.2"), .unit(cycle: F.cycle, unit: "d01")])
    }

    @Test func aSelfScoreWithAWrittenExplanationAndNoEvidenceIsRecordedWithTheExplanation() throws {
        var core = try F()
        try core.record(
            F.selfScore("d01", "1.1", "7.25", evidence: [], explanation: "  29/40 văn bản đúng hạn  "), by: officer)
        let mark = try #require(core.score("d01", "1.1").selfScore)
        #expect(mark.points == "7.25")
        #expect(mark.reason == "29/40 văn bản đúng hạn")
        #expect(mark.evidence == [])
    }

    @Test func aSelfScoreRecordedAgainReplacesTheEarlierOneAndNotesEachPerson() throws {
        var core = try F()
        try core.record(F.selfScore("d01", "1.1", "4"), by: officer)
        try core.record(F.selfScore("d01", "1.1", "6"), by: "pho-giam-doc")
        #expect(core.score("d01", "1.1").selfScore?.points == "6")
        #expect(core.score("d01", "1.1").selfScore?.actor == "pho-giam-doc")
        #expect(core.unit("d01")?.selfAssessedBy == [officer, "pho-giam-doc"])
    }

    @Test func aSelfScoreAtTheCriterionMaximumIsAccepted() throws {
        var core = try F()
        try core.record(F.selfScore("d01", "2.1", "35"), by: officer)
        #expect(core.score("d01", "2.1").selfScore?.value == F.points("35"))
    }

    @Test func aSelfScoreAboveTheCriterionMaximumIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.selfScore("d01", "1.1", "10.5"), by: officer,
            "d01, criterion 1.1: 10.5 points is more than its maximum of 10", kind: .invalidInput)
    }

    @Test func aSelfScoreWithMoreThanTwoDecimalsIsRefused() throws {
        let core = try F()
        core.expectRefused(F.selfScore("d01", "1.1", "1.234"), by: officer, "points have at most two decimals")
    }

    @Test func aSelfScoreNotWrittenInItsOneCanonicalFormIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.selfScore("d01", "1.1", "01.5"), by: officer, "the points '01.5' are not written in their one form '1.5'")
        core.expectRefused(
            F.selfScore("d01", "1.1", "1,5"), by: officer, "the points '1,5' are not written in their one form '1.5'")
        core.expectRefused(
            F.selfScore("d01", "1.1", "2.50"), by: officer, "the points '2.50' are not written in their one form '2.5'")
    }

    @Test func aNegativeOrNonNumericSelfScoreIsRefused() throws {
        let core = try F()
        core.expectRefused(F.selfScore("d01", "1.1", "-1"), by: officer, "'-1' is not a number of points")
        core.expectRefused(F.selfScore("d01", "1.1", "mười"), by: officer, "'mười' is not a number of points")
    }

    @Test func aSelfScoreOnAnUnknownCriterionIsRefused() throws {
        let core = try F()
        core.expectRefused(F.selfScore("d01", "9.9", "1"), by: officer, "unknown criterion '9.9' for d01")
    }

    @Test func aSelfScoreOnACriterionWithSubCriteriaIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.selfScore("d01", "1.2", "5"), by: officer,
            "criterion 1.2 is the sum of its sub-criteria; score 1.2.1, 1.2.2 instead")
        core.expectRefused(
            F.selfScore("d01", "1", "5"), by: officer,
            "criterion 1 is the sum of its sub-criteria; score 1.1, 1.2 instead")
    }

    @Test func aSurveyCriterionScoredByTheUnitIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.selfScore("d01", "2.2", "20"), by: officer,
            "criterion 2.2 is scored by the sociological survey (ĐTXHH), not by the unit or the council")
    }

    @Test func aSelfScoreWithNeitherEvidenceNorAnExplanationIsRefused() throws {
        let core = try F()
        let expected = "d01, criterion 1.1: a self-score needs evidence or a written explanation of how it was computed"
        core.expectRefused(F.selfScore("d01", "1.1", "5", evidence: []), by: officer, expected)
        core.expectRefused(F.selfScore("d01", "1.1", "5", evidence: [], explanation: " \n "), by: officer, expected)
    }

    @Test func aSelfScoreCitingEvidenceNeverAddedIsRefused() throws {
        let core = try F()
        let ghost = EvidenceCitation(name: "ma.pdf", sha256: String(repeating: "ab", count: 32))
        core.expectRefused(
            F.selfScore("d01", "1.1", "5", evidence: [F.citation(of: "d01"), ghost]), by: officer,
            "evidence 'ma.pdf' (abababababababab…) was never added; add the document first")
    }

    @Test func aSelfScoreCitingEvidenceWithoutAValidHashOrNameIsRefused() throws {
        let core = try F()
        let expected = "needs a name and a SHA-256 of 64 hex digits"
        core.expectRefused(
            F.selfScore("d01", "1.1", "5", evidence: [EvidenceCitation(name: "a.pdf", sha256: "abc")]), by: officer,
            "evidence 'a.pdf' \(expected)")
        core.expectRefused(
            F.selfScore("d01", "1.1", "5", evidence: [EvidenceCitation(name: "", sha256: F.evidenceHash("d01"))]),
            by: officer, expected)
    }

    @Test func aSelfScoreMayCiteAnotherUnitsDocument() throws {
        var core = try F()
        try core.record(F.selfScore("d01", "1.1", "5", evidence: [F.citation(of: "d02")]), by: officer)
        #expect(core.score("d01", "1.1").selfScore?.evidence == [F.citation(of: "d02")])
    }

    @Test func aSelfScoreAtTheDeadlineItselfIsAccepted() throws {
        var core = try F()
        try core.record(F.selfScore("d01", "1.1", "5"), by: officer, at: F.deadline)
        #expect(core.score("d01", "1.1").selfScore?.at == F.deadline)
    }

    @Test func aSelfScoreAfterTheDeadlineIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.selfScore("d01", "1.1", "5"), by: officer, at: "2020-01-14T17:00:00.000Z",
            "the self-assessment deadline for 'd01' passed at 2020-01-14T16:59:59.999Z; the secretariat can record an extension",
            kind: .conflict)
    }

    @Test func aSelfScoreAfterTheDeadlineIsAcceptedWhenTheUnitsDeadlineWasExtended() throws {
        var core = try F()
        try core.record(
            PAREvents.DeadlineExtended(
                cycle: F.cycle, unit: "d01", until: "2020-01-20T16:59:59.999Z", reason: "Công văn 12/SNV"),
            by: F.secretariat)
        try core.record(F.selfScore("d01", "1.1", "5"), by: officer, at: "2020-01-18T02:00:00Z")
        #expect(core.score("d01", "1.1").selfScore?.points == "5")
    }

    @Test func aSelfScoreAfterTheExtendedDeadlineIsRefused() throws {
        var core = try F()
        try core.record(
            PAREvents.DeadlineExtended(
                cycle: F.cycle, unit: "d01", until: "2020-01-20T16:59:59.999Z", reason: "Công văn 12/SNV"),
            by: F.secretariat)
        core.expectRefused(
            F.selfScore("d01", "1.1", "5"), by: officer, at: "2020-01-21T00:00:00Z",
            "the self-assessment deadline for 'd01' passed at 2020-01-20T16:59:59.999Z", kind: .conflict)
    }

    @Test func anExtensionForOneUnitLeavesAnotherUnitsDeadlineAsItWas() throws {
        var core = try F()
        try core.record(
            PAREvents.DeadlineExtended(
                cycle: F.cycle, unit: "d01", until: "2020-01-20T16:59:59.999Z", reason: "Công văn 12/SNV"),
            by: F.secretariat)
        core.expectRefused(
            F.selfScore("d02", "1.1", "5"), by: F.officer("d02"), at: "2020-01-18T02:00:00Z",
            "the self-assessment deadline for 'd02' passed at 2020-01-14T16:59:59.999Z")
    }

    @Test func aSelfScoreInAnotherUnitsStreamIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.selfScore("d01", "1.1", "5"), by: officer, stream: PAREvents.unitStream(F.cycle, "d02"),
            "SelfScoreRecorded for 'd01' belongs in the stream 'cycle/dien-bien-2019/unit/d01'")
    }

    @Test func aSelfScoreForAUnitOutsideTheCycleIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.selfScore("d09", "1.1", "5"), by: officer, "unit 'd09' is not part of cycle 'dien-bien-2019'",
            kind: .notFound)
    }

    @Test func aSelfScoreInAnUnknownCycleIsRefused() throws {
        let core = try F()
        let payload = PAREvents.SelfScoreRecorded(
            cycle: "dien-bien-2030", unit: "d01", criterion: "1.1", points: "5", evidence: [F.citation(of: "d01")],
            explanation: nil)
        core.expectRefused(payload, by: officer, "no cycle 'dien-bien-2030'", kind: .notFound)
    }

    @Test func aSelfScoreAfterSubmissionIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.submit("d01")
        core.expectRefused(
            F.selfScore("d01", "1.1", "5"), by: officer, "'d01' has already submitted its self-assessment",
            kind: .conflict)
    }

    @Test func aSelfScoreOnACriterionMarkedNotApplicableIsRefused() throws {
        var core = try F()
        try core.record(F.notApplicable("d01", "1.2"), by: officer)
        core.expectRefused(
            F.selfScore("d01", "1.2.1", "5"), by: officer, "d01, criterion 1.2.1 is marked not applicable")
    }

    // MARK: Not applicable

    @Test func aNotApplicableMarkCoversEveryAssessedLeafBelowItAndClearsTheirSelfScores() throws {
        var core = try F()
        try core.record(F.selfScore("d01", "1.2.1", "8"), by: officer)
        let changes = try core.record(F.notApplicable("d01", "1.2", legalBasis: "Điều 5 Nghị định 61"), by: officer)
        for code in ["1.2.1", "1.2.2"] {
            let score = core.score("d01", code)
            #expect(score.selfScore == nil)
            #expect(score.notApplicable?.reason == "Điều 5 Nghị định 61")
            #expect(score.notApplicable?.actor == officer)
            #expect(score.notApplicable?.points == nil)
        }
        #expect(core.score("d01", "1.1").notApplicable == nil)
        #expect(
            changes == [
                .score(cycle: F.cycle, unit: "d01", criterion: "1.2.1"),
                .score(cycle: F.cycle, unit: "d01", criterion: "1.2.2"),
            ])
    }

    @Test func aNotApplicableMarkOnAFieldSkipsItsSurveyLeaves() throws {
        var core = try F()
        try core.record(F.notApplicable("d01", "2"), by: officer)
        #expect(core.score("d01", "2.1").notApplicable != nil)
        #expect(core.score("d01", "2.2").notApplicable == nil)
    }

    @Test func aNotApplicableMarkWithoutALegalBasisIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.notApplicable("d01", "1.1", legalBasis: "   "), by: officer, "a not-applicable mark needs its legal basis"
        )
    }

    @Test func aNotApplicableMarkOnAnUnknownCriterionIsRefused() throws {
        let core = try F()
        core.expectRefused(F.notApplicable("d01", "3.1"), by: officer, "unknown criterion '3.1' for d01")
    }

    @Test func aNotApplicableMarkOnASurveyCriterionIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.notApplicable("d01", "2.2"), by: officer, "criterion 2.2 is scored by the survey, not by the unit")
    }

    @Test func aNotApplicableMarkAfterTheDeadlineIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.notApplicable("d01", "1.1"), by: officer, at: "2020-02-01T00:00:00Z",
            "the self-assessment deadline for 'd01' passed", kind: .conflict)
    }

    @Test func aNotApplicableMarkAfterSubmissionIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.submit("d01")
        core.expectRefused(
            F.notApplicable("d01", "1.1"), by: officer, "'d01' has already submitted its self-assessment",
            kind: .conflict)
    }

    // MARK: Submission

    @Test func aUnitSubmitsOnceEveryAssessedCriterionIsScoredOrMarkedNotApplicable() throws {
        var core = try F()
        try core.record(F.selfScore("d01", "1.1", "10"), by: officer)
        try core.record(F.notApplicable("d01", "1.2"), by: officer)
        try core.record(F.selfScore("d01", "2.1", "30"), by: officer)
        let changes = try core.record(F.submission("d01"), by: "giam-doc-so")
        #expect(core.unit("d01")?.stage == .submitted)
        #expect(core.unit("d01")?.selfAssessedBy == [officer, "giam-doc-so"])
        #expect(changes == [.unit(cycle: F.cycle, unit: "d01")])
        #expect(core.unit("d02")?.stage == .selfAssessment)
    }

    @Test func aSubmissionWithCriteriaNeitherScoredNorMarkedIsRefused() throws {
        var core = try F()
        try core.record(F.selfScore("d01", "1.1", "10"), by: officer)
        core.expectRefused(
            F.submission("d01"), by: officer,
            "'d01' cannot submit: 3 criteria are neither scored nor marked not applicable (1.2.1, 1.2.2, 2.1)")
    }

    @Test func aSubmissionAfterTheDeadlineIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        core.expectRefused(
            F.submission("d01"), by: officer, at: "2020-01-15T00:00:00Z",
            "the self-assessment deadline for 'd01' passed", kind: .conflict)
    }

    @Test func aUnitSubmittingTwiceIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.submit("d01")
        core.expectRefused(
            F.submission("d01"), by: officer, "'d01' has already submitted its self-assessment", kind: .conflict)
    }

    // MARK: Withdrawal

    @Test func aSubmittedSelfAssessmentIsWithdrawnBeforeTheDeadlineAndKeepsItsScores() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.submit("d01")
        let changes = try core.record(F.withdrawal("d01"), by: officer)
        #expect(core.unit("d01")?.stage == .selfAssessment)
        #expect(core.score("d01", "1.1").selfScore?.points == "10")
        #expect(changes == [.unit(cycle: F.cycle, unit: "d01")])
        try core.record(F.selfScore("d01", "1.1", "8"), by: officer)
        try core.submit("d01")
        #expect(core.unit("d01")?.stage == .submitted)
        #expect(core.score("d01", "1.1").selfScore?.points == "8")
    }

    @Test func withdrawingASelfAssessmentNeverSubmittedIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.withdrawal("d01"), by: officer,
            "'d01' has not submitted its self-assessment; there is nothing to withdraw", kind: .conflict)
    }

    @Test func withdrawingWithoutAReasonIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.submit("d01")
        core.expectRefused(
            F.withdrawal("d01", reason: " "), by: officer, "withdrawing a self-assessment needs a reason")
    }

    @Test func withdrawingAfterTheDeadlineIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.submit("d01")
        core.expectRefused(
            F.withdrawal("d01"), by: officer, at: "2020-01-15T00:00:00Z",
            "the self-assessment deadline for 'd01' passed", kind: .conflict)
    }

    @Test func withdrawingOnceACouncilMemberAppraisedACriterionIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.submit("d01")
        try core.record(F.appraisal("d01", "1.1", "10"), by: F.member)
        let appraisedAt = core.state.sequence
        core.expectRefused(
            F.withdrawal("d01"), by: officer,
            "the council already recorded criterion 1.1 of 'd01' (event \(appraisedAt)); a self-assessment under appraisal cannot be withdrawn",
            kind: .conflict)
    }

    @Test func withdrawingOnceTheCouncilAskedForAnExplanationIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.submit("d01")
        try core.record(
            PAREvents.ExplanationRequested(
                cycle: F.cycle, unit: "d01", criterion: "1.1", request: "hoi-1", question: "Văn bản nào?"),
            by: F.member)
        let askedAt = core.state.sequence
        core.expectRefused(
            F.withdrawal("d01"), by: officer,
            "the council already asked 'd01' for an explanation ('hoi-1', event \(askedAt))", kind: .conflict)
    }

    @Test func withdrawingASealedAppraisalIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.submit("d01")
        try core.seal("d01")
        core.expectRefused(
            F.withdrawal("d01"), by: officer,
            "the appraisal of 'd01' is sealed; a self-assessment is withdrawn only before the council records anything",
            kind: .conflict)
    }
}
