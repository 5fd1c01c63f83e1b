public import LedgerFormat

/// Decides whether an actor may issue a command: which roles may append which event types, and
/// within which scope. The ledger checks identity (actor, key, signature) itself and then asks the
/// policy, inside the write transaction, before anything is appended.
public protocol AuthorizationPolicy: Sendable {
    /// Throws `LedgerError.notPermitted` (or another error) when `actor` may not issue `command`.
    func authorize(_ command: Command, by actor: ActorRecord) throws
}
