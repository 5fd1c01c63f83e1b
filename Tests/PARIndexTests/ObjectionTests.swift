import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// After publication a unit objects (kiến nghị) to its result within 30 days of the decision date, the
/// secretariat answers each objection once, and a correction may cite the objection it resolves. Every
/// refusal names its reason and kind and appends nothing.
@Suite struct ObjectionTests {
    private func published() throws -> Province {
        let p = try Province(departments: 2, districts: 0)
        try p.publishCycle()
        return p
    }

    // MARK: Allowed

    @Test func aUnitObjectsToACriterionTheSecretariatAcceptsAndACorrectionCitesTheObjection() throws {
        let p = try published()
        let filed = try p.issue(by: p.officer("d01"), [p.fileObjection("d01", criterion: "1.2")])
        let answered = try p.issue(by: "so-noi-vu", [p.answerObjection("d01", answer: "Chấp nhận, điều chỉnh điểm")])
        let corrected = try p.issue(by: "so-noi-vu", [p.correct("d01", "1.2", "1", objection: "kn-1")])
        let objection = try #require(try p.scoring.objections(cycle: p.cycle).first)
        #expect(objection.objection == "kn-1")
        #expect(objection.unit == "d01")
        #expect(objection.criterion == "1.2")
        #expect(objection.filedBy == p.officer("d01"))
        #expect(objection.filedSequence == filed.events[0].sequence)
        #expect(objection.answer?.decision == "accepted")
        #expect(objection.answer?.text == "Chấp nhận, điều chỉnh điểm")
        #expect(objection.answer?.by == "so-noi-vu")
        #expect(objection.answer?.sequence == answered.events[0].sequence)
        #expect(objection.correctedBy == [corrected.events[0].sequence])
        let score = try p.scoring.scores(cycle: p.cycle, unit: "d01").first { $0.0.code == "1.2" }?.1
        #expect(score?.correction?.points == "1")
    }

    @Test func theReportListsObjectionsInFilingOrderWithTheirAnswersAndTheDeadline() throws {
        let p = try published()
        try p.issue(by: p.officer("d02"), [p.fileObjection("d02", objection: "kn-b")])
        try p.issue(by: p.officer("d01"), [p.fileObjection("d01", objection: "kn-a", criterion: "1.2")])
        try p.issue(by: "so-noi-vu", [p.answerObjection("d02", objection: "kn-b", decision: "rejected")])
        let report = try p.scoring.objectionsReport(cycle: p.cycle)
        #expect(report.objections.map(\.objection) == ["kn-b", "kn-a"])
        #expect(report.objections[0].criterion == nil)
        #expect(report.objections[0].answer?.decision == "rejected")
        #expect(report.objections[1].answer == nil)
        #expect(report.publishedBy == "640/QĐ-UBND")
        #expect(report.deadline?.iso8601 == "2020-06-28T16:59:59.999Z")
        guard case .object(let members) = report.json, case .array(let listed) = members["objections"] else {
            Issue.record("the report's JSON has no objections")
            return
        }
        #expect(listed.count == 2)
        #expect(members["deadline"]?.stringValue == "2020-06-28T16:59:59.999Z")
    }

