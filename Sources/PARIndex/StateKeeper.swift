import Foundation
import Ledger
import LedgerFormat
import PARCore

/// The snapshot databases: `par-snapshot-index` (big-endian sequence → the hash of that event),
/// `par-snapshots` (big-endian sequence → the snapshot's header) and `par-snapshot-parts` (the parts
/// headers name, `StateSnapshot`). Not part of the projections' generations: a snapshot names the
/// event it follows and is checked against it before use.
struct SnapshotDatabases: Sendable {
    static let indexName = "par-snapshot-index"
    static let headersName = "par-snapshots"
    static let partsName = "par-snapshot-parts"
    let index: ProjectionDatabase
    let headers: ProjectionDatabase
    let parts: ProjectionDatabase

    var all: [ProjectionDatabase] { [index, headers, parts] }

    /// Opens (creating them when the store is writable) the two databases; nil when a read-only
    /// ledger made before snapshots lacks them.
    static func open(in store: ProjectionStore) throws -> SnapshotDatabases? {
        do {
            return SnapshotDatabases(
                index: try store.database(named: indexName, create: !store.isReadOnly),
                headers: try store.database(named: headersName, create: !store.isReadOnly),
                parts: try store.database(named: partsName, create: !store.isReadOnly))
        } catch let LedgerError.storage(_, failure) where failure.kind == .notFound && store.isReadOnly {
            return nil
        }
    }
}

/// What one process keeps of the state in memory: the latest state an append or a view computed, the
/// snapshots decoded so far, and a few states computed for views of the past.
final class StateKeeper: @unchecked Sendable {
    private let lock = NSCondition()
    /// Guarded by `lock`.
    private var latestState: ProvinceState?
    /// Whether an append has taken the latest state to change it in place; `latest` waits for it.
    private var checkedOut = false
    private var snapshots: [UInt64: ProvinceState] = [:]
    private var views: [ProvinceState] = []
    private var lastSnapshotEvidence: (sequence: UInt64, keys: Set<String>)?
    /// Cycle parts of snapshots decoded for views of one cycle, by part key, the last few.
    private var cycleParts: [(key: [UInt8], part: ProvinceState.CycleState)] = []
    /// Published results by the sequence number of their publication.
    private var published: [UInt64: CycleResults] = [:]
    private static let viewsKept = 8
    private static let snapshotsKept = 4

    var latest: ProvinceState? {
        lock.withLock {
            while checkedOut { lock.wait() }
            return latestState
        }
    }

    func keep(_ state: ProvinceState) {
        lock.withLock {
            if !checkedOut && (latestState?.sequence ?? 0) <= state.sequence { latestState = state }
        }
    }

    /// The latest state, given over to one append at a time (others wait), the keeper dropping its own
    /// reference so that the append changes it in place; `checkIn` gives it back.
    func checkOut() -> ProvinceState? {
        lock.withLock {
            while checkedOut { lock.wait() }
            checkedOut = true
            defer { latestState = nil }
            return latestState
        }
    }

    func checkIn(_ state: ProvinceState?) {
        lock.withLock {
            latestState = state
            checkedOut = false
            lock.broadcast()
        }
    }

    func snapshot(at sequence: UInt64) -> ProvinceState? { lock.withLock { snapshots[sequence] } }

    func cyclePart(_ key: [UInt8]) -> ProvinceState.CycleState? {
        lock.withLock { cycleParts.last { $0.key == key }?.part }
    }

    func keepCyclePart(_ part: ProvinceState.CycleState, _ key: [UInt8]) {
        lock.withLock {
            cycleParts.removeAll { $0.key == key }
            cycleParts.append((key, part))
            if cycleParts.count > Self.snapshotsKept * 4 { cycleParts.removeFirst() }
        }
    }

    func publishedResults(at sequence: UInt64) -> CycleResults? { lock.withLock { published[sequence] } }

    func keepPublishedResults(_ results: CycleResults, at sequence: UInt64) {
        lock.withLock { published[sequence] = results }
    }

    /// The documents of the snapshot at `sequence`, when this process wrote it last.
    func evidenceKeys(at sequence: UInt64) -> Set<String>? {
        lock.withLock { lastSnapshotEvidence.flatMap { $0.sequence == sequence ? $0.keys : nil } }
    }

    func keepEvidenceKeys(_ keys: Set<String>, at sequence: UInt64) {
        lock.withLock { lastSnapshotEvidence = (sequence, keys) }
    }

    func keepSnapshot(_ state: ProvinceState) {
        lock.withLock {
            if snapshots.count >= Self.snapshotsKept, let oldest = snapshots.keys.min() {
                snapshots[oldest] = nil
            }
            snapshots[state.sequence] = state
        }
    }

    /// A state kept for `sequence`; with `hash`, only one that followed that very event.
    func view(at sequence: UInt64, hash: EventHash?) -> ProvinceState? {
        lock.withLock {
            while checkedOut { lock.wait() }
            if let latestState, latestState.sequence == sequence, hash.map({ $0 == latestState.lastHash }) ?? true {
                return latestState
            }
            guard hash == nil else { return nil }
            return views.last { $0.sequence == sequence }
        }
    }

    func keepView(_ state: ProvinceState) {
        lock.withLock {
            views.removeAll { $0.sequence == state.sequence }
            views.append(state)
            if views.count > Self.viewsKept { views.removeFirst() }
        }
    }
}
