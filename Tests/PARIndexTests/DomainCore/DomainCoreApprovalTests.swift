import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// Who decides (cycles of scheme 2): the chairman approves the results or assigns a vice-chairman to
/// sign in his place, and the secretariat publishes only what was approved; scheme 1 publishes as before.
@Suite struct DomainCoreApprovalTests {
    private func ready() throws -> F {
        var core = try F(scheme: 2)
        try core.readyToPublish()
        core.now = F.time("2020-05-15T03:00:00Z")
        return core
    }

    private func delegation(to delegate: String = F.viceChair, decision: String = "QĐ 12/QĐ-UBND")
        -> PAREvents.SigningDelegated
    {
        PAREvents.SigningDelegated(cycle: F.cycle, delegate: delegate, decision: decision)
    }

    @Test func theChairmanApprovesAndTheSecretariatPublishesWhatWasApproved() throws {
        var core = try ready()
        try core.record(try core.approval(), by: F.provinceChair)
        let approval = try #require(core.cycleRecord?.approval)
        #expect(approval.actor == F.provinceChair)
        #expect(approval.onBehalfOf == nil)
        #expect(approval.signedAs == "TM. ỦY BAN NHÂN DÂN")
        try core.record(try core.publication(), by: F.secretariat)
        #expect(core.cycleRecord?.publication?.decision == "QĐ 456/QĐ-UBND")
    }

    @Test func aPublicationWithoutApprovalIsRefusedInSchemeTwo() throws {
        let core = try ready()
        core.expectRefused(
            try core.publication(), by: F.secretariat,
            "the province has not approved the results of 'dien-bien-2019' (ResultsApproved)", kind: .conflict)
    }

    @Test func aPublicationCitingAnotherDecisionThanTheApprovalIsRefused() throws {
        var core = try ready()
        try core.record(try core.approval(), by: F.provinceChair)
        core.expectRefused(
            try core.publication(decision: "QĐ 999/QĐ-UBND"), by: F.secretariat,
            "but the province approved decision QĐ 456/QĐ-UBND of 2020-05-15")
        core.expectRefused(
            try core.publication(date: "2020-05-16"), by: F.secretariat, "but the province approved decision")
    }

    @Test func aViceChairmanApprovesOnlyUnderTheChairmansDelegation() throws {
        var core = try ready()
        core.expectRefused(
            try core.approval(), by: F.viceChair,
            "only in the chairman's place, under his delegation (SigningDelegated)",
            kind: .forbidden)
        try core.record(delegation(), by: F.provinceChair)
        try core.record(try core.approval(), by: F.viceChair)
        let approval = try #require(core.cycleRecord?.approval)
        #expect(approval.onBehalfOf == F.provinceChair)
        #expect(approval.delegation == "QĐ 12/QĐ-UBND")
        #expect(approval.signedAs == "KT. CHỦ TỊCH")
    }

    @Test func onlyAViceChairmanIsDelegatedAndWithACitedDecision() throws {
        let core = try ready()
        core.expectRefused(
            delegation(to: F.secretariat), by: F.provinceChair,
            "'so-noi-vu' is not a vice-chairman of the province (province-vice-chair)", kind: .forbidden)
        core.expectRefused(
            delegation(decision: "\u{3000}"), by: F.provinceChair,
            "a delegation cites the decision that assigns the signing")
    }

    @Test func resultsAreApprovedOnceAndOnlyWhenEverythingIsReady() throws {
        var core = try F(scheme: 2)
        try core.drawBoth()
        core.expectRefused(
            try core.approval(), by: F.provinceChair, "the results of 'dien-bien-2019' cannot be approved yet: ",
            kind: .conflict)
        core = try ready()
        core.expectRefused(
            try core.approval(date: "2021-01-01"), by: F.provinceChair,
            "the decision's date '2021-01-01' is not a date from 2020-04-01 to 2020-06-30")
        core.expectRefused(try core.approval(decision: " "), by: F.provinceChair, "an approval cites the decision")
        try core.record(try core.approval(), by: F.provinceChair)
        core.expectRefused(
            try core.approval(), by: F.provinceChair, "were already approved by decision", kind: .conflict)
        core.expectRefused(delegation(), by: F.provinceChair, "there is nothing left to sign", kind: .conflict)
    }

    @Test func approvedResultsThatChangedAfterwardsAreApprovedAgainBeforePublication() throws {
        var core = try ready()
        try core.record(try core.approval(), by: F.provinceChair)
        try core.record(F.survey("d01", "10"), by: F.contractor)
        core.expectRefused(
            try core.publication(), by: F.secretariat, "but the province approved decision QĐ 456/QĐ-UBND")
        try core.record(try core.approval(decision: "QĐ 457/QĐ-UBND"), by: F.provinceChair)
        #expect(core.cycleRecord?.approval?.decision == "QĐ 457/QĐ-UBND")
        try core.record(try core.publication(decision: "QĐ 457/QĐ-UBND"), by: F.secretariat)
    }

    @Test func schemeOneCyclesArePublishedWithoutARecordedApproval() throws {
        var core = try F()
        try core.readyToPublish()
        core.now = F.time("2020-05-15T03:00:00Z")
        core.expectRefused(try core.approval(), by: F.secretariat, "follows scheme 1", kind: .conflict)
        try core.record(try core.publication(), by: F.secretariat)
    }
}
