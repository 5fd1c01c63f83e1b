import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// Publication and its prerequisites, corrections after it, and objections to published results, judged
/// by the pure core.
@Suite struct DomainCorePublicationTests {
    private let published =
        "was published by decision QĐ 456/QĐ-UBND; only a correction citing a decision can change it"

    private func publishedCore() throws -> F {
        var core = try F()
        try core.publish()
        return core
    }

    private func objection(
        _ id: String = "kn-1", unit: String = "d01", criterion: String? = "1.1", reason: String = "điểm 1.1 bị trừ sai"
    ) -> PAREvents.ObjectionFiled {
        PAREvents.ObjectionFiled(cycle: F.cycle, unit: unit, objection: id, criterion: criterion, reason: reason)
    }

    private func answer(
        _ id: String = "kn-1", unit: String = "d01", decision: String = "accepted", text: String = "Chấp nhận"
    ) -> PAREvents.ObjectionAnswered {
        PAREvents.ObjectionAnswered(cycle: F.cycle, unit: unit, objection: id, decision: decision, answer: text)
    }

    // MARK: Publication

    @Test func aCyclePublishesWhenEveryPrerequisiteHoldsAndTheResultsHashMatches() throws {
        var core = try F()
        try core.readyToPublish()
        let payload = try core.publication()
        let changes = try core.record(payload, by: F.secretariat)
        let publication = try #require(core.cycleRecord?.publication)
        #expect(publication.decision == "QĐ 456/QĐ-UBND")
        #expect(publication.date == "2020-05-15")
        #expect(publication.resultsHash == payload.resultsHash)
        #expect(publication.sequence == core.state.sequence)
        #expect(changes == [.cycle(F.cycle)])
    }

    @Test func aPublicationNamesEveryPrerequisiteStillMissing() throws {
        let core = try F()
        let payload = PAREvents.ResultsPublished(
            cycle: F.cycle, decision: "QĐ 456/QĐ-UBND", date: "2020-05-15",
            resultsHash: String(repeating: "0", count: 64))
        let violation = try #require(core.refusal(payload, by: F.secretariat))
        #expect(violation.kind == .conflict)
        for missing in [
            "cycle 'dien-bien-2019' cannot be published yet: ",
            "appraisal not sealed: d01, d02, d03, h01, h02",
            "the council has not closed the appraisal",
            "the spot-check of departments has not been drawn",
            "the spot-check of districts has not been drawn",
            "survey points missing: d01 (2.2), d02 (2.2), d03 (2.2), h01 (2.2), h02 (2.2)",
        ] {
            #expect(violation.reason.contains(missing), "\(violation.reason): expected \(missing)")
        }
    }

    @Test func aPublicationWithASpotCheckNotConcludedIsRefused() throws {
        var core = try F()
        try core.drawBoth()
        for unit in F.units { try core.record(F.survey(unit.id), by: F.contractor) }
        let unconcluded = (core.drawn(.department) + core.drawn(.district)).joined(separator: ", ")
        core.expectRefused(
            try core.publication(), by: F.secretariat, "spot-check not concluded: \(unconcluded)", kind: .conflict)
    }

    @Test func aPublicationLackingAUnitsSurveyPointsIsRefusedUnlessTheUnitIsLeftOutOfTheRanking() throws {
        var core = try F()
        try core.drawBoth()
        for unit in core.drawn(.department) + core.drawn(.district) {
            try core.record(PAREvents.SpotCheckConcluded(cycle: F.cycle, unit: unit), by: F.steering)
        }
        for unit in F.units where unit.id != "h02" { try core.record(F.survey(unit.id), by: F.contractor) }
        core.expectRefused(try core.publication(), by: F.secretariat, "survey points missing: h02 (2.2)")
        try core.record(
            PAREvents.UnitExcludedFromRanking(cycle: F.cycle, unit: "h02", reason: "sáp nhập"), by: F.secretariat)
        try core.record(try core.publication(), by: F.secretariat)
        #expect(core.cycleRecord?.publication != nil)
    }

    @Test func aPublicationDatedOutsideItsWindowIsRefused() throws {
        var core = try F()
        try core.readyToPublish()
        core.expectRefused(
            try core.publication(date: "2020-07-01"), by: F.secretariat,
            "the decision's date '2020-07-01' is not a date from 2020-04-01 to 2020-06-30, the publication window")
        core.expectRefused(
            try core.publication(date: "2020-02-30"), by: F.secretariat,
            "the decision's date '2020-02-30' is not a date from 2020-04-01 to 2020-06-30")
    }

    @Test func aPublicationWhoseResultsHashDoesNotMatchTheEventsIsRefused() throws {
        var core = try F()
        try core.readyToPublish()
        let payload = PAREvents.ResultsPublished(
            cycle: F.cycle, decision: "QĐ 456/QĐ-UBND", date: "2020-05-15",
            resultsHash: String(repeating: "a", count: 64))
        core.expectRefused(
            payload, by: F.secretariat,
            "the published results hash aaaaaaaaaaaaaaaa… does not match the results the events give")
    }

