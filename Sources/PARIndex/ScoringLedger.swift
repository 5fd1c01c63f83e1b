import Foundation
public import Ledger
public import LedgerFormat
public import PARCore

/// A PAR Index ledger: the generic `Ledger` under the PAR roles policy, with the scoring
/// projections kept in step in the same write transactions, and the read side (frameworks, cycles,
/// scores, results, rankings) computed from them. Every transaction reads which generation of the
/// projections is current before it reads or judges anything (`ProjectionGenerations`).
public final class ScoringLedger: Sendable {
    public let ledger: Ledger
    /// Which side of the projections is current; public so that tests and tools can inspect it.
    public let generations: ProjectionGenerations
    /// The file whose lock keeps two rebuilds from filling the same side at once.
    static let rebuildLockFileName = "rebuild.lock"

    /// The last results computed per cycle (see `results(cycle:)`).
    private let resultsCache = CycleCache<UInt64, CycleResults>()
    /// The last status read per cycle (see `status(cycle:now:)`).
    let statusCache = CycleCache<UInt64, CycleStatus>()
    /// The state this process keeps in memory (`ScoringLedger+State`).
    let keeper = StateKeeper()
    /// Where snapshots of the state are kept; nil in a read-only ledger made before them.
    let snapshots: SnapshotDatabases?
    /// How often, in events, a snapshot is stored besides those at publications.
    let snapshotInterval: UInt64

    private init(ledger: Ledger, snapshotInterval: UInt64) throws {
        self.ledger = ledger
        self.generations = try ProjectionGenerations(store: ledger.projections)
        self.snapshots = try SnapshotDatabases.open(in: ledger.projections)
        self.snapshotInterval = max(snapshotInterval, 1)
    }

    /// Runs `body` in a read transaction with the projections current in it.
    package func read<T>(_ body: (ProjectionReader, ScoringProjector) throws -> T) throws -> T {
        try ledger.projections.read { txn in try body(txn, try generations.current(in: txn)) }
    }

    /// Options for a PAR ledger: the PAR policy and `clock` (the system clock unless a test injects one).
    public static func options(clock: any LedgerClock = SystemClock()) -> LedgerOptions {
        var options = LedgerOptions(policy: PARPolicy())
        options.clock = clock
        return options
    }

    /// Creates a ledger at `path`; `snapshotInterval` is how often, in events, a snapshot is stored
    /// besides the publications' (the benchmark of BENCHMARKS.md that chose the default sets it);
    /// `adjusting` changes the storage options for a test (a small map, to make it grow) or a
    /// benchmark (a write observer).
    public static func create(
        at path: String, clock: any LedgerClock = SystemClock(), ledgerID: String? = nil, logKey: SigningKey? = nil,
        snapshotInterval: UInt64 = defaultSnapshotInterval, adjusting adjust: (inout LedgerOptions) -> Void = { _ in }
    ) throws -> ScoringLedger {
        var options = options(clock: clock)
        adjust(&options)
        options.newLedgerID = ledgerID
        options.newLogKey = logKey
        let scoring = try ScoringLedger(
            ledger: Ledger.create(at: path, options: options), snapshotInterval: snapshotInterval)
        try scoring.upgradeProjections(progress: nil)
        return scoring
    }

    /// Opens the ledger at `path`; `readOnly` opens it without the right to write, for a read-only
    /// medium (`ProjectionStore.isWithoutLockFile` says how it was opened). Projections in another
    /// format than this version's are rebuilt from the events first (`rebuilding` learns the
    /// progress), or, read-only, refused with `LedgerError.unreadableFormat`.
    public static func open(
        at path: String, clock: any LedgerClock = SystemClock(), readOnly: Bool = false,
        snapshotInterval: UInt64 = defaultSnapshotInterval, rebuilding: ((UInt64, UInt64) -> Void)? = nil,
        adjusting adjust: (inout LedgerOptions) -> Void = { _ in }
    ) throws -> ScoringLedger {
        var options = options(clock: clock)
        options.storage.readOnly = readOnly
        adjust(&options)
        let scoring = try ScoringLedger(
            ledger: Ledger.open(at: path, options: options), snapshotInterval: snapshotInterval)
        try scoring.upgradeProjections(progress: rebuilding)
        return scoring
    }

    /// Rebuilds projections of another format than this version's from the events; records the
    /// format of projections made before formats were recorded.
    private func upgradeProjections(progress: ((UInt64, UInt64) -> Void)?) throws {
        let (found, recorded) = try ledger.projections.read { txn in
            (try generations.format(in: txn), try generations.recordsFormat(in: txn))
        }
        let current = ProjectionGenerations.currentFormat
        if found == current && (recorded || ledger.projections.isReadOnly) { return }
        if found == current { return try ledger.projections.write { try generations.recordFormat(in: $0) } }
        guard !ledger.projections.isReadOnly else {
            throw LedgerError.unreadableFormat(
                path: ledger.path, found: "projections format \(found)", readable: "projections format \(current)",
                rebuilds: true)
        }
        try rebuild(progress: progress)
    }

