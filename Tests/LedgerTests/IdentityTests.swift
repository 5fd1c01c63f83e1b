import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing

@Suite struct IdentityTests {
    /// A fixture with a second actor, `officer`, enrolled by the secretariat.
    private func withOfficer(_ directory: TemporaryDirectory) throws -> (Fixture, SigningKey) {
        let fixture = try Fixture(in: directory)
        let officerKey = SigningKey()
        try fixture.append(
            "enrol-officer",
            [
                ActorEvent.enrolment(
                    actor: "officer", name: "Cán bộ Sở Tài chính",
                    grant: RoleGrant(role: "unit-officer", scope: "so-tai-chinh"),
                    publicKey: officerKey.publicKey
                )
            ])
        return (fixture, officerKey)
    }

    private func officerCommand(_ id: String, _ key: SigningKey, _ ledger: Ledger) throws -> Command {
        try ledger.sign(Command(id: id, actor: "officer", events: [draft("so-tai-chinh/2019")]), with: key)
    }

    private func expectRefusal(_ ledger: Ledger, _ command: Command, containing text: String) throws {
        let before = try ledger.head()
        do {
            try ledger.append(command)
            Issue.record("accepted a command that should be refused (\(text))")
        } catch let LedgerError.signatureRefused(reason) {
            #expect(reason.contains(text), "\(reason)")
        }
        #expect(try ledger.head() == before)
    }

