import Foundation
import Ledger
import LedgerFormat
import TestSupport

func draft(_ stream: String = "unit/so-noi-vu/2019", _ points: String = "1.5", criterion: String = "1.1") -> EventDraft
{
    EventDraft(
        stream: stream, type: "SelfScoreRecorded",
        payload: .object(["criterion": .text(criterion), "points": .text(points)]))
}

/// Lets every enrolled, active actor with a valid signature append anything: the ledger's own
/// checks (identity, signatures, streams) are what these tests exercise.
struct PermitAll: AuthorizationPolicy {
    func authorize(_ command: Command, by actor: ActorRecord) throws {}
}

/// A new ledger whose first event enrols the actor `so-noi-vu`, whose key signs the fixture's commands.
struct Fixture {
    let ledger: Ledger
    let key: SigningKey
    static let actor = "so-noi-vu"

    init(in directory: TemporaryDirectory, options: LedgerOptions = LedgerOptions(policy: PermitAll())) throws {
        ledger = try Ledger.create(at: directory.ledgerPath, options: options)
        key = SigningKey()
        let enrolment = ActorEvent.enrolment(
            actor: Self.actor, name: "Sở Nội vụ", grant: RoleGrant(role: "secretariat", scope: nil),
            publicKey: key.publicKey
        )
        try ledger.append(try ledger.sign(Command(id: "enrol", actor: Self.actor, events: [enrolment]), with: key))
    }

    /// A command of the fixture's actor, signed with its key.
    func command(_ id: String, _ events: [EventDraft], expecting expected: [String: ExpectedVersion] = [:]) throws
        -> Command
    {
        try ledger.sign(Command(id: id, actor: Self.actor, events: events, expectedVersions: expected), with: key)
    }

    @discardableResult
    func append(_ id: String, _ events: [EventDraft], expecting expected: [String: ExpectedVersion] = [:]) throws
        -> AppendResult
    {
        try ledger.append(command(id, events, expecting: expected))
    }

    /// Adds `count` single-event commands (events 2 … count + 1).
    func appendScores(_ count: Int) throws {
        for index in 1...count {
            try append("c\(index)", [draft("unit/\(index % 3)", "\(index).25")])
        }
    }
}

let permitAll = LedgerOptions(policy: PermitAll())
