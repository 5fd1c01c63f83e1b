import Foundation
import Ledger
import LedgerFormat
import PARCore

extension ScoringLedger {
    /// Recomputes every projection from the events into the side that is not current, in write
    /// transactions of 5,000 events, then folds in the events appended meanwhile and makes it current,
    /// both in one write transaction. Until then commands are judged against the last complete
    /// projections; a rebuild that is killed leaves them in place, and the next one empties the side
    /// it had half filled. Two rebuilds run one after the other.
    ///
    /// The events are verified as they are read (`ChainWalk`: hashes, links, every signature on every
    /// core), on a thread that reads ahead of the one applying them, and their Merkle root must be the
    /// root of the log's tree (what its signed checkpoints attest): a ledger whose events do not
    /// verify throws `LedgerError.corruptEvent` and leaves the current projections as they were.
    public func rebuild(progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        let store = ledger.projections
        try store.withFileLock(named: Self.rebuildLockFileName) {
            let current = try store.read { try generations.generation(in: $0) }
            let (old, shadow) = (try generations.side(of: current), try generations.side(of: current + 1))
            try store.write { txn in
                for database in shadow.databases { try txn.removeAll(from: database) }
                for database in snapshots?.all ?? [] { try txn.removeAll(from: database) }
            }
            let total = try ledger.head().count
            var done: UInt64 = 0
            var state = ProvinceState()
            var tree = MerkleFrontier()
            let walk = VerifyingWalk(ledgerID: ledger.id)
            do {
                try ledger.readAhead(from: 1, through: total, batchSize: 5_000, prepare: walk.check) { batch in
                    for (event, _) in batch { tree.append(eventHash: event.hash.bytes) }
                    state = try fold(batch, from: state, into: shadow)
                    done += UInt64(batch.count)
                    progress?(done, total)
                }
            } catch {
                // A rule that an altered event breaks can be met before that event's hash is found wrong.
                try walk.throwProblemMetSoFar()
                throw error
            }
            // The events folded are the ones the log's tree (whose root its checkpoints sign) holds.
            let logged = try ledger.treeRoot(size: total)
            guard tree.size == total, tree.root == logged.root else {
                throw LedgerError.corruptEvent(
                    sequence: total,
                    reason:
                        "the events' Merkle root is not the root of the log's tree at \(total); the ledger does not verify, so the projections were not rebuilt"
                )
            }
            let complete = state
            try store.write { txn in
                var appendedMeanwhile: [RecordedEvent] = []
                try ledger.forEachEvent(from: done + 1, in: txn) { event in
                    appendedMeanwhile.append(event)
                    return true
                }
                state = complete
                for (event, payload) in try walk.check(appendedMeanwhile) {
                    try fold(event, payload, into: &state, shadow, txn)
                }
                try walk.finish()
                try generations.makeCurrent(current + 1, in: txn)
            }
            keeper.keep(state)
            // Readers that began before the switch keep their snapshot of the old side.
            try store.write { txn in
                for database in old.databases { try txn.removeAll(from: database) }
            }
        }
    }

    /// Folds `batch` into `state` and writes what it changed to `side`, in one write transaction;
    /// returns the state after it. Each attempt of the transaction starts again from `state`.
    private func fold(_ batch: [(RecordedEvent, JSONValue?)], from state: ProvinceState, into side: ScoringProjector)
        throws -> ProvinceState
    {
        var next = state
        try ledger.projections.write { txn in
            next = state
            for (event, payload) in batch { try fold(event, payload, into: &next, side, txn) }
        }
        return next
    }

    private func fold(
        _ event: RecordedEvent, _ payload: JSONValue?, into state: inout ProvinceState, _ side: ScoringProjector,
        _ txn: ProjectionWriter
    ) throws {
        let changes = try state.evolve(event, payload: payload)
        try side.write(changes, of: state, after: event, txn)
        try storeSnapshotIfDue(state, after: event, in: txn)
    }

    /// SHA-256 over every entry of every projection database (name, key, value, in key order), to
    /// show that a rebuild wrote exactly the same bytes.
    public func projectionDigest() throws -> String {
        try read { txn, projector in
            var bytes: [UInt8] = []
            for (name, database) in projector.namedDatabases {
                bytes += Array(name.utf8) + [0]
                try txn.forEach(in: database) { current in
                    bytes += SHA256Digest.bytes(current.key) + SHA256Digest.bytes(current.value)
                    return true
                }
            }
            return SHA256Digest.hex(bytes)
        }
    }
}

/// The chain walk of a rebuild: checks each batch of events on the thread that reads them, and
/// hands them on with their payloads parsed. Used by one thread at a time: the reading thread, then,
/// once it has finished, the rebuilding one.
private final class VerifyingWalk: @unchecked Sendable {
    private var walk: ChainWalk

    init(ledgerID: String) {
        walk = ChainWalk(ledgerID: ledgerID)
    }

    @Sendable func check(_ events: [RecordedEvent]) throws -> [(RecordedEvent, JSONValue?)] {
        try events.map { event in
            if let problem = walk.check(event) { throw refusal(problem) }
            return (event, try? event.payloadValue)
        }
    }

    /// Waits for the signatures and hashes set aside so far, and throws the first that failed.
    func throwProblemMetSoFar() throws {
        if let problem = walk.firstDeferredProblem() { throw refusal(problem) }
    }

    /// Finishes the last command and waits for the signatures and hashes still being checked.
    func finish() throws {
        if let problem = walk.finishCommand() ?? walk.firstDeferredProblem() { throw refusal(problem) }
    }

    private func refusal(_ problem: VerificationProblem) -> LedgerError {
        .corruptEvent(
            sequence: problem.sequence,
            reason: "\(problem.reason); the ledger does not verify, so the projections were not rebuilt")
    }
}
