import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARDocuments
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// The council decides as a body, people do not judge their own unit, and the spot-check draw is
/// committed before appraisal and seeded by its close: each rule refuses with its reason and appends nothing.
@Suite struct CouncilAndDrawTests {
    @Test func appraisalOpensOnlyOnceTheDrawIsCommitted() throws {
        let p = try Province(departments: 1, districts: 0, commitDraw: false)
        try p.selfAssessFully("d01")
        #expect(
            try p.refusal(by: "hoi-dong", [p.appraise("d01", "1.2", "1")])?
                .contains(
                    "appraisal of 'dien-bien-2019' opens once the steering committee has committed to the secret of its spot-check draw"
                ) == true)
        #expect(
            try p.refusal(by: "hoi-dong", [p.conclude("d01")])?.contains(
                "opens once the steering committee has committed") == true)
        try p.issue(by: "ban-chi-dao", [p.commitment()])
        #expect(
            try p.refusal(by: "ban-chi-dao", [p.commitment(to: Array(repeating: 7, count: 32))])?.contains(
                "is already committed") == true)
        try p.issue(by: "hoi-dong", [p.appraise("d01", "1.2", "1")])
    }

    @Test func aMemberAppraisesOnlyTheFieldsAssignedAndOnlyTheChairSealsReopensAndCloses() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        #expect(
            try p.refusal(by: "thanh-vien", [p.appraise("d01", "2.2.1", "0")])?
                .contains("'thanh-vien' appraises fields 1 of departments, not field 2 (criterion 2.2.1)") == true)
        try p.issue(by: "thanh-vien", [p.appraise("d01", "1.2", "1")])
        #expect(
            try p.refusal(by: "thanh-vien", [p.conclude("d01")])?.contains(
                "only the chair of the council seals, reopens or closes") == true)
        try p.issue(by: "hoi-dong", [p.conclude("d01")])
        #expect(try p.refusal(by: "thanh-vien", [p.reopen("d01")])?.contains("only the chair") == true)
        #expect(
            try p.refusal(by: "hoi-dong", [p.reopen("d01", reason: "  ")])?.contains(
                "reopening a sealed appraisal needs a reason") == true)
        try p.issue(by: "hoi-dong", [p.reopen("d01")])
        try p.issue(by: "thanh-vien", [p.appraise("d01", "1.2", "0.5", reason: "Giải trình chưa đạt")])
        #expect(
            try p.refusal(by: "thanh-vien", [p.closeAppraisal()])?.contains(
                "only the chair of the council of 'dien-bien-2019' closes") == true)
        #expect(try p.refusal(by: "hoi-dong", [p.closeAppraisal()])?.contains("not yet sealed: d01") == true)
        try p.issue(by: "hoi-dong", [p.conclude("d01")])
        try p.issue(by: "hoi-dong", [p.closeAppraisal()])
        #expect(try p.refusal(by: "hoi-dong", [p.reopen("d01")])?.contains("was closed at event") == true)
        #expect(
            try p.refusal(by: "thanh-vien", [p.appraise("d01", "1.2", "1")])?.contains("was closed at event") == true)
        let score = try p.scoring.scores(cycle: p.cycle, unit: "d01").first { $0.0.code == "1.2" }?.1
        #expect(score?.appraised?.points == "0.5")
        #expect(score?.appraised?.actor == "thanh-vien")
    }

    @Test func anActorNotOnTheCouncilOfTheCycleCannotAppraise() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.enrolPerson("hoi-dong-2", name: "Thành viên mới", grants: [RoleGrant(role: "council-member", scope: nil)])
        try p.selfAssessFully("d01")
        #expect(
            try p.refusal(by: "hoi-dong-2", [p.appraise("d01", "1.2", "1")])?
                .contains("'hoi-dong-2' is not a council member of 'dien-bien-2019'") == true)
        #expect(
            try p.refusal(by: "so-noi-vu", [p.assign("hoi-dong-2", fields: [.department: ["9"]], chair: false)])?
                .contains("the fields of departments are 1, 2, 3, 4, 5, 6, 7") == true)
        try p.issue(by: "so-noi-vu", [p.assign("hoi-dong-2", fields: [.department: ["2"]], chair: false)])
        try p.issue(by: "hoi-dong-2", [p.appraise("d01", "2.2.1", "0")])
    }

    @Test func whoHoldsARoleInAUnitOrSelfAssessedItMayNeitherAppraiseNorSpotCheckIt() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.enrolPerson(
            "kiem-nhiem", name: "Cán bộ kiêm nhiệm",
            grants: [
                RoleGrant(role: "unit-officer", scope: "d01"), RoleGrant(role: "council-member", scope: nil),
                RoleGrant(role: "steering-committee", scope: nil),
            ])
        try p.issue(by: "so-noi-vu", [p.assign("kiem-nhiem", fields: [.department: ["1", "2"]], chair: false)])
        try p.issue(by: "kiem-nhiem", [p.selfScore("d01", "1.2", "3")])
        try p.selfAssessFully("d01")
        #expect(
            try p.refusal(by: "kiem-nhiem", [p.appraise("d01", "1.2", "1")])?.contains(
                "'kiem-nhiem' holds the role unit-officer in 'd01' and may not judge that unit") == true)
        let officerOfD01 = RoleGrant(role: "unit-officer", scope: "d01")
        try p.issue(by: "so-noi-vu", [ActorEvent.role(officerOfD01, of: "kiem-nhiem", granted: false)])
        #expect(
            try p.refusal(by: "kiem-nhiem", [p.appraise("d01", "1.2", "1")])?.contains(
                "'kiem-nhiem' self-assessed d01 and may not appraise it") == true)
        try p.issue(by: "hoi-dong", [p.conclude("d01")])
        #expect(try p.draw(.department) == ["d01"])
        #expect(
            try p.refusal(by: "kiem-nhiem", [p.spotCheck("d01", "1.2", "recognise")])?.contains(
                "'kiem-nhiem' self-assessed d01 and may not spot-check it") == true)
        #expect(
            try p.refusal(by: "kiem-nhiem", [p.concludeSpotCheck("d01")])?.contains("may not spot-check it") == true)
        try p.issue(by: "ban-chi-dao", [p.spotCheck("d01", "1.2", "recognise"), p.concludeSpotCheck("d01")])
    }

    @Test func theCouncilRejectsANotApplicableClaimAndTheCriterionIsScoredAgain() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01", notApplicable: ["2.1"])
        let before = try #require(try p.scoring.results(cycle: p.cycle).units.first)
        #expect(
            try p.refusal(by: "thanh-vien", [p.rejectNotApplicable("d01", "2.1")])?.contains(
                "appraises fields 1 of departments, not field 2") == true)
        #expect(
            try p.refusal(by: "hoi-dong", [p.rejectNotApplicable("d01", "2.1", reason: "")])?.contains("needs a reason")
                == true)
        #expect(
            try p.refusal(by: "hoi-dong", [p.rejectNotApplicable("d01", "1.2")])?.contains(
                "claimed nothing under 1.2 as not applicable") == true)
        try p.issue(by: "hoi-dong", [p.rejectNotApplicable("d01", "2.1")])
        let leaf = try #require(try p.scoring.scores(cycle: p.cycle, unit: "d01").first { $0.0.code == "2.1.1" })
        #expect(
            leaf.1.notApplicable == nil && leaf.1.notApplicableRejected?.reason == "Đơn vị có nhiệm vụ này trong năm")
        try p.issue(
            by: "hoi-dong", [p.appraise("d01", "2.1.1", leaf.0.maxPoints.description, reason: "Thực hiện đầy đủ")])
        try p.issue(by: "hoi-dong", [p.conclude("d01")])
        let after = try #require(try p.scoring.results(cycle: p.cycle).units.first)
        #expect(after.maxPoints == before.maxPoints + Points(hundredths: 200))
    }

    @Test func theDrawRevealsTheCommittedSecretAfterTheCloseAndCannotBeReRolled() throws {
        let p = try Province(departments: 3, districts: 0)
        for unit in ["d01", "d02", "d03"] {
            try p.selfAssessFully(unit)
            try p.issue(by: "hoi-dong", [p.conclude(unit)])
        }
        #expect(throws: RuleViolation.self) {
            try p.scoring.spotCheckDraw(cycle: p.cycle, kind: .department, secret: p.secret, adding: [])
        }
        try p.issue(by: "hoi-dong", [p.closeAppraisal()])
        let wrong = try p.scoring.spotCheckDraw(
            cycle: p.cycle, kind: .department, secret: Array(repeating: 1, count: 32), adding: [])
        #expect(
            try p.refusal(by: "ban-chi-dao", [wrong])?.contains(
                "the revealed secret is not the one the steering committee committed to") == true)
        let draft = try p.scoring.spotCheckDraw(cycle: p.cycle, kind: .department, secret: p.secret, adding: [])
        try p.issue(
            by: "ban-chi-dao",
            [
                PAREvents.EvidenceAdded(
                    sha256: String(repeating: "cd", count: 32), name: "thêm.pdf", size: 1, unit: nil
                ).draft
            ])
        #expect(try p.scoring.spotCheckDraw(cycle: p.cycle, kind: .department, secret: p.secret, adding: []) == draft)
        try p.issue(by: "ban-chi-dao", [draft])
        let (_, recorded, redrawn) = try p.scoring.redraw(cycle: p.cycle, kind: .department)
        #expect(recorded == redrawn)
    }

    @Test func aFrameworkWithASpotCheckBelowTenPercentIsRefused() throws {
        var json = try Repository.framework("dien-bien-2019-departments").json
        if case .object(var document) = json, case .object(var settings)? = document["settings"] {
            settings["spotCheckPercent"] = .string("5")
            document["settings"] = .object(settings)
            json = .object(document)
        }
        let defects = FrameworkValidator.defects(in: try Framework(json: json))
        #expect(defects.contains { $0.problem.contains("the spot-check covers at least 10% of units") })
    }

    @Test func aCycleCanSetItsOwnPublicationWindow() throws {
        let p = try Province(departments: 1, districts: 0)
        let opened = PAREvents.CycleOpened(
            cycle: "dien-bien-2019-b", name: "Đợt bổ sung", year: 2019, frameworks: [.department: p.departments.id],
            units: [CycleUnit(id: "d01", name: "Sở số 1", kind: .department)],
            selfAssessmentDeadline: try #require(Timestamp(iso8601: "2020-01-14T16:59:59Z")), previousCycle: nil,
            publicationWindow: PAREvents.DateWindow(from: "2020-07-01", until: "2020-06-30")
        )
        #expect(
            try p.refusal(by: "so-noi-vu", [opened.draft])?
                .contains("the publication window needs two dates YYYY-MM-DD, the first not after the second") == true)
        #expect(opened.effectivePublicationWindow.contains("2020-06-30") == false)
        #expect(PAREvents.DateWindow(from: "2020-04-01", until: "2020-06-30").contains("2020-02-30") == false)
    }
}