    @Test func aPublicationWithoutADecisionIsRefused() throws {
        var core = try F()
        try core.readyToPublish()
        core.expectRefused(
            try core.publication(decision: " "), by: F.secretariat,
            "a publication cites the decision that publishes the results")
    }

    @Test func aCyclePublishedTwiceIsRefused() throws {
        let core = try publishedCore()
        core.expectRefused(
            try core.publication(decision: "QĐ 457/QĐ-UBND"), by: F.secretariat,
            "cycle 'dien-bien-2019' is already published", kind: .conflict)
    }

    @Test func afterPublicationNothingOfTheCycleChangesButByACorrection() throws {
        let core = try publishedCore()
        core.expectRefused(
            F.survey("d01", "10"), by: F.contractor, "cycle 'dien-bien-2019' \(published)", kind: .conflict)
        core.expectRefused(
            F.appraisal("d01", "1.1", "5", reason: "muộn"), by: F.chair, published, kind: .conflict)
        core.expectRefused(
            PAREvents.UnitExcludedFromRanking(cycle: F.cycle, unit: "d01", reason: "muộn"), by: F.secretariat,
            published, kind: .conflict)
        core.expectRefused(
            F.assignment("uy-vien", fields: [.department: ["1"]], chair: false), by: F.secretariat, published,
            kind: .conflict)
        core.expectRefused(
            PAREvents.AppraisalReopened(cycle: F.cycle, unit: "d01", reason: "xem lại"), by: F.chair, published,
            kind: .conflict)
    }

    // MARK: Corrections

    @Test func aCorrectionBeforePublicationIsRefused() throws {
        var core = try F()
        try core.readyToPublish()
        core.expectRefused(
            F.correction("d01", "1.1", "7"), by: F.secretariat,
            "cycle 'dien-bien-2019' is not published; change scores through the normal stages", kind: .conflict)
    }

    @Test func aCorrectionAfterPublicationCitesItsDecisionAndOverridesEveryStage() throws {
        var core = try publishedCore()
        let before = try core.state.results(cycle: F.cycle).hash
        let changes = try core.record(F.correction("d01", "1.1", "7"), by: F.secretariat)
        let mark = try #require(core.score("d01", "1.1").correction)
        #expect(mark.points == "7")
        #expect(mark.decision == "QĐ 999/QĐ-UBND")
        #expect(mark.reason == "sai sót khi tổng hợp")
        #expect(mark.actor == F.secretariat)
        #expect(core.score("d01", "1.1").effective(method: .assessed)?.points == "7")
        #expect(core.score("d01", "1.1").appraised?.points == "10")
        #expect(try core.state.results(cycle: F.cycle).hash != before)
        #expect(changes == [.score(cycle: F.cycle, unit: "d01", criterion: "1.1")])
    }

    @Test func aCorrectionOfASurveyCriterionIsAccepted() throws {
        var core = try publishedCore()
        try core.record(F.correction("h01", "2.2", "22.5"), by: F.secretariat)
        #expect(core.score("h01", "2.2").effective(method: .survey)?.points == "22.5")
    }

    @Test func aCorrectionWithoutADecisionOrAReasonIsRefused() throws {
        let core = try publishedCore()
        let expected = "a correction cites the decision that orders it and gives a reason"
        core.expectRefused(F.correction("d01", "1.1", "7", decision: ""), by: F.secretariat, expected)
        core.expectRefused(F.correction("d01", "1.1", "7", reason: ""), by: F.secretariat, expected)
    }

    @Test func aCorrectionAboveTheCriterionMaximumIsRefused() throws {
        let core = try publishedCore()
        core.expectRefused(
            F.correction("d01", "1.1", "10.01"), by: F.secretariat,
            "d01, criterion 1.1: 10.01 points is more than its maximum of 10")
    }

    @Test func aCorrectionOfACriterionWithSubCriteriaIsRefused() throws {
        let core = try publishedCore()
        core.expectRefused(
            F.correction("d01", "1.2", "7"), by: F.secretariat,
            "criterion 1.2 is the sum of its sub-criteria; score 1.2.1, 1.2.2 instead")
    }

    // MARK: Objections

    @Test func aUnitObjectsToItsPublishedResultWithinThirtyDays() throws {
        var core = try publishedCore()
        let at = core.now
        let changes = try core.record(objection(), by: F.officer("d01"))
        let record = try #require(core.objection("kn-1"))
        #expect(record.unit == "d01")
        #expect(record.criterion == "1.1")
        #expect(record.reason == "điểm 1.1 bị trừ sai")
        #expect(record.filedBy == F.officer("d01"))
        #expect(record.filedSequence == core.state.sequence)
        #expect(record.filedAt == at.iso8601)
        #expect(record.answer == nil && record.correctedBy.isEmpty)
        #expect(changes == [.objection(cycle: F.cycle, objection: "kn-1")])
    }

