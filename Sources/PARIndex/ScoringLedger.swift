public import Ledger
import LMDB

/// A PAR Index ledger: the generic `Ledger` under the PAR roles policy, with the scoring
/// projections kept in step in the same write transactions, and the read side (frameworks, cycles,
/// scores, results, rankings) computed from them.
public final class ScoringLedger: Sendable {
    public let ledger: Ledger
    let projector: ScoringProjector

    private init(ledger: Ledger) throws {
        self.ledger = ledger
        self.projector = try ScoringProjector(environment: ledger.environment)
    }

    /// Options for a PAR ledger: the PAR policy and `clock` (the system clock unless a test injects one).
    public static func options(clock: any LedgerClock = SystemClock()) -> LedgerOptions {
        var options = LedgerOptions(policy: PARPolicy())
        options.clock = clock
        return options
    }

    public static func create(
        at path: String, clock: any LedgerClock = SystemClock(), ledgerID: String? = nil, logKey: SigningKey? = nil
    ) throws -> ScoringLedger {
        var options = options(clock: clock)
        options.newLedgerID = ledgerID
        options.newLogKey = logKey
        return try ScoringLedger(ledger: Ledger.create(at: path, options: options))
    }

    public static func open(at path: String, clock: any LedgerClock = SystemClock()) throws -> ScoringLedger {
        try ScoringLedger(ledger: Ledger.open(at: path, options: options(clock: clock)))
    }

    /// Appends commands after the identity checks, the PAR policy and every scoring rule; the
    /// projections change in the same transaction. When anything is refused nothing is appended.
    @discardableResult
    public func append(batch commands: [Command]) throws -> [AppendResult] {
        try ledger.append(batch: commands) { event, txn in try projector.apply(event, in: txn) }
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
        try ledger.environment.read { try projector.allFrameworkJSON(in: $0) }.map { try Framework(json: try JSONParser.parse($0.json)) }
    }

    public func cycle(_ id: String) throws -> CycleRecord? {
        try ledger.environment.read { try projector.cycle(id.nfc, in: $0) }
    }

    /// Every cycle, by id.
    public func cycles() throws -> [CycleRecord] {
        try ledger.environment.read { try projector.allCycles(in: $0) }
    }

    public func unitRecord(cycle: String, unit: String) throws -> UnitRecord? {
        try ledger.environment.read { try projector.unitRecord(cycle.nfc, unit.nfc, in: $0) }
    }

    public func framework(_ id: String) throws -> Framework? {
        try ledger.environment.read { try projector.framework(id, in: $0) }
    }

    /// Every leaf criterion of a unit's framework with its projection, in framework order.
    public func scores(cycle cycleID: String, unit unitID: String) throws -> [(Criterion, CriterionScore)] {
        try ledger.environment.read { txn in try Self.scores(cycle: cycleID, unit: unitID, projector: projector, txn: txn) }
    }

    static func scores(cycle cycleID: String, unit unitID: String, projector: ScoringProjector, txn: Transaction) throws -> [(Criterion, CriterionScore)] {
        guard let cycle = try projector.cycle(cycleID.nfc, in: txn) else { throw RuleViolation("no cycle '\(cycleID)'") }
        guard let unit = cycle.unit(unitID.nfc), let frameworkID = cycle.frameworkID(for: unit.kind),
            let framework = try projector.framework(frameworkID, in: txn)
        else { throw RuleViolation("unit '\(unitID)' is not part of cycle '\(cycleID)'") }
        let scores = try projector.scores(cycleID.nfc, unitID.nfc, in: txn)
        return framework.leaves.map { ($0, scores[$0.code] ?? CriterionScore()) }
    }

    /// The cycle's results as the events give them now.
    public func results(cycle cycleID: String) throws -> CycleResults {
        try ledger.environment.read { txn in
            guard let cycle = try projector.cycle(cycleID.nfc, in: txn) else { throw RuleViolation("no cycle '\(cycleID)'") }
            return try CycleResults.compute(cycle: cycle, projector: projector, txn: txn)
        }
    }

    /// One `parledger-results <cycle> <hash>` line per published cycle (the hash its publication
    /// attested), as checkpoints carry them.
    public func resultsLines() throws -> [String] {
        try cycles().compactMap { cycle in cycle.publication.map { "parledger-results \(cycle.opened.cycle) \($0.resultsHash)" } }
    }

    /// A C2SP checkpoint of the whole ledger with its results lines and `extra` lines, signed with the
    /// log key.
    public func signedCheckpoint(extra: [String] = []) throws -> (checkpoint: Checkpoint, note: String) {
        try ledger.signedCheckpoint(extensions: try resultsLines() + extra)
    }

    // MARK: Rebuilding

    /// Recomputes every projection from the events, in batches of write transactions.
    public func rebuild(progress: ((UInt64, UInt64) -> Void)? = nil) throws {
        let total = try ledger.head().count
        try ledger.environment.write { txn in
            for database in projector.databases { try txn.removeAll(from: database) }
        }
        projector.forgetCachedFrameworks()
        var next: UInt64 = 1
        while next <= total {
            let batch = try ledger.events(from: next, limit: 5_000)
            try ledger.environment.write { txn in
                for event in batch { try projector.apply(event, in: txn) }
            }
            next += UInt64(batch.count)
            progress?(next - 1, total)
            if batch.isEmpty { break }
        }
    }

    /// SHA-256 over every entry of every projection database (name, key, value, in key order), to
    /// show that a rebuild wrote exactly the same bytes.
    public func projectionDigest() throws -> String {
        try ledger.environment.read { txn in
            var bytes: [UInt8] = []
            for (name, database) in zip(ScoringProjector.databaseNames, projector.databases) {
                bytes += Array(name.utf8) + [0]
                try txn.withCursor(on: database) { cursor in
                    var entry = try cursor.first()
                    while let current = entry {
                        bytes += EventHash.of(current.key).bytes + EventHash.of(current.value).bytes
                        entry = try cursor.next()
                    }
                }
            }
            return EventHash.of(bytes).hex
        }
    }
}
