import Application
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// A council member appraises a whole unit in one signed command: each criterion kept unless changed, a
/// reason only where a score changes; and before the chair seals, the domain core names what the seal
/// would accept unseen.
@Suite struct WholeUnitAppraisalTests {
    private func rows(
        _ p: Province, _ unit: String, fields: Set<String>? = nil, changing changes: [String: String] = [:]
    )
        -> [AppraiseUnit.Row]
    {
        p.assessedLeaves(of: unit).filter { fields?.contains(String($0.code.prefix { $0 != "." })) ?? true }.map {
            AppraiseUnit.Row(
                criterion: $0.code, points: changes[$0.code] ?? $0.maxPoints.description,
                reason: changes[$0.code] == nil ? nil : "Thiếu tài liệu kiểm chứng")
        }
    }

    @Test func oneSignatureRecordsEveryCriterionKeptOrChangedAndAReasonOnlyWhereAScoreChanges() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        let service = ScoringService(p.scoring)
        let key = try #require(p.keys["thanh-vien"])
        let appraisal = AppraiseUnit(
            cycle: p.cycle, unit: "d01", rows: rows(p, "d01", fields: ["1"], changing: ["1.2": "0"]))
        let result = try service.perform(appraisal, signedWith: key)
        let fieldOne = p.assessedLeaves(of: "d01").filter { $0.code.hasPrefix("1.") }
        #expect(result.events.count == fieldOne.count, "one command, an appraisal event per criterion of field 1")
        let scores = try p.scoring.unitScores(cycle: p.cycle, unit: "d01").lines
        let byCode = Dictionary(uniqueKeysWithValues: scores.map { ($0.criterion.code, $0.score) })
        #expect(byCode["1.2"]?.appraised?.points == "0" && byCode["1.2"]?.appraised?.decision == "lower")
        let kept = try #require(fieldOne.first { $0.code != "1.2" })
        #expect(byCode[kept.code]?.appraised?.decision == "recognise" && byCode[kept.code]?.appraised?.reason == nil)
        // Signed again unchanged, nothing would be recorded: refused, nothing appended.
        let before = try p.scoring.ledger.head()
        let again = AppraiseUnit(
            cycle: p.cycle, unit: "d01", rows: appraisal.rows.map { .init(criterion: $0.criterion, points: $0.points) })
        #expect(service.refusal(of: again, by: "thanh-vien")?.contains("nothing to record") == true)
        #expect(try p.scoring.ledger.head() == before)
    }

    @Test func aChangedScoreWithoutAReasonOrOutsideTheMembersFieldsRefusesTheWholeCommand() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        let service = ScoringService(p.scoring)
        let before = try p.scoring.ledger.head()
        let noReason = rows(p, "d01", fields: ["1"]).map {
            $0.criterion == "1.2" ? AppraiseUnit.Row(criterion: "1.2", points: "0") : $0
        }
        let refusal = service.refusal(of: AppraiseUnit(cycle: p.cycle, unit: "d01", rows: noReason), by: "thanh-vien")
        #expect(refusal?.contains("needs a reason") == true)
        let everyField = AppraiseUnit(cycle: p.cycle, unit: "d01", rows: rows(p, "d01"))
        #expect(service.refusal(of: everyField, by: "thanh-vien")?.contains("not field") == true)
        #expect(try p.scoring.ledger.head() == before)
    }

    @Test func theSealsReadinessNamesTheCriteriaNobodyAppraisedAndTheAnswersNobodyRead() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        let leaves = p.assessedLeaves(of: "d01").map(\.code)
        var readiness = try p.scoring.unitScores(cycle: p.cycle, unit: "d01").sealReadiness
        #expect(readiness.unappraised.map(\.code) == leaves && readiness.unreadAnswers.isEmpty)
        // Appraised, then asked and answered: the answer is unread until an appraisal follows it.
        try p.issue(by: "hoi-dong", [p.appraise("d01", "1.2", "0"), p.ask("d01", "1.2")])
        try p.issue(by: p.officer("d01"), [p.explain("d01")])
        readiness = try p.scoring.unitScores(cycle: p.cycle, unit: "d01").sealReadiness
        #expect(!readiness.unappraised.map(\.code).contains("1.2"))
        #expect(readiness.unreadAnswers.map(\.criterion.code) == ["1.2"])
        try p.issue(by: "hoi-dong", [p.appraise("d01", "1.2", "1")])
        readiness = try p.scoring.unitScores(cycle: p.cycle, unit: "d01").sealReadiness
        #expect(readiness.unreadAnswers.isEmpty)
        let service = ScoringService(p.scoring)
        try service.perform(
            AppraiseUnit(cycle: p.cycle, unit: "d01", rows: rows(p, "d01", changing: ["1.2": "1"])),
            signedWith: try #require(p.keys["hoi-dong"]))
        #expect(try p.scoring.unitScores(cycle: p.cycle, unit: "d01").sealReadiness.isComplete)
    }

    @Test func thePagesNameTheOperationAsTheCLIDoes() throws {
        let request = try JSONParser.parse(
            Array(
                #"{"operation":"appraise-unit","cycle":"c","unit":"d01","rows":[{"criterion":"1.1","points":"0,5","reason":"x"}]}"#
                    .utf8))
        let decoded = try #require(try PAROperations.decode(request) as? AppraiseUnit)
        #expect(decoded.rows.first?.points == "0,5" && decoded.rows.first?.reason == "x")
    }
}
