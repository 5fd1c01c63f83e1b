import Foundation
import Ledger
import LedgerFormat
public import PARCore

/// The state in memory: the append path evolves the state the last transaction left (caught up
/// with what other processes appended since), views of the past start from the nearest snapshot
/// the ledger keeps, and the states computed for views are kept for the next request.
extension ScoringLedger {
    /// How often, in events, the append path stores a snapshot of the state besides those at each
    /// publication (see BENCHMARKS.md for how it was chosen).
    public static let defaultSnapshotInterval: UInt64 = 100_000

    /// The state after event `sequence` (the whole ledger when nil), computed in memory from the
    /// nearest snapshot at or before it and the events after that; no database is written.
    public func state(asOf sequence: UInt64? = nil) throws -> ProvinceState {
        try ledger.projections.read { reader in
            let head = try headEvent(in: reader)
            let target = min(sequence ?? head.sequence, head.sequence)
            if let kept = keeper.view(at: target, hash: target == head.sequence ? head.hash : nil) { return kept }
            if target == head.sequence {
                let state = try stateAtHead(head, in: reader)
                keeper.keep(state)
                return state
            }
            var state = try nearestSnapshot(atOrBefore: target, in: reader)
            if state.sequence < target {
                try ledger.forEachEvent(from: state.sequence + 1, in: reader) { event in
                    guard event.sequence <= target else { return false }
                    try state.evolve(event)
                    if event.sequence % 5_000 == 0 { reader.releaseMappedPages() }
                    return true
                }
            }
            keeper.keepView(state)
            return state
        }
    }

    /// The state of one cycle after event `sequence`, with the frameworks; other cycles and the
    /// documents are left out. When no event after `sequence` changed the cycle (a published cycle
    /// looked at after its last correction, most often), that is the cycle as the latest state holds
    /// it, read from memory. Otherwise the cycle's part of the nearest snapshot is folded forward
    /// with the events of the cycle's own streams alone: the rules of a cycle's events read nothing of
    /// other cycles but whether the previous one exists, and no document a later event added can make
    /// an earlier event of the cycle pass, since every event recorded passed without it.
    public func state(of cycleID: String, asOf sequence: UInt64) throws -> ProvinceState {
        let cycle = cycleID.nfc
        let latest = try state()
        let target = min(sequence, latest.sequence)
        var restricted = ProvinceState()
        restricted.frameworks = latest.frameworks
        if let current = latest.cycles[cycle], current.changedAt <= target {
            restricted.cycles[cycle] = current
        } else if let past = try cycleState(cycle, asOf: target, latest: latest) {
            restricted.cycles[cycle] = past
        } else {
            restricted.cycles[cycle] = try state(asOf: target).cycles[cycle]
        }
        restricted.sequence = target
        restricted.lastHash = try ledger.projections.read { try hash(at: target, in: $0) }
        return restricted
    }

    /// `cycle` after event `sequence`: its part of the nearest snapshot that matches the ledger, and
    /// the events of its streams after it, folded into `latest` with that part in place of its own;
    /// nil when a rule refuses one of them (the caller then folds every event).
    private func cycleState(_ cycle: String, asOf sequence: UInt64, latest: ProvinceState) throws
        -> ProvinceState.CycleState?
    {
        try ledger.projections.read { reader in
            var working = latest
            let start = try nearestCyclePart(cycle, atOrBefore: sequence, in: reader)
            working.cycles[cycle] = start.part
            let stream = PAREvents.cycleStream(cycle)
            do {
                try ledger.forEachEvent(
                    inStreams: [stream], orStreamsBeginningWith: [stream + "/unit/"], after: start.sequence,
                    through: sequence, in: reader
                ) { try working.evolve($0) }
            } catch is RuleViolation {
                return nil
            }
            return working.cycles[cycle]
        }
    }

    /// The part of `cycle` in the latest snapshot at or before `sequence` that matches the ledger
    /// (nil when the cycle was not open then), or no part at the start of the ledger.
    private func nearestCyclePart(_ cycle: String, atOrBefore sequence: UInt64, in reader: ProjectionReader) throws
        -> (sequence: UInt64, part: ProvinceState.CycleState?)
    {
        let found = try latestMatchingSnapshot(atOrBefore: sequence, in: reader) { header, parts in
            guard let listed = header.cycles.first(where: { $0.id == cycle }) else {
                return (header.sequence, ProvinceState.CycleState?.none)
            }
            let key = StateSnapshot.cyclePartKey(listed.id, listed.changedAt)
            if let kept = keeper.cyclePart(key) { return (header.sequence, kept) }
            guard let bytes = try reader.value(for: key, in: parts), let part = StateSnapshot.decodeCycle(bytes),
                part.record.opened.cycle == cycle, part.changedAt == listed.changedAt
            else { return nil }
            keeper.keepCyclePart(part, key)
            return (header.sequence, part)
        }
        return found ?? (0, nil)
    }

