import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// Explanations (giải trình) during appraisal: a council member asks about a criterion in their fields,
/// the unit answers once, citing added documents, judged by the pure core.
@Suite struct DomainCoreExplanationTests {
    private let officer = F.officer("d01")

    /// The province with d01 self-assessed and submitted.
    private func submitted(commitDraw: Bool = true) throws -> F {
        var core = try F(commitDraw: commitDraw)
        try core.selfAssess("d01")
        try core.submit("d01")
        return core
    }

    private func request(
        _ id: String = "hoi-1", criterion: String = "1.1", question: String = "Văn bản nào chứng minh?"
    ) -> PAREvents.ExplanationRequested {
        PAREvents.ExplanationRequested(
            cycle: F.cycle, unit: "d01", criterion: criterion, request: id, question: question)
    }

    private func answer(_ id: String = "hoi-1", text: String = "Xem quyết định đính kèm", evidence: [String]? = nil)
        -> PAREvents.ExplanationGiven
    {
        PAREvents.ExplanationGiven(
            cycle: F.cycle, unit: "d01", request: id, answer: text, evidence: evidence ?? [F.evidenceHash("d01")])
    }

    @Test func aCouncilMemberAsksForAnExplanationOfACriterionInTheirFields() throws {
        var core = try submitted()
        let at = core.now
        let changes = try core.record(request(), by: F.member)
        let record = try #require(core.explanation("d01", "hoi-1"))
        #expect(record.criterion == "1.1")
        #expect(record.question == "Văn bản nào chứng minh?")
        #expect(record.askedBy == F.member)
        #expect(record.askedSequence == core.state.sequence)
        #expect(record.askedAt == at.iso8601)
        #expect(record.answer == nil)
        #expect(changes == [.explanation(cycle: F.cycle, unit: "d01", request: "hoi-1")])
    }

    @Test func theUnitAnswersCitingAddedDocumentsByTheirNames() throws {
        var core = try submitted()
        try core.record(request(), by: F.member)
        try core.record(answer(), by: "pho-giam-doc")
        let answer = try #require(core.explanation("d01", "hoi-1")?.answer)
        #expect(answer.text == "Xem quyết định đính kèm")
        #expect(answer.by == "pho-giam-doc")
        #expect(answer.sequence == core.state.sequence)
        #expect(answer.evidence == [F.citation(of: "d01")])
        #expect(core.unit("d01")?.selfAssessedBy.contains("pho-giam-doc") == true)
    }

    @Test func anExplanationRequestedBeforeTheSpotCheckSeedIsCommittedIsRefused() throws {
        let core = try submitted(commitDraw: false)
        core.expectRefused(
            request(), by: F.member,
            "opens once the steering committee has committed to the secret of its spot-check draw",
            kind: .conflict)
    }

    @Test func anExplanationRequestedBeforeTheUnitSubmittedIsRefused() throws {
        let core = try F()
        core.expectRefused(
            request(), by: F.member,
            "'d01' has not submitted its self-assessment yet; explanations are asked during appraisal", kind: .conflict)
    }

    @Test func anExplanationRequestedOutsideTheMembersFieldsIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            request(criterion: "2.1"), by: F.member,
            "'thanh-vien' appraises fields 1 of departments, not field 2 (criterion 2.1)", kind: .forbidden)
    }

    @Test func anExplanationRequestedBySomeoneNotOnTheCouncilIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            request(), by: "nguoi-ngoai", "'nguoi-ngoai' is not a council member of 'dien-bien-2019'", kind: .forbidden)
    }

    @Test func anExplanationRequestedBySomeoneWhoSelfAssessedTheUnitIsRefused() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.record(F.submission("d01"), by: F.member)
        core.expectRefused(
            request(), by: F.member, "'thanh-vien' self-assessed d01 and may not appraise it", kind: .forbidden)
    }

    @Test func anExplanationOfASurveyCriterionIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            request(criterion: "2.2"), by: F.chair, "criterion 2.2 is scored by the sociological survey (ĐTXHH)")
    }

    @Test func anExplanationRequestWithoutAQuestionIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            request(question: " "), by: F.member, "a request for an explanation needs its question")
    }

    @Test func anExplanationRequestWithAnInvalidIdIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            request("Câu hỏi 1"), by: F.member, "the explanation request 'Câu hỏi 1' is not a valid id")
    }

    @Test func anExplanationRequestIdUsedTwiceForTheUnitIsRefused() throws {
        var core = try submitted()
        try core.record(request(), by: F.member)
        let askedAt = core.state.sequence
        core.expectRefused(
            request(criterion: "1.2.1"), by: F.member,
            "'d01' was already asked an explanation with the id 'hoi-1' (event \(askedAt)); choose another id",
            kind: .conflict)
    }

    @Test func anAnswerToARequestNeverMadeIsRefused() throws {
        let core = try submitted()
        core.expectRefused(
            answer(), by: officer, "no explanation request 'hoi-1' was made of 'd01'", kind: .notFound)
    }

    @Test func aRequestAnsweredTwiceIsRefused() throws {
        var core = try submitted()
        try core.record(request(), by: F.member)
        try core.record(answer(), by: officer)
        let answeredAt = core.state.sequence
        core.expectRefused(
            answer(text: "Bổ sung"), by: officer,
            "the explanation request 'hoi-1' of 'd01' was already answered at event \(answeredAt)", kind: .conflict)
    }

    @Test func anEmptyAnswerIsRefused() throws {
        var core = try submitted()
        try core.record(request(), by: F.member)
        core.expectRefused(answer(text: "\n"), by: officer, "an explanation needs its answer")
    }

    @Test func anAnswerCitingADocumentNeverAddedIsRefused() throws {
        var core = try submitted()
        try core.record(request(), by: F.member)
        let ghost = String(repeating: "ef", count: 32)
        core.expectRefused(
            answer(evidence: [ghost]), by: officer, "evidence '\(ghost)' (efefefefefefefef…) was never added")
        core.expectRefused(
            answer(evidence: ["khong-phai-hash"]), by: officer,
            "evidence 'khong-phai-hash' is not a SHA-256 of 64 hex digits")
    }

    @Test func anAnswerAfterTheUnitsAppraisalIsSealedIsRefused() throws {
        var core = try submitted()
        try core.record(request(), by: F.member)
        try core.seal("d01")
        core.expectRefused(
            answer(), by: officer, "the appraisal of 'd01' is sealed; the chair reopens it with a reason to change it",
            kind: .conflict)
    }
}
