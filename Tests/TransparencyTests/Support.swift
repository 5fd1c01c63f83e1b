import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Transparency

/// Lets every enrolled actor append anything: these tests exercise publication, not rules.
struct PermitAll: AuthorizationPolicy {
    func authorize(_ command: Command, by actor: ActorRecord) throws {}
}

/// A ledger with its first actor, appending single-event commands on demand.
final class LogFixture {
    let ledger: Ledger
    let key: SigningKey
    private(set) var appended = 0

    /// A new ledger; a fork of another is made with the same id and log key.
    init(at path: String, forking other: Ledger? = nil) throws {
        var options = LedgerOptions(policy: PermitAll())
        options.newLogKey = try other?.logKey()
        options.newLedgerID = other?.id
        ledger = try Ledger.create(at: path, options: options)
        key = SigningKey()
        let enrolment = ActorEvent.enrolment(
            actor: "so-noi-vu", name: "Sở Nội vụ", grant: RoleGrant(role: "secretariat", scope: nil),
            publicKey: key.publicKey)
        try ledger.append(try ledger.sign(Command(id: "enrol", actor: "so-noi-vu", events: [enrolment]), with: key))
    }

    /// Appends `count` one-event commands; `tag` makes two fixtures' histories differ.
    func append(_ count: Int, tag: String = "a") throws {
        for _ in 0..<count {
            appended += 1
            let draft = EventDraft(
                stream: "note/\(appended % 7)", type: "NoteRecorded",
                payload: .object(["text": .text("\(tag) \(appended)")]))
            try ledger.append(
                try ledger.sign(Command(id: "\(tag)-\(appended)", actor: "so-noi-vu", events: [draft]), with: key))
        }
    }

    /// The ledger's checkpoint now, signed by its log key and cosigned by `witnesses`.
    func note(cosignedBy witnesses: [WitnessKey] = [], time: UInt64 = 1_790_000_000) throws -> (Checkpoint, String) {
        let (checkpoint, note) = try ledger.signedCheckpoint()
        let text = try SignedNote.split(note).text
        return (checkpoint, try SignedNote.adding(witnesses.map { $0.cosign(text, time: time) }, to: note))
    }

    /// Publishes the ledger into `directory`, cosigned by `witnesses`.
    @discardableResult
    func publish(to directory: String, cosignedBy witnesses: [WitnessKey] = []) throws -> StaticLog.Publication {
        let (checkpoint, note) = try note(cosignedBy: witnesses)
        return try StaticLog(directory: directory).publish(ledger, checkpoint: checkpoint, note: note)
    }

    /// The trust policy naming `witnesses` with `quorum`.
    func policy(witnesses: [WitnessKey] = [], quorum: Int = 0) throws -> TrustPolicy {
        let base = try ledger.trustPolicy()
        return TrustPolicy(
            ledgerID: base.ledgerID, genesis: base.genesis, log: base.log, handovers: base.handovers,
            witnesses: witnesses.map(\.verifier),
            quorum: quorum)
    }
}

/// Fixed witness keys, written once per temporary directory.
func witnessKey(_ name: String, in directory: TemporaryDirectory) throws -> WitnessKey {
    let path = directory.path + "/" + name.replacingOccurrences(of: "/", with: "_") + ".key"
    if !FileManager.default.fileExists(atPath: path) { try WitnessKey(generatingFor: name).write(to: path) }
    return try WitnessKey(file: path)
}
