public import Ledger
public import LedgerFormat

/// What the server's readiness check and its metrics read of a ledger: how many events it holds,
/// how much storage it fills, whether the state the rules judge by has caught up with the head, and
/// how far behind the newest snapshot of that state is.
public struct LedgerVitals: Sendable {
    /// The events in the ledger (its head's count), read first.
    public let events: UInt64
    /// The storage the LMDB environment fills.
    public let storage: StorageUse
    /// The last event the state in memory includes, once caught up with the head (at least `events`
    /// when the projections are in step).
    public let stateSequence: UInt64
    /// The event the newest stored snapshot of the state follows, and when it was recorded; nil when
    /// no snapshot is stored yet (one is taken at each publication and every `snapshotInterval` events).
    public let newestSnapshot: (sequence: UInt64, recordedAt: Timestamp)?

    public init(
        events: UInt64, storage: StorageUse, stateSequence: UInt64,
        newestSnapshot: (sequence: UInt64, recordedAt: Timestamp)?
    ) {
        (self.events, self.storage, self.stateSequence) = (events, storage, stateSequence)
        self.newestSnapshot = newestSnapshot
    }
}

extension ScoringLedger {
    /// Reads the ledger's vitals: its head, the state at the head (caught up with what other processes
    /// appended, as the next request would) and the snapshot index; writes nothing.
    ///
    /// - Throws: what reading the ledger or catching up its state throws (a `LedgerError`).
    public func vitals() throws -> LedgerVitals {
        let events = try ledger.head().count
        let stateSequence = try state().sequence
        let snapshot = try ledger.projections.read { reader -> (UInt64, Timestamp)? in
            guard let snapshots else { return nil }
            var newest: UInt64?
            try reader.forEach(in: snapshots.index) { entry in
                if entry.key.count == 8 { newest = entry.key.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
                return true
            }
            guard let newest else { return nil }
            var recordedAt: Timestamp?
            try ledger.forEachEvent(from: newest, in: reader) { event in
                if event.sequence == newest { recordedAt = event.recordedAt }
                return false
            }
            return recordedAt.map { (newest, $0) }
        }
        return LedgerVitals(
            events: events, storage: ledger.storageUse(), stateSequence: stateSequence,
            newestSnapshot: snapshot.map { (sequence: $0.0, recordedAt: $0.1) })
    }
}