    @Test func anObjectionOnTheLastMomentOfTheWindowIsAccepted() throws {
        var core = try publishedCore()
        try core.record(objection(criterion: nil), by: F.officer("d01"), at: "2020-06-14T16:59:59.999Z")
        #expect(core.objection("kn-1")?.criterion == nil)
    }

    @Test func anObjectionAfterTheThirtyDayWindowIsRefused() throws {
        let core = try publishedCore()
        core.expectRefused(
            objection(), by: F.officer("d01"), at: "2020-06-14T17:00:00.000Z",
            "objections to cycle 'dien-bien-2019' were due by", kind: .conflict)
        core.expectRefused(
            objection(), by: F.officer("d01"), at: "2020-06-14T17:00:00.000Z",
            "30 days after decision QĐ 456/QĐ-UBND of 2020-05-15")
    }

    @Test func anObjectionBeforePublicationIsRefused() throws {
        var core = try F()
        try core.readyToPublish()
        core.expectRefused(
            objection(), by: F.officer("d01"),
            "cycle 'dien-bien-2019' is not published yet; objections are filed after its results are published",
            kind: .conflict)
    }

    @Test func anObjectionWithAnIdAlreadyUsedInTheCycleIsRefused() throws {
        var core = try publishedCore()
        try core.record(objection(), by: F.officer("d01"))
        let filedAt = core.state.sequence
        core.expectRefused(
            objection(unit: "d02"), by: F.officer("d02"),
            "cycle 'dien-bien-2019' already has an objection 'kn-1' (of 'd01', event \(filedAt)); choose another id",
            kind: .conflict)
    }

    @Test func anObjectionWithoutAReasonIsRefused() throws {
        let core = try publishedCore()
        core.expectRefused(objection(reason: "  "), by: F.officer("d01"), "an objection needs its reason")
    }

    @Test func anObjectionToACriterionWithSubCriteriaIsRefused() throws {
        let core = try publishedCore()
        core.expectRefused(
            objection(criterion: "1.2"), by: F.officer("d01"),
            "criterion 1.2 is the sum of its sub-criteria; score 1.2.1, 1.2.2 instead")
    }

    @Test func anObjectionWithAnInvalidIdIsRefused() throws {
        let core = try publishedCore()
        core.expectRefused(
            objection("Kiến nghị 1"), by: F.officer("d01"), "the objection 'Kiến nghị 1' is not a valid id")
    }

    @Test func theSecretariatAnswersAnObjectionOnce() throws {
        var core = try publishedCore()
        try core.record(objection(), by: F.officer("d01"))
        try core.record(answer(decision: "rejected", text: "Điểm đúng quy định"), by: F.secretariat)
        let answered = try #require(core.objection("kn-1")?.answer)
        #expect(answered.decision == "rejected")
        #expect(answered.text == "Điểm đúng quy định")
        #expect(answered.by == F.secretariat)
        #expect(answered.sequence == core.state.sequence)
        core.expectRefused(
            answer(), by: F.secretariat,
            "the objection 'kn-1' of 'd01' was already answered (rejected) at event \(answered.sequence)",
            kind: .conflict)
    }

    @Test func anAnswerOtherThanAcceptedOrRejectedIsRefused() throws {
        var core = try publishedCore()
        try core.record(objection(), by: F.officer("d01"))
        core.expectRefused(
            answer(decision: "pending"), by: F.secretariat,
            "an objection is answered 'accepted' or 'rejected', not 'pending'")
    }

    @Test func anAnswerWithoutItsTextIsRefused() throws {
        var core = try publishedCore()
        try core.record(objection(), by: F.officer("d01"))
        core.expectRefused(answer(text: " "), by: F.secretariat, "an answer to an objection needs its text")
    }

    @Test func anAnswerToAnObjectionTheUnitNeverFiledIsRefused() throws {
        var core = try publishedCore()
        try core.record(objection(), by: F.officer("d01"))
        core.expectRefused(
            answer(unit: "d02"), by: F.secretariat, "'d02' filed no objection 'kn-1' in cycle 'dien-bien-2019'",
            kind: .notFound)
    }

    @Test func aCorrectionCitingAnObjectionIsNotedOnTheObjection() throws {
        var core = try publishedCore()
        try core.record(objection(), by: F.officer("d01"))
        try core.record(answer(), by: F.secretariat)
        let changes = try core.record(F.correction("d01", "1.1", "9", objection: "kn-1"), by: F.secretariat)
        #expect(core.objection("kn-1")?.correctedBy == [core.state.sequence])
        #expect(
            changes == [
                .score(cycle: F.cycle, unit: "d01", criterion: "1.1"), .objection(cycle: F.cycle, objection: "kn-1"),
            ])
    }

    @Test func aCorrectionCitingAnObjectionNeverFiledIsRefused() throws {
        let core = try publishedCore()
        core.expectRefused(
            F.correction("d01", "1.1", "9", objection: "kn-9"), by: F.secretariat,
            "'d01' filed no objection 'kn-9' in cycle 'dien-bien-2019'", kind: .notFound)
    }
}