    /// Appends commands after the identity checks, the PAR policy and every scoring rule: each event
    /// evolves the state in memory (`ProvinceState.evolve`), and the records it changed are written
    /// to the projections in the same transaction. The state is changed in place, each change noted
    /// so that it can be taken back: when anything is refused nothing is appended and the state in
    /// memory is the one before.
    @discardableResult
    public func append(batch commands: [Command]) throws -> [AppendResult] {
        try judging { apply in try ledger.append(batch: commands, apply: apply) }
    }

    /// Appends again the events another copy of this ledger recorded, as they were
    /// (`Ledger.append(recorded:apply:)`: same hashes, times and signatures), with every check of
    /// `append(batch:)`, every scoring rule and the projections: how a ledger is rebuilt from its
    /// published log. All of `events` or, when any is refused, none.
    public func append(recorded events: [RecordedEvent]) throws {
        try judging { apply in try ledger.append(recorded: events, apply: apply) }
    }

    /// Runs `append` with the function that judges each new event against the state in memory and
    /// writes what it changed; when anything is refused the state in memory is the one before.
    private func judging<T>(
        _ append: ((RecordedEvent, ProjectionWriter) throws -> Void) throws -> T
    ) throws -> T {
        let working = WorkingState(keeper.checkOut())
        defer { keeper.checkIn(working.state) }
        do {
            return try append { event, txn in
                let changes = try working.evolve(event, txn, ledger: self)
                try working.projector!.write(changes, of: working.state!, after: event, txn)
                try storeSnapshotIfDue(working.state!, after: event, in: txn)
            }
        } catch {
            working.takeBack()
            throw error
        }
    }

    /// Judges `command`, not yet signed, as its signer's append would (`Ledger.trial`: the actor, key
    /// `keyID` and policy, and every scoring rule on the state), writing nothing: the events it would
    /// record, or the refusal an append would throw. The state in memory is left as it was.
    public func trial(_ command: Command, keyID: String? = nil) throws -> [RecordedEvent] {
        let working = WorkingState(keeper.checkOut())
        defer {
            working.takeBack()
            keeper.checkIn(working.state)
        }
        return try ledger.trial(command, keyID: keyID) { event, txn in _ = try working.evolve(event, txn, ledger: self)
        }
    }

    /// The state an append or a trial changes in place, with the undo log that takes its changes back.
    private final class WorkingState {
        var state: ProvinceState?
        var undo = ProvinceState.UndoLog()
        var projector: ScoringProjector?
        var attempt: ObjectIdentifier?

        init(_ state: ProvinceState?) { self.state = state }

        /// Evolves the state with `event`. Each attempt of the transaction (the storage may run it
        /// again, as when the map grows, and another process may write in between) starts from the
        /// state before its first event: an earlier attempt's events are taken back first.
        func evolve(_ event: RecordedEvent, _ txn: ProjectionWriter, ledger: ScoringLedger) throws -> [StateChange] {
            if attempt != ObjectIdentifier(txn) || state?.sequence != event.sequence - 1 {
                attempt = ObjectIdentifier(txn)
                takeBack()
                let current = try ledger.generations.current(in: txn)
                projector = current
                state = try ledger.state(before: event.sequence, from: state, projector: current, in: txn)
            }
            return try state!.evolve(event, payload: nil, undo: &undo)
        }

        func takeBack() {
            if !undo.isEmpty { state?.undo(&undo) }
        }
    }

    @discardableResult
    public func append(_ command: Command) throws -> AppendResult {
        try append(batch: [command])[0]
    }

    /// Signs `events` as one command of the actor owning `key` and appends them.
    @discardableResult
    public func issue(
        _ events: [EventDraft], by key: SigningKey, commandID: String, expectedVersions: [String: ExpectedVersion] = [:]
    ) throws -> AppendResult {
        guard let signer = try ledger.actor(owning: key.publicKey) else {
            throw LedgerError.signatureRefused(reason: "the key \(key.publicKey.id) belongs to no actor of this ledger")
        }
        let command = Command(id: commandID, actor: signer.id, events: events, expectedVersions: expectedVersions)
        return try append(try ledger.sign(command, with: key))
    }

    // MARK: Reading

    /// Every registered framework.
    public func frameworks() throws -> [Framework] {
        try read { try $1.allFrameworkJSON(in: $0) }.map { try Framework(json: try JSONParser.parse($0.json)) }
    }

    public func cycle(_ id: String) throws -> CycleRecord? {
        try read { try $1.cycle(id.nfc, in: $0) }
    }

