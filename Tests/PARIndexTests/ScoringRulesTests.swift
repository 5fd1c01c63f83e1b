import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// Every rule of the cycle refuses with a clear reason and appends nothing.
@Suite struct ScoringRulesTests {
    private func province() throws -> Province { try Province(departments: 3, districts: 2) }

    @Test func selfScoresMustFitTheCriterion() throws {
        let p = try province()
        let cases: [(EventDraft, String)] = [
            (p.selfScore("d01", "1.1.1", "1.5"), "1.5 points is more than its maximum of 1"),
            (p.selfScore("d01", "1.1.2", "1.255"), "points have at most two decimals"),
            (p.selfScore("d01", "1.1.2", "-1"), "is not a number of points"),
            (p.selfScore("d01", "1.1.2", "1,5"), "the points '1,5' are not written in their one form '1.5'"),
            (p.selfScore("d01", "1.1.2", "0.50"), "the points '0.50' are not written in their one form '0.5'"),
            (p.selfScore("d01", "9.9", "1"), "unknown criterion '9.9'"),
            (
                p.selfScore("d01", "1.1", "1"),
                "criterion 1.1 is the sum of its sub-criteria; score 1.1.1, 1.1.2 instead"
            ),
            (p.selfScore("d01", "2.5.1", "1"), "criterion 2.5.1 is scored by the sociological survey (ĐTXHH)"),
            (p.selfScore("d01", "1.2", "3", evidence: false), "a self-score needs evidence or a written explanation"),
            (
                PAREvents.SelfScoreRecorded(
                    cycle: p.cycle, unit: "d01", criterion: "1.2", points: "3",
                    evidence: [EvidenceCitation(name: "ghost.pdf", sha256: String(repeating: "ab", count: 32))],
                    explanation: nil
                ).draft,
                "evidence 'ghost.pdf' (abababababababab…) was never added"
            ),
        ]
        for (draft, expected) in cases {
            let reason = try p.refusal(by: p.officer("d01"), [draft])
            #expect(reason?.contains(expected) == true, "\(reason ?? "accepted"): expected \(expected)")
        }
        try p.issue(
            by: p.officer("d01"),
            [
                p.selfScore("d01", "1.1.2", "1.5"),
                p.selfScore("d01", "1.2", "2.25", evidence: false, explanation: "9/12 báo cáo đúng hạn"),
            ])
    }

