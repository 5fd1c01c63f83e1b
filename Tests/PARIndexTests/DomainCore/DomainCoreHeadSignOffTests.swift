import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// The unit head's sign-off (cycles of scheme 2): officers prepare the sheet, the head (a role per
/// unit) signs the submission and its withdrawal; cycles of scheme 1 keep the officer's submission.
@Suite struct DomainCoreHeadSignOffTests {
    static let head = F.head("d01")

    /// A scheme-2 province (a head enrolled for every unit) with d01's sheet filled in by its officer.
    private func prepared() throws -> F {
        var core = try F(scheme: 2)
        try core.selfAssess("d01")
        return core
    }

    @Test func inSchemeTwoTheOfficerPreparesAndTheHeadSignsTheSubmission() throws {
        var core = try prepared()
        core.expectRefused(
            F.submission("d01"), by: F.officer("d01"),
            "the head of 'd01' (unit-head) signs its self-assessment's submission in 'dien-bien-2019'; 'can-bo-d01' is not its head",
            kind: .forbidden)
        try core.record(F.submission("d01"), by: Self.head)
        #expect(core.unit("d01")?.stage == .submitted)
        #expect(core.unit("d01")?.selfAssessedBy.contains(Self.head) == true)
    }

    @Test func inSchemeTwoWithdrawingNeedsTheHeadToo() throws {
        var core = try prepared()
        try core.record(F.submission("d01"), by: Self.head)
        core.expectRefused(
            F.withdrawal("d01"), by: F.officer("d01"), "signs its self-assessment's withdrawal", kind: .forbidden)
        try core.record(F.withdrawal("d01"), by: Self.head)
        #expect(core.unit("d01")?.stage == .selfAssessment)
    }

    @Test func theHeadOfAnotherUnitSignsNothingHere() throws {
        let core = try prepared()
        core.expectRefused(F.submission("d01"), by: "thu-truong-d02", "'thu-truong-d02' is not its head")
    }

    @Test func aHeadWhoseGrantWasRevokedSignsNoMoreButWhatItSignedStands() throws {
        var core = try prepared()
        try core.record(F.submission("d01"), by: Self.head)
        let grant = RoleGrant(role: "unit-head", scope: "d01")
        try core.recordActorEvent(ActorEvent.role(grant, of: Self.head, granted: false))
        core.expectRefused(F.withdrawal("d01"), by: Self.head, "'thu-truong-d01' is not its head")
        #expect(core.unit("d01")?.stage == .submitted)
        let spans = try #require(core.state.roles.spans[Self.head])
        #expect(spans.count == 1)
        #expect(spans[0].until == core.state.sequence)
        #expect(core.state.roles.holds(Self.head, .unitHead, scope: "d01", at: spans[0].from + 1))
        #expect(!core.state.roles.holds(Self.head, .unitHead, scope: "d01", at: spans[0].from))
        #expect(!core.state.roles.holds(Self.head, .unitHead, scope: "d01", at: core.state.sequence + 1))
    }

    @Test func inSchemeOneTheOfficerStillSubmits() throws {
        var core = try F()
        try core.selfAssess("d01")
        try core.record(F.submission("d01"), by: F.officer("d01"))
        #expect(core.unit("d01")?.stage == .submitted)
        #expect(core.cycleRecord?.opened.effectiveScheme == .original)
    }

    @Test(arguments: [0, 3, -1]) func aCycleOfAnUnknownSchemeIsRefused(scheme: Int) throws {
        let core = try F()
        core.expectRefused(
            F.opening(cycle: "dien-bien-2020", scheme: scheme), by: F.secretariat,
            "cycle 'dien-bien-2020' names scheme \(scheme); the schemes are 1 and 2")
    }

    @Test func aRoleGrantedAndRevokedIsTakenBackWhenTheStateGoesBack() throws {
        var core = try prepared()
        let before = DomainCoreFingerprint(core.state)
        var trial = core.state
        var undo = ProvinceState.UndoLog()
        let draft = ActorEvent.role(RoleGrant(role: "unit-head", scope: "d02"), of: Self.head, granted: true)
        let event = RecordedEvent(
            sequence: core.state.sequence + 1, stream: draft.stream, streamVersion: 2, type: draft.type,
            schemaVersion: 1, payload: CanonicalJSON.encode(draft.payload), actor: F.secretariat, recordedAt: core.now,
            commandID: "c", causationID: "c", correlationID: "c", keyID: "k", signature: [],
            previousHash: core.state.lastHash, hash: F.fakeHash(core.state.sequence + 1))
        _ = try trial.evolve(event, payload: nil, undo: &undo)
        #expect(trial.roles.spans[Self.head]?.count == 2)
        trial.undo(&undo)
        #expect(DomainCoreFingerprint(trial) == before)
        core.state = trial
    }
}