    /// Every cycle, by id.
    public func cycles() throws -> [CycleRecord] {
        try read { try $1.allCycles(in: $0) }
    }

    public func unitRecord(cycle: String, unit: String) throws -> UnitRecord? {
        try read { try $1.unitRecord(cycle.nfc, unit.nfc, in: $0) }
    }

    /// A unit's explanation requests with their answers, in the order they were made.
    public func explanations(cycle: String, unit: String) throws -> [ExplanationRecord] {
        try read { try $1.explanations(cycle.nfc, unit.nfc, in: $0) }
    }

    /// A cycle's objections with their answers and the corrections citing them, in the order they were filed.
    public func objections(cycle: String) throws -> [ObjectionRecord] {
        try read { try $1.objections(cycle.nfc, in: $0) }
    }

    public func framework(_ id: String) throws -> Framework? {
        try read { try $1.framework(id, in: $0) }
    }

    /// The frameworks a cycle scores its units on, by kind.
    public func frameworks(of cycle: CycleRecord) throws -> [UnitKind: Framework] {
        var found: [UnitKind: Framework] = [:]
        for kind in UnitKind.allCases {
            if let id = cycle.frameworkID(for: kind), let framework = try framework(id) { found[kind] = framework }
        }
        return found
    }

    /// Every leaf criterion of a unit's framework with its projection, in framework order.
    public func scores(cycle cycleID: String, unit unitID: String) throws -> [(Criterion, CriterionScore)] {
        try read { txn, projector in try Self.scores(cycle: cycleID, unit: unitID, projector: projector, txn: txn) }
    }

    static func scores(cycle cycleID: String, unit unitID: String, projector: ScoringProjector, txn: ProjectionReader)
        throws
        -> [(Criterion, CriterionScore)]
    {
        guard let cycle = try projector.cycle(cycleID.nfc, in: txn) else {
            throw RuleViolation.notFound("no cycle '\(cycleID)'", vi: "Không có kỳ đánh giá '\(cycleID)'.")
        }
        guard let unit = cycle.unit(unitID.nfc), let frameworkID = cycle.frameworkID(for: unit.kind),
            let framework = try projector.framework(frameworkID, in: txn)
        else {
            throw RuleViolation.notFound(
                "unit '\(unitID)' is not part of cycle '\(cycleID)'",
                vi: "Đơn vị '\(unitID)' không thuộc kỳ đánh giá này.")
        }
        let scores = try projector.scores(cycleID.nfc, unitID.nfc, in: txn)
        return framework.leaves.map { ($0, scores[$0.code] ?? CriterionScore()) }
    }

    /// The cycle's results as the events give them now.
    ///
    /// Results change only when events are appended, and front ends ask for them on every page: the
    /// last results of each cycle are kept with the ledger size they were computed at, and computed
    /// again once the ledger has grown.
    public func results(cycle cycleID: String) throws -> CycleResults {
        let size = try ledger.head().count
        if let kept = resultsCache.value(of: cycleID.nfc, at: size) { return kept }
        let computed = try read { txn, projector in
            guard let cycle = try projector.cycle(cycleID.nfc, in: txn) else {
                throw RuleViolation.notFound("no cycle '\(cycleID)'", vi: "Không có kỳ đánh giá '\(cycleID)'.")
            }
            return try CycleResults.compute(cycle: cycle, projector: projector, txn: txn)
        }
        // Kept only when nothing was appended meanwhile, so the results belong to that size.
        if try ledger.head().count == size { resultsCache.keep(computed, of: cycleID.nfc, at: size) }
        return computed
    }

    /// One `parledger-results <cycle> <hash>` line per published cycle (the hash its publication
    /// attested), as checkpoints carry them.
    public func resultsLines() throws -> [String] {
        try cycles().compactMap { cycle in
            cycle.publication.map { "parledger-results \(cycle.opened.cycle) \($0.resultsHash)" }
        }
    }

    /// A C2SP checkpoint of the whole ledger with its results lines and `extra` lines, signed with the
    /// log key.
    public func signedCheckpoint(extra: [String] = []) throws -> (checkpoint: Checkpoint, note: String) {
        try ledger.signedCheckpoint(extensions: try resultsLines() + extra)
    }
}

/// What was last computed for each cycle, with the version of the ledger it belongs to (its size or
/// head): kept between reads and given back only for that very version. Results and pages use it.
public final class CycleCache<Version: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var kept: [String: (version: Version, value: Value)] = [:]

    public init() {}

    public func value(of cycle: String, at version: Version) -> Value? {
        lock.withLock { kept[cycle].flatMap { $0.version == version ? $0.value : nil } }
    }

    public func keep(_ value: Value, of cycle: String, at version: Version) {
        lock.withLock { kept[cycle] = (version, value) }
    }
}
