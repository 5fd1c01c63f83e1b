import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// A unit may withdraw its submitted self-assessment before the deadline while the council has done
/// nothing on it; council members ask for explanations in their fields and the unit answers once,
/// citing documents, before the seal. Every refusal names its reason and kind and appends nothing.
@Suite struct ExplanationAndWithdrawalTests {
    private func stage(_ p: Province, _ unit: String) throws -> UnitStage? {
        try p.scoring.unitRecord(cycle: p.cycle, unit: unit)?.stage
    }

    // MARK: Withdrawal

    @Test func aSubmittedSelfAssessmentIsWithdrawnRescoredAndSubmittedAgainKeepingItsScores() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        try p.issue(by: p.officer("d01"), [p.withdraw("d01")])
        #expect(try stage(p, "d01") == .selfAssessment)
        let kept = try p.scoring.scores(cycle: p.cycle, unit: "d01").first { $0.0.code == "1.2" }?.1
        #expect(kept?.selfScore?.points == p.departments.criteriaByCode["1.2"]?.maxPoints.description)
        try p.issue(by: p.officer("d01"), [p.selfScore("d01", "1.2", "0.5"), p.submit("d01")])
        #expect(try stage(p, "d01") == .submitted)
        let rescored = try p.scoring.scores(cycle: p.cycle, unit: "d01").first { $0.0.code == "1.2" }?.1
        #expect(rescored?.selfScore?.points == "0.5")
        #expect(try p.scoring.unitScores(cycle: p.cycle, unit: "d01").stage == .submitted)
    }

    @Test func onlyTheUnitsOwnOfficerWithdrawsIt() throws {
        let p = try Province(departments: 2, districts: 0)
        try p.selfAssessFully("d01")
        try p.expectRefused(by: "hoi-dong", [p.withdraw("d01")], .forbidden, "needs the role unit-officer")
        try p.expectRefused(by: p.officer("d02"), [p.withdraw("d01")], .forbidden, "acts for d02 only")
    }

    @Test func aSelfAssessmentNotSubmittedOrAlreadySealedCannotBeWithdrawn() throws {
        let p = try Province(departments: 2, districts: 0)
        try p.expectRefused(by: p.officer("d01"), [p.withdraw("d01")], .conflict, "has not submitted")
        try p.selfAssessFully("d02")
        try p.issue(by: "hoi-dong", [p.conclude("d02")])
        try p.expectRefused(by: p.officer("d02"), [p.withdraw("d02")], .conflict, "is sealed")
    }

    @Test func aWithdrawalAfterTheDeadlineIsRefused() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        p.clock.set(try #require(Timestamp(iso8601: "2020-01-15T03:00:00Z")))
        try p.expectRefused(by: p.officer("d01"), [p.withdraw("d01")], .conflict, "deadline for 'd01' passed")
    }

    @Test func aWithdrawalNeedsAReason() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        try p.expectRefused(
            by: p.officer("d01"), [p.withdraw("d01", reason: " \n")], .invalidInput, "needs a reason")
    }

    @Test func aWithdrawalAfterTheCouncilAppraisedRejectedOrAskedIsRefused() throws {
        let p = try Province(departments: 3, districts: 0)
        try p.selfAssessFully("d01")
        try p.issue(by: "thanh-vien", [p.appraise("d01", "1.2", "2")])
        try p.expectRefused(
            by: p.officer("d01"), [p.withdraw("d01")], .conflict, "the council already recorded criterion 1.2")
        try p.selfAssessFully("d02", notApplicable: ["2.1"])
        try p.issue(by: "hoi-dong", [p.rejectNotApplicable("d02", "2.1")])
        try p.expectRefused(by: p.officer("d02"), [p.withdraw("d02")], .conflict, "the council already recorded")
        try p.selfAssessFully("d03")
        try p.issue(by: "thanh-vien", [p.ask("d03", "1.2")])
        try p.expectRefused(
            by: p.officer("d03"), [p.withdraw("d03")], .conflict, "already asked 'd03' for an explanation")
    }

    // MARK: Requests

    @Test func aMemberAsksForAnExplanationInTheirFieldAndTheReportListsIt() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        let asked = try p.issue(by: "thanh-vien", [p.ask("d01", "1.2", question: "Báo cáo quý IV gửi ngày nào?")])
        let report = try p.scoring.unitScores(cycle: p.cycle, unit: "d01")
        let requests = try #require(report.lines.first { $0.criterion.code == "1.2" }).explanations
        #expect(requests.count == 1)
        #expect(requests.first?.askedBy == "thanh-vien")
        #expect(requests.first?.askedSequence == asked.events.last?.sequence)
        #expect(requests.first?.question == "Báo cáo quý IV gửi ngày nào?")
        #expect(requests.first?.answer == nil)
        #expect(report.lines.filter { !$0.explanations.isEmpty }.count == 1)
    }

    @Test func onlyACouncilMemberOfTheCriterionsFieldWhoDidNotSelfAssessMayAsk() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.enrolPerson(
            "kiem-nhiem", name: "Cán bộ kiêm nhiệm",
            grants: [RoleGrant(role: "unit-officer", scope: "d01"), RoleGrant(role: "council-member", scope: nil)])
        try p.issue(by: "so-noi-vu", [p.assign("kiem-nhiem", fields: [.department: ["1"]], chair: false)])
        try p.issue(by: "kiem-nhiem", [p.selfScore("d01", "1.2", "3")])
        try p.selfAssessFully("d01")
        try p.expectRefused(by: p.officer("d01"), [p.ask("d01", "1.2")], .forbidden, "needs the role council-member")
        try p.expectRefused(by: "thanh-vien", [p.ask("d01", "2.2.1")], .forbidden, "not field 2")
        try p.expectRefused(
            by: "kiem-nhiem", [p.ask("d01", "1.2")], .forbidden,
            "holds the role unit-officer in 'd01' and may not judge that unit")
        let officerOfD01 = RoleGrant(role: "unit-officer", scope: "d01")
        try p.issue(by: "so-noi-vu", [ActorEvent.role(officerOfD01, of: "kiem-nhiem", granted: false)])
        try p.expectRefused(by: "kiem-nhiem", [p.ask("d01", "1.2")], .forbidden, "self-assessed d01")
    }

    @Test func explanationsAreAskedOnlyOfASubmittedUnitWhileTheAppraisalIsOpen() throws {
        let p = try Province(departments: 2, districts: 0, commitDraw: false)
        try p.selfAssessFully("d01")
        try p.expectRefused(by: "hoi-dong", [p.ask("d01", "1.2")], .conflict, "opens once the steering committee")
        try p.issue(by: "ban-chi-dao", [p.commitment()])
        try p.expectRefused(by: "hoi-dong", [p.ask("d02", "1.2")], .conflict, "has not submitted")
        try p.issue(by: "hoi-dong", [p.conclude("d01")])
        try p.expectRefused(by: "hoi-dong", [p.ask("d01", "1.2")], .conflict, "is sealed")
    }

    @Test func aRequestNeedsAFreshIdAQuestionAndAnAssessedLeaf() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        try p.expectRefused(by: "hoi-dong", [p.ask("d01", "1.2", request: "GT 1")], .invalidInput, "not a valid id")
        try p.expectRefused(by: "hoi-dong", [p.ask("d01", "1.2", question: "  ")], .invalidInput, "needs its question")
        try p.expectRefused(by: "hoi-dong", [p.ask("d01", "9.9")], .invalidInput, "unknown criterion '9.9'")
        try p.expectRefused(by: "hoi-dong", [p.ask("d01", "1.1")], .invalidInput, "sum of its sub-criteria")
        try p.expectRefused(by: "hoi-dong", [p.ask("d01", "2.5.1")], .invalidInput, "sociological survey")
        try p.issue(by: "hoi-dong", [p.ask("d01", "1.2")])
        try p.expectRefused(by: "hoi-dong", [p.ask("d01", "2.2.1")], .conflict, "already asked an explanation")
    }

    // MARK: Answers

    @Test func theUnitAnswersOnceCitingADocumentEvenAfterItsDeadline() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        try p.issue(by: "thanh-vien", [p.ask("d01", "1.2")])
        p.clock.set(try #require(Timestamp(iso8601: "2020-02-20T03:00:00Z")))
        let answered = try p.issue(by: p.officer("d01"), [p.explain("d01", answer: "Báo cáo gửi ngày 10/12/2019")])
        let request = try #require(try p.scoring.explanations(cycle: p.cycle, unit: "d01").first)
        #expect(request.answer?.text == "Báo cáo gửi ngày 10/12/2019")
        #expect(request.answer?.by == p.officer("d01"))
        #expect(request.answer?.sequence == answered.events.last?.sequence)
        #expect(
            request.answer?.evidence == [EvidenceCitation(name: "tlkc-d01.pdf", sha256: Province.evidenceHash("d01"))])
        let json = try p.scoring.unitScores(cycle: p.cycle, unit: "d01").json
        let line = try #require(json["criteria"]?.arrayValue?.first { $0["code"] == .string("1.2") })
        #expect(line["explanations"]?.arrayValue?.first?["answeredBy"] == .string(p.officer("d01")))
        try p.expectRefused(by: p.officer("d01"), [p.explain("d01")], .conflict, "was already answered")
    }

    @Test func onlyTheUnitsOfficerAnswersAnExistingRequest() throws {
        let p = try Province(departments: 2, districts: 0)
        try p.selfAssessFully("d01")
        try p.issue(by: "thanh-vien", [p.ask("d01", "1.2")])
        try p.expectRefused(by: "hoi-dong", [p.explain("d01")], .forbidden, "needs the role unit-officer")
        try p.expectRefused(by: p.officer("d02"), [p.explain("d01")], .forbidden, "acts for d02 only")
        try p.expectRefused(
            by: p.officer("d01"), [p.explain("d01", request: "gt-9")], .notFound, "no explanation request 'gt-9'")
    }

    @Test func anAnswerNeedsTextAndDocumentsAlreadyAdded() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        try p.issue(by: "thanh-vien", [p.ask("d01", "1.2")])
        try p.expectRefused(by: p.officer("d01"), [p.explain("d01", answer: " ")], .invalidInput, "needs its answer")
        try p.expectRefused(
            by: p.officer("d01"), [p.explain("d01", evidence: [String(repeating: "b", count: 64)])], .invalidInput,
            "was never added")
        try p.expectRefused(
            by: p.officer("d01"), [p.explain("d01", evidence: ["abc"])], .invalidInput, "64 hex digits")
    }

    @Test func noAnswerIsTakenAfterTheSeal() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        try p.issue(by: "thanh-vien", [p.ask("d01", "1.2")])
        try p.issue(by: "hoi-dong", [p.conclude("d01")])
        try p.expectRefused(by: p.officer("d01"), [p.explain("d01")], .conflict, "is sealed")
    }

    @Test func rebuildingWithExplanationsAndAWithdrawalWritesTheSameProjections() throws {
        let p = try Province(departments: 2, districts: 0)
        try p.selfAssessFully("d01")
        try p.issue(by: p.officer("d01"), [p.withdraw("d01")])
        try p.issue(by: p.officer("d01"), [p.submit("d01")])
        try p.issue(by: "thanh-vien", [p.ask("d01", "1.2"), p.ask("d01", "1.1.1", request: "gt-2")])
        try p.issue(by: p.officer("d01"), [p.explain("d01")])
        let before = try p.scoring.projectionDigest()
        try p.scoring.rebuild()
        #expect(try p.scoring.projectionDigest() == before)
        #expect(try p.scoring.explanations(cycle: p.cycle, unit: "d01").map(\.request) == ["gt-1", "gt-2"])
    }
}