    /// What `read` makes of the latest snapshot at or before `sequence` whose header the ledger
    /// confirms (its event is there with the hash it was bound to) and `read` accepts (given the
    /// header and the parts database); nil when none does.
    private func latestMatchingSnapshot<T>(
        atOrBefore sequence: UInt64, in reader: ProjectionReader,
        _ read: (StateSnapshot.Header, ProjectionDatabase) throws -> T?
    ) throws -> T? {
        guard let snapshots else { return nil }
        var candidates: [(UInt64, [UInt8])] = []
        try reader.forEach(in: snapshots.index) { entry in
            let at = entry.key.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard entry.key.count == 8, at <= sequence else { return false }
            candidates.append((at, entry.value))
            return true
        }
        for (at, bound) in candidates.reversed() {
            guard try hash(at: at, in: reader).bytes == bound,
                let bytes = try reader.value(for: bigEndianBytes(at), in: snapshots.headers),
                let header = StateSnapshot.decodeHeader(bytes), header.sequence == at, header.hash.bytes == bound,
                let found = try read(header, snapshots.parts)
            else { continue }
            return found
        }
        return nil
    }

    /// The results `cycle`'s publication attested, computed once (from the snapshot taken at the
    /// publication) and kept: a published cycle's page shows them on every visit.
    public func publishedResults(of cycle: CycleRecord) throws -> CycleResults {
        guard let publication = cycle.publication else {
            throw RuleViolation.notFound(
                "cycle '\(cycle.opened.cycle)' is not published",
                vi: "Kỳ đánh giá \(cycle.opened.name) chưa công bố kết quả.")
        }
        if let kept = keeper.publishedResults(at: publication.sequence) { return kept }
        let results = try state(asOf: publication.sequence).results(cycle: cycle.opened.cycle)
        keeper.keepPublishedResults(results, at: publication.sequence)
        return results
    }

    /// The state the events before `sequence` left, in the write transaction about to append it.
    func state(
        before sequence: UInt64, from kept: ProvinceState?, projector: ScoringProjector, in txn: ProjectionReader
    ) throws -> ProvinceState {
        try state(after: sequence - 1, from: kept, projector: projector, in: txn)
    }

    /// The state after event `target` as `reader` sees it: `kept` caught up with what other processes
    /// appended since, or read back from the projections when `kept` is not an earlier state of this
    /// ledger or refuses one of those events.
    private func state(
        after target: UInt64, from kept: ProvinceState?, projector: ScoringProjector, in reader: ProjectionReader
    ) throws -> ProvinceState {
        if var kept, kept.sequence <= target, try hash(at: kept.sequence, in: reader) == kept.lastHash {
            do {
                try ledger.forEachEvent(from: kept.sequence + 1, in: reader) { event in
                    guard event.sequence <= target else { return false }
                    try kept.evolve(event)
                    return true
                }
                return kept
            } catch is RuleViolation {
                // Events this state refuses: read the projections instead.
            }
        }
        var state = try projector.loadState(sequence: target, hash: try hash(at: target, in: reader), in: reader)
        state.roles = try roleHistory(through: target, in: reader)
        state.map = try unitMap(through: target, in: reader)
        return state
    }

    /// The map of units through event `target`, from its own stream: the projections do not keep it.
    private func unitMap(through target: UInt64, in reader: ProjectionReader) throws -> UnitMap {
        var map = UnitMap()
        try ledger.forEachEvent(
            inStreams: [PAREvents.UnitsReorganised.stream], orStreamsBeginningWith: [], after: 0, through: target,
            in: reader
        ) { event in
            try map.note(event)
        }
        return map
    }

    /// Who held which role through event `target`, from the actor streams alone (a few events per
    /// person): the projections do not keep it.
    private func roleHistory(through target: UInt64, in reader: ProjectionReader) throws -> RoleHistory {
        var roles = RoleHistory()
        try ledger.forEachEvent(
            inStreams: [], orStreamsBeginningWith: [ActorEvent.stream(of: "")], after: 0, through: target, in: reader
        ) { event in
            _ = roles.note(event.type, payload: try event.payloadValue, at: event.sequence)
        }
        return roles
    }