    @Test func anObjectionIsFiledUntilTheEndOfThe30thDayAfterTheDecisionDateInVietnam() throws {
        let p = try published()
        p.clock.set(try #require(Timestamp(iso8601: "2020-06-28T16:59:59.000Z")))
        try p.issue(by: p.officer("d01"), [p.fileObjection("d01")])
        p.clock.set(try #require(Timestamp(iso8601: "2020-06-28T17:00:00.000Z")))
        try p.expectRefused(
            by: p.officer("d02"), [p.fileObjection("d02", objection: "kn-2")], .conflict,
            "were due by 2020-06-28T23:59:59.999+07:00, 30 days after decision 640/QĐ-UBND of 2020-05-29")
        #expect(ObjectionWindow.deadline(publishedOn: "2020-05-29")?.iso8601 == "2020-06-28T16:59:59.999Z")
        #expect(ObjectionWindow.deadline(publishedOn: "2020-02-30") == nil)
    }

    // MARK: Refused

    @Test func anObjectionBeforePublicationIsRefused() throws {
        let p = try Province(departments: 2, districts: 0)
        try p.selfAssessFully("d01")
        try p.expectRefused(
            by: p.officer("d01"), [p.fileObjection("d01")], .conflict, "is not published yet")
    }

    @Test func onlyTheUnitsOwnOfficerObjectsAndOnlyTheSecretariatAnswers() throws {
        let p = try published()
        try p.expectRefused(by: "so-noi-vu", [p.fileObjection("d01")], .forbidden, "needs the role unit-officer")
        try p.expectRefused(by: p.officer("d02"), [p.fileObjection("d01")], .forbidden, "acts for d02 only")
        try p.issue(by: p.officer("d01"), [p.fileObjection("d01")])
        try p.expectRefused(by: p.officer("d01"), [p.answerObjection("d01")], .forbidden, "needs the role secretariat")
        try p.expectRefused(by: "hoi-dong", [p.answerObjection("d01")], .forbidden, "needs the role secretariat")
    }

    @Test func anObjectionIdIsASlugUniqueWithinTheCycle() throws {
        let p = try published()
        try p.expectRefused(
            by: p.officer("d01"), [p.fileObjection("d01", objection: "KN 1")], .invalidInput, "is not a valid id")
        try p.issue(by: p.officer("d01"), [p.fileObjection("d01")])
        try p.expectRefused(
            by: p.officer("d02"), [p.fileObjection("d02")], .conflict,
            "already has an objection 'kn-1' (of 'd01'")
    }

    @Test func anObjectionNeedsAReasonAndALeafCriterionOfTheUnitsFramework() throws {
        let p = try published()
        try p.expectRefused(
            by: p.officer("d01"), [p.fileObjection("d01", reason: " \n")], .invalidInput, "needs its reason")
        try p.expectRefused(
            by: p.officer("d01"), [p.fileObjection("d01", criterion: "9.9")], .invalidInput,
            "unknown criterion '9.9'")
        try p.expectRefused(
            by: p.officer("d01"), [p.fileObjection("d01", criterion: "1.1")], .invalidInput,
            "is the sum of its sub-criteria")
    }

    @Test func anAnswerNamesAnObjectionOfThatUnit() throws {
        let p = try published()
        try p.issue(by: p.officer("d01"), [p.fileObjection("d01")])
        try p.expectRefused(
            by: "so-noi-vu", [p.answerObjection("d01", objection: "kn-9")], .notFound,
            "'d01' filed no objection 'kn-9'")
        try p.expectRefused(
            by: "so-noi-vu", [p.answerObjection("d02")], .notFound, "'d02' filed no objection 'kn-1'")
    }

    @Test func anAnswerIsAcceptedOrRejectedWithItsText() throws {
        let p = try published()
        try p.issue(by: p.officer("d01"), [p.fileObjection("d01")])
        try p.expectRefused(
            by: "so-noi-vu", [p.answerObjection("d01", decision: "partly")], .invalidInput,
            "'accepted' or 'rejected', not 'partly'")
        try p.expectRefused(
            by: "so-noi-vu", [p.answerObjection("d01", answer: "  ")], .invalidInput, "needs its text")
    }

    @Test func anObjectionIsAnsweredOnce() throws {
        let p = try published()
        try p.issue(by: p.officer("d01"), [p.fileObjection("d01")])
        try p.issue(by: "so-noi-vu", [p.answerObjection("d01", decision: "rejected")])
        try p.expectRefused(
            by: "so-noi-vu", [p.answerObjection("d01")], .conflict, "was already answered (rejected) at event")
    }

    @Test func aCorrectionCitingAnUnknownObjectionIsRefused() throws {
        let p = try published()
        try p.issue(by: p.officer("d02"), [p.fileObjection("d02")])
        try p.expectRefused(
            by: "so-noi-vu", [p.correct("d01", "1.2", "1", objection: "kn-9")], .notFound,
            "'d01' filed no objection 'kn-9'")
        try p.expectRefused(
            by: "so-noi-vu", [p.correct("d01", "1.2", "1", objection: "kn-1")], .notFound,
            "'d01' filed no objection 'kn-1'")
    }

    // MARK: Format and projections

    @Test func aCorrectionCitingNoObjectionKeepsItsPayloadAsBefore() throws {
        let plain = PAREvents.CorrectionRecorded(
            cycle: "c", unit: "u", criterion: "1.2", points: "1", decision: "815/QĐ-UBND", reason: "r")
        #expect(
            String(decoding: CanonicalJSON.encode(plain.json), as: UTF8.self)
                == #"{"criterion":"1.2","cycle":"c","decision":"815/QĐ-UBND","points":"1","reason":"r","unit":"u"}"#)
        let citing = PAREvents.CorrectionRecorded(
            cycle: "c", unit: "u", criterion: "1.2", points: "1", decision: "d", reason: "r", objection: "kn-1")
        #expect(citing.json["objection"]?.stringValue == "kn-1")
    }

    @Test func aRebuildGivesTheSameProjectionDigestWithObjections() throws {
        let p = try published()
        try p.issue(by: p.officer("d01"), [p.fileObjection("d01", criterion: "1.2")])
        try p.issue(by: p.officer("d02"), [p.fileObjection("d02", objection: "kn-2")])
        try p.issue(by: "so-noi-vu", [p.answerObjection("d01"), p.answerObjection("d02", objection: "kn-2")])
        try p.issue(by: "so-noi-vu", [p.correct("d01", "1.2", "1", objection: "kn-1")])
        let before = try p.scoring.projectionDigest()
        let objections = try p.scoring.objections(cycle: p.cycle)
        try p.scoring.rebuild()
        #expect(try p.scoring.projectionDigest() == before)
        #expect(try p.scoring.objections(cycle: p.cycle) == objections)
        #expect(try ProvinceState().evolving(try p.scoring.ledger.events()).objections(cycle: p.cycle) == objections)
    }
}