    @Test func stagesRunInOrder() throws {
        let p = try province()
        #expect(
            try p.refusal(by: "hoi-dong", [p.appraise("d01", "1.2", "1")])?.contains(
                "has not submitted its self-assessment yet") == true)
        #expect(
            try p.refusal(by: p.officer("d01"), [p.submit("d01")])?.contains(
                "cannot submit: 74 criteria are neither scored nor marked not applicable") == true)
        try p.selfAssessFully("d01")
        #expect(
            try p.refusal(by: p.officer("d01"), [p.selfScore("d01", "1.2", "1")])?.contains("has already submitted")
                == true)
        #expect(
            try p.refusal(by: "hoi-dong", [p.closeAppraisal()])?
                .contains("the appraisal is closed once every unit's is sealed; not yet sealed: d01, d02, d03") == true)
        try p.issue(by: "hoi-dong", [p.conclude("d01")])
        #expect(try p.refusal(by: "hoi-dong", [p.conclude("d01")])?.contains("already sealed") == true)
        #expect(
            try p.refusal(by: "hoi-dong", [p.appraise("d01", "1.2", "1")])?.contains(
                "the appraisal of 'd01' is sealed; the chair reopens it") == true)
        #expect(
            try p.refusal(by: "so-noi-vu", [try p.publish()])?.contains("appraisal not sealed: d02, d03, h01, h02")
                == true)
    }

    @Test func departmentsMayOnlyBeLoweredDistrictsAdjustedEitherWayAlwaysWithAReason() throws {
        let p = try province()
        try p.issue(
            by: p.officer("d01"),
            p.assessedLeaves(of: "d01").map {
                p.selfScore("d01", $0.code, $0.code == "1.2" ? "2" : $0.maxPoints.description)
            } + [p.submit("d01")])
        try p.issue(
            by: p.officer("h01"),
            p.assessedLeaves(of: "h01").map {
                p.selfScore("h01", $0.code, $0.code == "1.2" ? "2" : $0.maxPoints.description)
            } + [p.submit("h01")])
        #expect(
            try p.refusal(by: "hoi-dong", [p.appraise("d01", "1.2", "3")])?.contains(
                "may only recognise or lower a department's self-score (2), not raise it to 3") == true)
        #expect(
            try p.refusal(by: "hoi-dong", [p.appraise("d01", "1.2", "1", reason: nil)])?.contains(
                "adjusting 2 to 1 needs a reason") == true)
        try p.issue(by: "hoi-dong", [p.appraise("d01", "1.2", "1"), p.appraise("d01", "1.1.1", "1", reason: nil)])
        try p.issue(by: "hoi-dong", [p.appraise("h01", "1.2", "3", reason: "Báo cáo đầy đủ, TLKC bổ sung")])
        let scores = Dictionary(
            uniqueKeysWithValues: try p.scoring.scores(cycle: p.cycle, unit: "h01").map { ($0.0.code, $0.1) })
        #expect(scores["1.2"]?.appraised?.decision == "raise")
    }

    @Test func theDeadlineRefusesLateSelfAssessmentUnlessExtended() throws {
        let p = try province()
        p.clock.set(try #require(Timestamp(iso8601: "2020-01-15T03:00:00Z")))
        #expect(
            try p.refusal(by: p.officer("d01"), [p.selfScore("d01", "1.2", "3")])?.contains(
                "the self-assessment deadline for 'd01' passed at 2020-01-14T16:59:59.999Z") == true)
        let lateExtension = PAREvents.DeadlineExtended(
            cycle: p.cycle, unit: "d01", until: "2020-01-31T16:59:59Z", reason: "Lũ quét"
        ).draft
        #expect(try p.refusal(by: p.officer("d01"), [lateExtension])?.contains("needs the role secretariat") == true)
        try p.issue(by: "so-noi-vu", [lateExtension])
        try p.issue(by: p.officer("d01"), [p.selfScore("d01", "1.2", "3")])
        #expect(
            try p.refusal(by: p.officer("d02"), [p.selfScore("d02", "1.2", "3")])?.contains("deadline for 'd02' passed")
                == true)
    }

    @Test func notApplicableCriteriaLeaveTheMaximumAndCannotBeScored() throws {
        let p = try province()
        try p.issue(by: p.officer("d01"), [p.notApplicable("d01", "2.1")])
        #expect(
            try p.refusal(by: p.officer("d01"), [p.selfScore("d01", "2.1.1", "1")])?.contains(
                "is marked not applicable") == true)
        let scores = p.assessedLeaves(of: "d01").filter { !$0.code.hasPrefix("2.1.") }.map {
            p.selfScore("d01", $0.code, $0.maxPoints.description)
        }
        try p.issue(by: p.officer("d01"), scores + [p.submit("d01")])
        try p.issue(by: "hoi-dong", [p.conclude("d01")])
        let result = try #require(try p.scoring.results(cycle: p.cycle).units.first { $0.unit.id == "d01" })
        #expect(result.maxPoints.description == "98")
        #expect(result.points.description == "71.5")
    }

    @Test func theSpotCheckFollowsItsRules() throws {
        let p = try Province(departments: 3, districts: 0)
        for unit in ["d01", "d02", "d03"] {
            try p.selfAssessFully(unit)
            try p.issue(by: "hoi-dong", [p.conclude(unit)])
        }
        try p.issue(by: "hoi-dong", [p.closeAppraisal()])
        var draft = try p.scoring.spotCheckDraw(cycle: p.cycle, kind: .department, secret: p.secret, adding: [])
        if case .object(var members) = draft.payload {
            members["seed"] = .string(try p.scoring.ledger.head().hash.hex)
            draft = EventDraft(stream: draft.stream, type: draft.type, payload: .object(members))
        }
        #expect(
            try p.refusal(by: "ban-chi-dao", [draft])?.contains(
                "the draw's seed must be SHA-256(secret ‖ hash of the AppraisalClosed event)") == true)
        #expect(
            try p.refusal(
                by: "hoi-dong",
                [try p.scoring.spotCheckDraw(cycle: p.cycle, kind: .department, secret: p.secret, adding: [])])?
                .contains("needs the role steering-committee") == true)
        let sample = try p.draw(.department)
        #expect(sample.count == 1)
        let drawn = try #require(sample.first)
        let other = try #require(["d01", "d02", "d03"].first { $0 != drawn })
        #expect(
            try p.refusal(by: "ban-chi-dao", [p.spotCheck(other, "1.2", "recognise")])?.contains(
                "is not in the spot-check sample") == true)
        #expect(
            try p.refusal(by: "ban-chi-dao", [p.spotCheck(drawn, "1.2", "raise", points: "2", reason: "x")])?.contains(
                "'raise' from the appraised 3 cannot give 2") == true)
        #expect(
            try p.refusal(by: "ban-chi-dao", [p.spotCheck(drawn, "1.2", "lower", points: "2")])?.contains(
                "needs a reason") == true)
        #expect(
            try p.refusal(by: "ban-chi-dao", [p.spotCheck(drawn, "1.2", "approve")])?.contains(
                "recognise, not-recognise, raise or lower") == true)
        #expect(
            try p.refusal(
                by: "ban-chi-dao",
                [try p.scoring.spotCheckDraw(cycle: p.cycle, kind: .department, secret: p.secret, adding: [])])?
                .contains("was already drawn") == true)
        try p.issue(by: "ban-chi-dao", [p.spotCheck(drawn, "1.2", "not-recognise", reason: "Không có TLKC gốc")])
        let score = try p.scoring.scores(cycle: p.cycle, unit: drawn).first { $0.0.code == "1.2" }?.1
        #expect(score?.spotCheck?.points == "0")
        #expect(score?.effective(method: .assessed)?.points == "0")
        try p.issue(by: "ban-chi-dao", [p.concludeSpotCheck(drawn)])
        #expect(
            try p.refusal(by: "ban-chi-dao", [p.spotCheck(drawn, "1.3", "recognise")])?.contains(
                "the spot-check of '\(drawn)' is concluded") == true)
        #expect(try p.refusal(by: "ban-chi-dao", [p.concludeSpotCheck(drawn)])?.contains("is concluded") == true)
    }

    @Test func surveyScoresAreOnlyForSurveyCriteriaAndWithinTheirMaximum() throws {
        let p = try province()
        #expect(
            try p.refusal(by: "nha-thau", [p.survey("d01", [("1.2", "1")])])?.contains(
                "criterion 1.2 is not a survey criterion") == true)
        #expect(
            try p.refusal(by: "nha-thau", [p.survey("d99", [("2.5.1", "1")])])?.contains(
                "unit 'd99' is not part of cycle 'dien-bien-2019'") == true)
        #expect(
            try p.refusal(by: "nha-thau", [p.survey("d01", [("2.5.1", "2")])])?.contains(
                "2 points is more than its maximum of 1") == true)
        #expect(
            try p.refusal(by: p.officer("d01"), [p.survey("d01", [("2.5.1", "1")])])?.contains(
                "needs the role survey-contractor") == true)
        try p.issue(by: "nha-thau", [p.survey("d01", [("2.5.1", "0.75")])])
    }

    @Test func publicationNeedsTheResultsTheEventsGive() throws {
        let p = try province()
        for unit in p.units.map(\.id) {
            try p.selfAssessFully(unit)
            try p.issue(by: "hoi-dong", [p.conclude(unit)])
        }
        let missing = try #require(try p.refusal(by: "so-noi-vu", [try p.publish(date: "2020-07-01")]))
        #expect(
            missing.contains(
                "cannot be published yet: the decision's date '2020-07-01' is not a date from 2020-04-01 to 2020-06-30")
        )
        #expect(missing.contains("the council has not closed the appraisal"))
        #expect(
            missing.contains(
                "the spot-check of departments has not been drawn; the spot-check of districts has not been drawn"),
            "\(missing)")
        #expect(
            missing.contains("survey points missing: d01 (1.8.1, 1.8.2, 1.8.3, 1.8.4, 1.8.5, … 28 in all), d02 ("),
            "\(missing)")
        _ = try p.draw(.department)
        _ = try p.draw(.district)
        for unit in p.units.map(\.id) { try p.surveyFully(unit) }
        let unchecked = try #require(try p.refusal(by: "so-noi-vu", [try p.publish()]))
        #expect(unchecked.contains("cannot be published yet: spot-check not concluded: "))
        for drawn in try p.scoring.cycle(p.cycle)?.draws.values.flatMap(\.units) ?? [] {
            #expect(unchecked.contains(drawn))
        }
        try p.concludeSpotChecks()
        let forged = try p.publish(hash: String(repeating: "ab", count: 32))
        #expect(
            try p.refusal(by: "so-noi-vu", [forged])?.contains("does not match the results the events give") == true)
        #expect(try p.refusal(by: "hoi-dong", [try p.publish()])?.contains("needs the role secretariat") == true)
        try p.issue(by: "so-noi-vu", [try p.publish()])
        #expect(try p.refusal(by: "so-noi-vu", [try p.publish()])?.contains("already published") == true)
        #expect(
            try p.refusal(by: "nha-thau", [p.survey("d01", [("2.5.1", "1")])])?.contains(
                "only a correction citing a decision") == true)
    }

    @Test func aUnitCanBeScoredButLeftOutOfTheRanking() throws {
        let p = try province()
        for unit in ["d01", "d02", "d03"] {
            try p.selfAssessFully(unit)
            try p.appraiseLowering(unit, count: unit == "d01" ? 0 : 1)
        }
        let exclusion = PAREvents.UnitExcludedFromRanking(cycle: p.cycle, unit: "d01", reason: "Thành lập trong năm")
            .draft
        try p.issue(by: "so-noi-vu", [exclusion])
        let results = try p.scoring.results(cycle: p.cycle).units.filter { $0.unit.kind == .department }
        #expect(results.map(\.unit.id) == ["d02", "d03", "d01"])
        #expect(results.map(\.rank) == [1, 1, nil])
        #expect(results.last?.excludedFromRanking == "Thành lập trong năm")
    }
}
