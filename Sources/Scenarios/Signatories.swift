import Ledger
public import LedgerFormat

/// The actors' keys and where their signed commands go: straight into the ledger (the demo), or
/// queued and appended in batches (the benchmarks). The driver never holds a private key.
public protocol Signatories: AnyObject {
    /// The public key `actor` is enrolled with.
    func publicKey(of actor: String) throws -> PublicKey
    /// Signs `events` as one command of `actor` and hands it to the ledger (now or at the next `flush`).
    func issue(_ events: [EventDraft], by actor: String) throws
    /// Appends whatever `issue` queued; the driver calls it before it reads the ledger.
    func flush() throws
}

extension Signatories {
    public func flush() throws {}
}
