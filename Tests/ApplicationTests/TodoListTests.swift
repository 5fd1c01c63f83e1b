import Application
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// "Việc cần làm": what each person has to do now, computed from the ledger's state by role, with the
/// deadline the cycle sets; it changes as the cycle moves on.
@Suite struct TodoListTests {
    private func todo(_ p: Province, _ actor: String) throws -> [Todo] {
        let record = try #require(try p.scoring.ledger.actor(actor))
        return try ScoringService(p.scoring).todo(for: record, now: p.clock.now())
    }

    @Test func anOfficerSeesTheSheetDueByTheDeadlineUntilItIsSubmittedThenTheCouncilsQuestion() throws {
        let p = try Province(departments: 2, districts: 0)
        let due = try todo(p, p.officer("d01"))
        #expect(due == [Todo(kind: .selfAssessment, cycle: p.cycle, unit: "d01", deadline: "2020-01-14T16:59:59.999Z")])
        try p.selfAssessFully("d01")
        #expect(try todo(p, p.officer("d01")).isEmpty)
        try p.issue(by: "thanh-vien", [p.ask("d01", "1.1.1")])
        #expect(try todo(p, p.officer("d01")) == [Todo(kind: .answerExplanations, cycle: p.cycle, unit: "d01")])
        #expect(try todo(p, "thanh-vien") == [Todo(kind: .appraise, cycle: p.cycle, count: 1)])
        try p.issue(by: p.officer("d01"), [p.explain("d01")])
        #expect(try todo(p, p.officer("d01")).isEmpty)
        #expect(
            try todo(p, "thanh-vien") == [
                Todo(kind: .appraise, cycle: p.cycle, count: 1), Todo(kind: .readAnswers, cycle: p.cycle, count: 1),
            ])
    }

    @Test func theSurveyContractorTheCommitteeAndTheSecretariatSeeTheirSteps() throws {
        let p = try Province(departments: 2, districts: 0, commitDraw: false)
        #expect(try todo(p, "nha-thau") == [Todo(kind: .importSurvey, cycle: p.cycle, count: 2)])
        #expect(try todo(p, "ban-chi-dao") == [Todo(kind: .commitSpotCheck, cycle: p.cycle)])
        #expect(try todo(p, "so-noi-vu").isEmpty)
        try p.issue(by: "ban-chi-dao", [p.commitment()])
        #expect(try todo(p, "ban-chi-dao").isEmpty)
        try p.surveyFully("d01")
        #expect(try todo(p, "nha-thau") == [Todo(kind: .importSurvey, cycle: p.cycle, count: 1)])
    }
}
