import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// `draw` with some of its members replaced.
private func altered(
    _ draw: PAREvents.SpotCheckDrawn, secret: String? = nil, seed: String? = nil, algorithm: String? = nil,
    sampleSize: Int? = nil, drawn: [String]? = nil, added: [String]? = nil
) -> PAREvents.SpotCheckDrawn {
    PAREvents.SpotCheckDrawn(
        cycle: draw.cycle, kind: draw.kind, secret: secret ?? draw.secret, seed: seed ?? draw.seed,
        algorithm: algorithm ?? draw.algorithm, sampleSize: sampleSize ?? draw.sampleSize, drawn: drawn ?? draw.drawn,
        added: added ?? draw.added)
}

/// The spot-check (the committed draw, its scores and conclusions) and the survey's imports, judged by
/// the pure core.
@Suite struct DomainCoreSpotCheckTests {
    /// The province with its appraisal closed (every unit self-assessed at the maximum and sealed).
    private func closed() throws -> F {
        var core = try F()
        try core.closeAppraisal()
        return core
    }

    /// The province with both kinds drawn.
    private func drawn() throws -> F {
        var core = try F()
        try core.drawBoth()
        return core
    }

    /// The department the seed drew.
    private func sampled(_ core: F) throws -> String { try #require(core.drawn(.department).first) }

    /// A department the seed did not draw.
    private func unsampled(_ core: F) throws -> String {
        try #require(F.departmentIDs.first { !core.drawn(.department).contains($0) })
    }

    // MARK: The draw

    @Test func theDrawAfterTheAppraisalClosedMarksTheUnitsTheSeedGives() throws {
        var core = try closed()
        let draw = try core.draw(.department)
        #expect(draw.sampleSize == 1)
        let changes = try core.record(draw, by: F.steering)
        let record = try #require(core.cycleRecord?.draws["department"])
        #expect(record.units == draw.drawn)
        #expect(record.sequence == core.state.sequence)
        for id in F.departmentIDs { #expect(core.unit(id)?.spotChecked == draw.drawn.contains(id)) }
        #expect(F.districtIDs.allSatisfy { core.unit($0)?.spotChecked == false })
        #expect(changes == [.cycle(F.cycle)] + draw.drawn.map { .unit(cycle: F.cycle, unit: $0) })
    }

    @Test func aDrawBeforeTheAppraisalIsClosedIsRefused() throws {
        var core = try F()
        try core.submitAll()
        let early = PAREvents.SpotCheckDrawn(
            cycle: F.cycle, kind: .department, secret: hexString(F.secret), seed: String(repeating: "0", count: 64),
            algorithm: SpotCheckDraw.algorithm, sampleSize: 1, drawn: ["d01"], added: [])
        core.expectRefused(
            early, by: F.steering, "the spot-check is drawn after the council closes the appraisal of 'dien-bien-2019'",
            kind: .conflict)
    }

    @Test func aDrawRevealingASecretOtherThanTheCommittedOneIsRefused() throws {
        let core = try closed()
        core.expectRefused(
            try core.draw(.department, secret: Array(repeating: 1, count: 32)), by: F.steering,
            "the revealed secret is not the one the steering committee committed to before appraisal")
    }

    @Test func aDrawWhoseSeedIsNotFromTheSecretAndTheClosingEventIsRefused() throws {
        let core = try closed()
        let draw = try core.draw(.department)
        core.expectRefused(
            altered(draw, seed: String(repeating: "f", count: 64)), by: F.steering,
            "the draw's seed must be SHA-256(secret ‖ hash of the AppraisalClosed event) = \(draw.seed)")
    }

    @Test func aDrawSmallerThanTenPerCentOfTheUnitsIsRefused() throws {
        let core = try closed()
        core.expectRefused(
            altered(try core.draw(.department), sampleSize: 0, drawn: []), by: F.steering,
            "the draw must use \(SpotCheckDraw.algorithm) with a sample of 1 (ceil(10% of 3))")
    }

    @Test func aDrawWithAnotherAlgorithmIsRefused() throws {
        let core = try closed()
        core.expectRefused(
            altered(try core.draw(.district), algorithm: "random"), by: F.steering,
            "the draw must use \(SpotCheckDraw.algorithm) with a sample of 1 (ceil(10% of 2))")
    }

    @Test func aDrawNamingUnitsOtherThanTheSeedGivesIsRefused() throws {
        let core = try closed()
        let draw = try core.draw(.department)
        let other = try #require(F.departmentIDs.first { !draw.drawn.contains($0) })
        core.expectRefused(
            altered(draw, drawn: [other]), by: F.steering,
            "the drawn units [\"\(other)\"] are not what the seed gives ([\"\(draw.drawn[0])\"])")
    }

    @Test func aKindDrawnTwiceIsRefused() throws {
        var core = try closed()
        try core.record(try core.draw(.department), by: F.steering)
        core.expectRefused(
            try core.draw(.department), by: F.steering,
            "the spot-check of departments in 'dien-bien-2019' was already drawn; a redraw re-checks it",
            kind: .conflict)
    }

    @Test func unitsAddedByNameBeyondTheDrawAreSpotCheckedToo() throws {
        var core = try closed()
        let plain = try core.draw(.department)
        let other = try #require(F.departmentIDs.first { !plain.drawn.contains($0) })
        try core.record(try core.draw(.department, added: [other]), by: F.steering)
        #expect(core.drawn(.department) == plain.drawn + [other])
        #expect(core.unit(other)?.spotChecked == true)
    }

    @Test func addingAUnitOfAnotherKindIsRefused() throws {
        let core = try closed()
        core.expectRefused(
            try core.draw(.department, added: ["h01"]), by: F.steering,
            "added unit 'h01' is not a department of the cycle")
    }

    @Test func addingAUnitTheSeedAlreadyDrewIsRefused() throws {
        let core = try closed()
        let draw = try core.draw(.district)
        core.expectRefused(
            altered(draw, added: draw.drawn), by: F.steering, "added unit '\(draw.drawn[0])' was already drawn",
            kind: .conflict)
    }

    // MARK: Spot-check scores

    @Test func aSpotCheckRecognisingTheAppraisalKeepsTheAppraisedPoints() throws {
        var core = try drawn()
        let unit = try sampled(core)
        try core.record(F.spotCheck(unit, "1.1", "recognise"), by: F.steering)
        let mark = try #require(core.score(unit, "1.1").spotCheck)
        #expect(mark.points == core.score(unit, "1.1").appraised?.points)
        #expect(mark.decision == "recognise")
        #expect(mark.actor == F.steering)
        #expect(mark.reason == nil)
    }

    @Test func aSpotCheckLoweringTheAppraisalWithAReasonIsRecorded() throws {
        var core = try drawn()
        let unit = try sampled(core)
        try core.record(F.spotCheck(unit, "2.1", "lower", points: "20.5", reason: "thiếu kiểm chứng"), by: F.steering)
        #expect(core.score(unit, "2.1").spotCheck?.points == "20.5")
        #expect(core.score(unit, "2.1").spotCheck?.reason == "thiếu kiểm chứng")
        #expect(core.score(unit, "2.1").effective(method: .assessed)?.points == "20.5")
    }

    @Test func aSpotCheckNotRecognisingTheAppraisalGivesZeroPoints() throws {
        var core = try drawn()
        let unit = try sampled(core)
        try core.record(F.spotCheck(unit, "1.1", "not-recognise", reason: "văn bản giả"), by: F.steering)
        #expect(core.score(unit, "1.1").spotCheck?.points == "0")
    }

    @Test func aSpotCheckThatDoesNotRecogniseTheAppraisalWithoutAReasonIsRefused() throws {
        let core = try drawn()
        let unit = try sampled(core)
        core.expectRefused(
            F.spotCheck(unit, "1.1", "not-recognise"), by: F.steering,
            "\(unit), criterion 1.1: a spot-check that does not recognise the appraisal needs a reason")
        core.expectRefused(
            F.spotCheck(unit, "1.1", "lower", points: "5", reason: " "), by: F.steering,
            "a spot-check that does not recognise the appraisal needs a reason")
    }

    @Test func aSpotCheckOfAUnitOutsideTheSampleIsRefused() throws {
        let core = try drawn()
        let undrawn = try unsampled(core)
        core.expectRefused(
            F.spotCheck(undrawn, "1.1", "recognise"), by: F.steering, "'\(undrawn)' is not in the spot-check sample",
            kind: .conflict)
    }

    @Test func aSpotCheckBeforeAnyDrawIsRefused() throws {
        let core = try closed()
        core.expectRefused(
            F.spotCheck("d01", "1.1", "recognise"), by: F.steering, "'d01' is not in the spot-check sample",
            kind: .conflict)
    }

    @Test func aSpotCheckThatRaisesOrLowersWithoutNewPointsIsRefused() throws {
        let core = try drawn()
        let unit = try sampled(core)
        core.expectRefused(
            F.spotCheck(unit, "1.1", "lower", reason: "lý do"), by: F.steering,
            "a spot-check that raises or lowers needs the new points")
    }

    @Test func aSpotCheckWhosePointsGoAgainstItsDecisionIsRefused() throws {
        var core = try drawn()
        let unit = try sampled(core)
        core.expectRefused(
            F.spotCheck(unit, "1.1", "lower", points: "10", reason: "lý do"), by: F.steering,
            "\(unit), criterion 1.1: 'lower' from the appraised 10 cannot give 10")
        try core.record(F.spotCheck(unit, "1.1", "lower", points: "6", reason: "lý do"), by: F.steering)
        core.expectRefused(
            F.spotCheck(unit, "1.1", "raise", points: "9", reason: "lý do"), by: F.steering,
            "\(unit), criterion 1.1: 'raise' from the appraised 10 cannot give 9")
    }

    @Test func aSpotCheckRaisingAboveTheMaximumIsRefused() throws {
        let core = try drawn()
        let unit = try sampled(core)
        core.expectRefused(
            F.spotCheck(unit, "1.1", "raise", points: "12", reason: "lý do"), by: F.steering,
            "\(unit), criterion 1.1: 12 points is more than its maximum of 10")
    }

    @Test func anUnknownSpotCheckDecisionIsRefused() throws {
        let core = try drawn()
        let unit = try sampled(core)
        core.expectRefused(
            F.spotCheck(unit, "1.1", "approve"), by: F.steering,
            "a spot-check decision is recognise, not-recognise, raise or lower, not 'approve'")
    }

    @Test func aSpotCheckBySomeoneWhoSelfAssessedTheUnitIsRefused() throws {
        let core = try drawn()
        let unit = try sampled(core)
        core.expectRefused(
            F.spotCheck(unit, "1.1", "recognise"), by: F.officer(unit),
            "'\(F.officer(unit))' self-assessed \(unit) and may not spot-check it", kind: .forbidden)
    }

    @Test func aSpotCheckOfASurveyCriterionIsRefused() throws {
        let core = try drawn()
        let unit = try sampled(core)
        core.expectRefused(
            F.spotCheck(unit, "2.2", "recognise"), by: F.steering,
            "criterion 2.2 is scored by the sociological survey (ĐTXHH)")
    }

    @Test func aConcludedSpotCheckTakesNoMoreScoresNorASecondConclusion() throws {
        var core = try drawn()
        let unit = try sampled(core)
        let changes = try core.record(PAREvents.SpotCheckConcluded(cycle: F.cycle, unit: unit), by: F.steering)
        #expect(core.unit(unit)?.spotCheckConcluded == true)
        #expect(changes == [.unit(cycle: F.cycle, unit: unit)])
        core.expectRefused(
            F.spotCheck(unit, "1.1", "recognise"), by: F.steering, "the spot-check of '\(unit)' is concluded",
            kind: .conflict)
        core.expectRefused(
            PAREvents.SpotCheckConcluded(cycle: F.cycle, unit: unit), by: F.steering,
            "the spot-check of '\(unit)' is concluded", kind: .conflict)
    }

    @Test func concludingTheSpotCheckOfAUnitOutsideTheSampleIsRefused() throws {
        let core = try drawn()
        let undrawn = try unsampled(core)
        core.expectRefused(
            PAREvents.SpotCheckConcluded(cycle: F.cycle, unit: undrawn), by: F.steering,
            "'\(undrawn)' is not in the spot-check sample")
    }

    // MARK: The survey

    @Test func surveyPointsAreImportedForSurveyCriteriaByTheContractor() throws {
        var core = try F()
        let import2 = F.survey("h01", "21.75")
        try core.record(import2, by: F.contractor)
        let mark = try #require(core.score("h01", "2.2").survey)
        #expect(mark.points == "21.75")
        #expect(mark.actor == F.contractor)
        #expect(mark.reason == "survey file \(import2.source.prefix(16))…")
        #expect(core.unit("h01")?.stage == .selfAssessment)
    }

    @Test func surveyPointsForAnAssessedCriterionAreRefused() throws {
        let core = try F()
        core.expectRefused(
            F.survey("h01", "20", criterion: "2.1"), by: F.contractor, "criterion 2.1 is not a survey criterion")
    }

    @Test func surveyPointsAboveTheMaximumAreRefused() throws {
        let core = try F()
        core.expectRefused(
            F.survey("h01", "25.5"), by: F.contractor, "h01, criterion 2.2: 25.5 points is more than its maximum of 25")
    }

    @Test func surveyPointsForAnUnknownCriterionAreRefused() throws {
        let core = try F()
        core.expectRefused(
            F.survey("h01", "5", criterion: "2.3"), by: F.contractor, "unknown criterion '2.3' for h01")
    }
}