    @Test func theFirstEventEnrolsTheFirstActorWithItsOwnKey() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        let actor = try #require(try fixture.ledger.actor(Fixture.actor))
        #expect(actor.currentKey == fixture.key.publicKey)
        #expect(actor.grants == [RoleGrant(role: "secretariat", scope: nil)])
        #expect(try fixture.ledger.actor(owning: fixture.key.publicKey)?.id == Fixture.actor)
        #expect(try fixture.ledger.events().first?.type == ActorEvent.enrolled)
    }

    @Test func selfEnrolmentIsRefusedOnceTheLedgerHasActors() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        let stranger = SigningKey()
        let enrolment = ActorEvent.enrolment(
            actor: "stranger", name: "X", grant: RoleGrant(role: "secretariat", scope: nil),
            publicKey: stranger.publicKey)
        try expectRefusal(
            fixture.ledger,
            try fixture.ledger.sign(Command(id: "self", actor: "stranger", events: [enrolment]), with: stranger),
            containing: "unknown actor 'stranger'")
    }

    @Test func anUnknownActorIsRefused() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        let stranger = SigningKey()
        try expectRefusal(
            fixture.ledger,
            try fixture.ledger.sign(Command(id: "x", actor: "nobody", events: [draft()]), with: stranger),
            containing: "unknown actor 'nobody'")
    }

    @Test func anUnsignedCommandIsRefused() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        try expectRefusal(
            fixture.ledger, Command(id: "x", actor: Fixture.actor, events: [draft()]), containing: "is not signed")
    }

    @Test func aSignatureThatDoesNotMatchTheCommandIsRefused() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        var tampered = try fixture.command("x", [draft("s", "1")])
        tampered.events = [draft("s", "2")]
        try expectRefusal(fixture.ledger, tampered, containing: "does not verify")
    }

    @Test func aCommandSignedForAnotherLedgerIsRefused() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        let head = try fixture.ledger.head()
        let replayed = fixture.key.sign(
            Command(id: "x", actor: Fixture.actor, events: [draft()]), forLedger: "another-ledger",
            basis: CommandBasis(sequence: head.count, hash: head.hash), at: SystemClock().now())
        try expectRefusal(fixture.ledger, replayed, containing: "does not verify")
    }

    @Test func anotherActorsKeyIsRefused() throws {
        let directory = try TemporaryDirectory()
        let (fixture, officerKey) = try withOfficer(directory)
        let impersonation = try fixture.ledger.sign(
            Command(id: "x", actor: Fixture.actor, events: [draft()]), with: officerKey)
        try expectRefusal(fixture.ledger, impersonation, containing: "is not a key of 'so-noi-vu'")
    }

    @Test func afterARotationTheOldKeyIsRefusedTheNewOneAcceptedAndOldEventsStillVerify() throws {
        let directory = try TemporaryDirectory()
        let (fixture, oldKey) = try withOfficer(directory)
        try fixture.ledger.append(try officerCommand("before", oldKey, fixture.ledger))
        let newKey = SigningKey()
        try fixture.ledger.append(
            try fixture.ledger.sign(
                Command(
                    id: "rotate", actor: "officer", events: [ActorEvent.rotation(of: "officer", to: newKey.publicKey)]),
                with: oldKey))
        try expectRefusal(
            fixture.ledger, try officerCommand("old", oldKey, fixture.ledger), containing: "was rotated out at event")
        try fixture.ledger.append(try officerCommand("new", newKey, fixture.ledger))
        let report = try fixture.ledger.verify()
        #expect(report.isIntact)
        #expect(report.eventCount == 5)
    }

    @Test func aRevokedKeyIsRefusedUntilTheActorGetsANewKey() throws {
        let directory = try TemporaryDirectory()
        let (fixture, officerKey) = try withOfficer(directory)
        try fixture.append(
            "revoke", [ActorEvent.revocation(of: "officer", keyID: officerKey.publicKey.id, reason: "máy bị mất")])
        try expectRefusal(
            fixture.ledger, try officerCommand("after", officerKey, fixture.ledger),
            containing: "was revoked at event 3: máy bị mất")
        let replacement = SigningKey()
        try fixture.append("new-key", [ActorEvent.rotation(of: "officer", to: replacement.publicKey)])
        try fixture.ledger.append(try officerCommand("after-new-key", replacement, fixture.ledger))
        #expect(try fixture.ledger.verify().isIntact)
    }

    @Test func aSuspendedActorIsRefused() throws {
        let directory = try TemporaryDirectory()
        let (fixture, officerKey) = try withOfficer(directory)
        try fixture.append("suspend", [ActorEvent.suspension(of: "officer", reason: "chuyển công tác")])
        try expectRefusal(
            fixture.ledger, try officerCommand("x", officerKey, fixture.ledger),
            containing: "actor 'officer' is suspended")
        #expect(try fixture.ledger.actor("officer")?.status == .suspended)
    }

    @Test(arguments: ["", " ", "\u{3000}", "\t\n"])
    func aRevocationOrSuspensionWithABlankReasonIsRefusedAndAppendsNothing(blank: String) throws {
        let directory = try TemporaryDirectory()
        let (fixture, officerKey) = try withOfficer(directory)
        let before = try fixture.ledger.head()
        for draft in [
            ActorEvent.revocation(of: "officer", keyID: officerKey.publicKey.id, reason: blank),
            ActorEvent.suspension(of: "officer", reason: blank),
        ] {
            do {
                try fixture.ledger.append(
                    try fixture.ledger.sign(
                        Command(id: "blank-\(draft.type)", actor: Fixture.actor, events: [draft]), with: fixture.key))
                Issue.record("\(draft.type) with a blank reason was accepted")
            } catch {
                #expect("\(error)".contains("needs a 'reason' that is not blank"), "\(error)")
            }
        }
        #expect(try fixture.ledger.head() == before)
    }

    @Test func actorEventsThatDoNotFitTheRecordAreRefused() throws {
        let directory = try TemporaryDirectory()
        let (fixture, officerKey) = try withOfficer(directory)
        let cases: [([EventDraft], String)] = [
            (
                [
                    ActorEvent.enrolment(
                        actor: "officer", name: "X", grant: RoleGrant(role: "auditor", scope: nil),
                        publicKey: SigningKey().publicKey)
                ], "already enrolled"
            ),
            (
                [ActorEvent.role(RoleGrant(role: "auditor", scope: nil), of: "ghost", granted: true)],
                "'ghost' is not enrolled"
            ),
            (
                [ActorEvent.role(RoleGrant(role: "auditor", scope: nil), of: "officer", granted: false)],
                "does not hold auditor"
            ),
            ([ActorEvent.rotation(of: "officer", to: officerKey.publicKey)], "was already used"),
            ([ActorEvent.rotation(of: "officer", to: fixture.key.publicKey)], "already belongs to 'so-noi-vu'"),
            (
                [
                    EventDraft(
                        stream: "actor/other", type: ActorEvent.suspended,
                        payload: .object(["actor": .string("officer"), "reason": .string("r")]))
                ], "must go to the stream 'actor/officer'"
            ),
        ]
        for (index, (events, expected)) in cases.enumerated() {
            do {
                try fixture.append("bad-\(index)", events)
                Issue.record("accepted: \(expected)")
            } catch let LedgerError.invalidCommand(reason) {
                #expect(reason.contains(expected), "\(reason)")
            }
        }
        #expect(try fixture.ledger.head().count == 2)
    }

    @Test func keyFilesAreWrittenPrivateAndRefusedWhenOthersCanReadThem() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/officer.key"
        let key = SigningKey()
        try KeyFile.write(key, to: path)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(try KeyFile.read(path).publicKey == key.publicKey)
        #expect(try KeyFile.readPublicKey(path + ".pub") == key.publicKey)
        #expect(throws: KeyFile.Problem.self) { try KeyFile.write(SigningKey(), to: path) }
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        do {
            _ = try KeyFile.read(path)
            Issue.record("read a key file that others can read")
        } catch {
            #expect(error.description.contains("readable by others (mode 640)"))
            #expect(error.reason == .readableByOthers && error.kind == .forbidden && error.fields["path"] == path)
        }
    }

    @Test func aFileThatIsNotAKeyIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/not-a-key"
        #expect(
            FileManager.default.createFile(
                atPath: path, contents: Data("hello\n".utf8), attributes: [.posixPermissions: 0o600]))
        #expect(throws: KeyFile.Problem.self) { try KeyFile.read(path) }
        #expect(throws: KeyFile.Problem.self) { try KeyFile.readPublicKey(path) }
    }
}