    /// Stores a snapshot of `state` (after `event`) when the event is a publication or ends a
    /// snapshot interval: its header, the cycles that changed since the previous snapshot, and the
    /// documents added since (`StateSnapshot`).
    func storeSnapshotIfDue(_ state: ProvinceState, after event: RecordedEvent, in txn: ProjectionWriter) throws {
        guard let snapshots,
            event.type == PAREvents.ResultsPublished.type || event.sequence % snapshotInterval == 0
        else { return }
        let previous = try lastHeader(before: event.sequence, in: txn)
        var evidenceParts = previous?.evidenceParts ?? []
        let known = try previous.map { try evidenceKeys(of: $0, in: txn) } ?? []
        let added = state.evidence.keys.filter { !known.contains($0) }
        if !added.isEmpty {
            let key = StateSnapshot.evidencePartKey(after: previous?.sequence ?? 0, through: event.sequence)
            try txn.put(StateSnapshot.encodeEvidence(added, of: state), for: key, in: snapshots.parts)
            evidenceParts.append(key)
        }
        let stored = Set((previous?.cycles ?? []).map { StateSnapshot.cyclePartKey($0.id, $0.changedAt) })
        for (id, cycle) in state.cycles {
            let key = StateSnapshot.cyclePartKey(id, cycle.changedAt)
            if !stored.contains(key) { try txn.put(StateSnapshot.encode(cycle), for: key, in: snapshots.parts) }
        }
        let sequence = bigEndianBytes(event.sequence)
        try txn.put(event.hash.bytes, for: sequence, in: snapshots.index)
        try txn.put(
            StateSnapshot.encodeHeader(of: state, evidenceParts: evidenceParts), for: sequence, in: snapshots.headers)
        keeper.keepEvidenceKeys(known.union(added), at: event.sequence)
    }

    /// The header of the last snapshot before `sequence`, if it decodes.
    private func lastHeader(before sequence: UInt64, in reader: ProjectionReader) throws -> StateSnapshot.Header? {
        guard let snapshots else { return nil }
        var last: [UInt8]?
        try reader.forEach(in: snapshots.index) { entry in
            guard entry.key.count == 8, entry.key.reduce(UInt64(0), { $0 << 8 | UInt64($1) }) < sequence else {
                return false
            }
            last = entry.key
            return true
        }
        guard let last, let bytes = try reader.value(for: last, in: snapshots.headers) else { return nil }
        return StateSnapshot.decodeHeader(bytes)
    }

    /// The documents a snapshot holds, by SHA-256.
    private func evidenceKeys(of header: StateSnapshot.Header, in reader: ProjectionReader) throws -> Set<String> {
        if let kept = keeper.evidenceKeys(at: header.sequence) { return kept }
        guard let snapshots else { return [] }
        var keys = Set<String>()
        for part in header.evidenceParts {
            guard let bytes = try reader.value(for: part, in: snapshots.parts),
                let documents = StateSnapshot.decodeEvidence(bytes)
            else { continue }
            keys.formUnion(documents.keys)
        }
        return keys
    }

    /// The latest snapshot at or before `sequence` whose event the ledger holds with the hash it was
    /// bound to and whose parts are all there and sound; the empty state when there is none.
    private func nearestSnapshot(atOrBefore sequence: UInt64, in reader: ProjectionReader) throws -> ProvinceState {
        let found = try latestMatchingSnapshot(atOrBefore: sequence, in: reader) { header, parts in
            if let decoded = keeper.snapshot(at: header.sequence) { return decoded }
            guard let state = try StateSnapshot.state(of: header, part: { try reader.value(for: $0, in: parts) })
            else { return nil }
            keeper.keepSnapshot(state)
            return state
        }
        return found ?? ProvinceState()
    }

    /// The state at the head `reader` sees: the one kept in memory, caught up with what other
    /// processes appended since, else read back from the current projections.
    private func stateAtHead(_ head: (sequence: UInt64, hash: EventHash), in reader: ProjectionReader) throws
        -> ProvinceState
    {
        try state(
            after: head.sequence, from: keeper.latest, projector: try generations.current(in: reader), in: reader)
    }

    private func headEvent(in reader: ProjectionReader) throws -> (sequence: UInt64, hash: EventHash) {
        let head = try ledger.head(in: reader)
        return (head.count, head.hash)
    }

    /// The hash of event `sequence` as `reader` sees it (the genesis hash for 0).
    private func hash(at sequence: UInt64, in reader: ProjectionReader) throws -> EventHash {
        guard sequence > 0 else { return .genesis }
        var found: EventHash?
        try ledger.forEachEvent(from: sequence, in: reader) { event in
            if event.sequence == sequence { found = event.hash }
            return false
        }
        guard let found else {
            throw LedgerError.corruptEvent(sequence: sequence, reason: "the ledger does not hold this event")
        }
        return found
    }
}