@Suite struct SpreadsheetTextTests {
    @Test func cellsThatWouldStartAFormulaAreNeutralisedButSignedNumbersAreKept() {
        #expect(SpreadsheetText.neutralised("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")")
        #expect(SpreadsheetText.neutralised("-SUM(A1:A2)") == "'-SUM(A1:A2)")
        #expect(SpreadsheetText.neutralised("+1+2") == "'+1+2")
        #expect(SpreadsheetText.neutralised("@cmd") == "'@cmd")
        #expect(SpreadsheetText.neutralised("\tx") == "'\tx")
        #expect(SpreadsheetText.neutralised("\rx") == "'\rx")
        #expect(SpreadsheetText.neutralised("+6.83") == "+6.83")
        #expect(SpreadsheetText.neutralised("-9") == "-9")
        #expect(SpreadsheetText.neutralised("Sở Tài chính") == "Sở Tài chính")
        #expect(SpreadsheetText.neutralised("-") == "'-")
    }
}

@Suite struct ErrorKindTests {
    /// The kind a refused command's error has.
    private func kind(_ p: Province, by actor: String, _ events: [EventDraft]) -> ErrorKind? {
        do {
            try p.issue(by: actor, events)
            return nil
        } catch let error as any KindedError {
            return error.kind
        } catch {
            return nil
        }
    }

    @Test func refusalsSayWhetherTheInputTheActorTheStageOrTheNameIsWrong() throws {
        let p = try Province(departments: 1, districts: 0)
        #expect(kind(p, by: p.officer("d01"), [p.selfScore("d01", "1.1.1", "9")]) == .invalidInput)
        #expect(kind(p, by: p.officer("d01"), [p.selfScore("d99", "1.1.1", "1")]) == .forbidden)
        #expect(kind(p, by: "so-noi-vu", [p.survey("d99", [("2.5.1", "1")])]) == .forbidden)
        #expect(kind(p, by: "nha-thau", [p.survey("d99", [("2.5.1", "1")])]) == .notFound)
        #expect(kind(p, by: "hoi-dong", [p.appraise("d01", "1.2", "1")]) == .conflict)
        try p.selfAssessFully("d01")
        #expect(kind(p, by: "thanh-vien", [p.appraise("d01", "2.2.1", "0")]) == .forbidden)
        #expect(kind(p, by: "thanh-vien", [p.conclude("d01")]) == .forbidden)
    }
}
