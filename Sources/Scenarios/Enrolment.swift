public import Ledger
public import LedgerFormat
public import PARCore
import PARIndex

/// How a PAR ledger's actors are enrolled, written once for the CLI, the demo, the benchmarks and the tests.
public enum Enrolment {
    /// A new ledger's first command: `actor` enrols itself as the secretariat, signed with the key it
    /// enrols (the one command a ledger accepts from an actor it does not know yet).
    public static func genesis(
        _ actor: String, name: String, key: SigningKey, commandID: String, on ledger: Ledger
    ) throws -> Command {
        let enrolment = draft(actor, name: name, role: .secretariat, publicKey: key.publicKey)
        return try ledger.sign(Command(id: commandID, actor: actor, events: [enrolment]), with: key)
    }

    /// The enrolment of `actor` in `role`, limited to the unit `scope` when one is given.
    public static func draft(_ actor: String, name: String, role: Role, scope: String? = nil, publicKey: PublicKey)
        -> EventDraft
    {
        ActorEvent.enrolment(
            actor: actor, name: name, grant: RoleGrant(role: role.rawValue, scope: scope), publicKey: publicKey)
    }
}
