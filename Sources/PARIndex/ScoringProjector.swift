import Foundation
package import Ledger
import LedgerFormat
import PARCore

/// The storage of the scoring projections: their databases, key layout and caches, typed reads of
/// frameworks, cycles, units, scores and evidence, and the writes that keep them equal to the
/// state in memory. Nothing here judges an event: `ProvinceState.evolve` does, and names the records
/// it changed; `write(_:of:after:_:)` writes those, inside the transaction that appends the event,
/// and a rebuild writes them the same way, so it writes exactly what the live appends wrote.
///
/// Databases: `par-frameworks` (id → framework JSON), `par-cycles` (cycle → `CycleRecord`),
/// `par-units` (cycle ‖ 0 ‖ unit → `UnitRecord`), `par-scores` (cycle ‖ 0 ‖ unit ‖ 0 ‖ criterion →
/// `CriterionScore`), `par-evidence` (sha256 → `EvidenceAdded`), `par-score-history` (cycle ‖ 0 ‖
/// unit ‖ 0 ‖ criterion ‖ 0 ‖ big-endian sequence → the `CriterionScore` that event left), which
/// lets a trace read one criterion's history without replaying the ledger, `par-cycle-versions`
/// (cycle → big-endian sequence of the event that last wrote its record), and `par-explanations`
/// (cycle ‖ 0 ‖ unit ‖ 0 ‖ request → `ExplanationRecord`), and `par-objections` (cycle ‖ 0 ‖ objection →
/// `ObjectionRecord`). A read-only ledger made before explanation requests (or objections) existed
/// lacks `par-explanations` (or `par-objections`): it reads as empty.
package final class ScoringProjector: @unchecked Sendable {
    static let databaseNames = [
        "par-frameworks", "par-cycles", "par-units", "par-scores", "par-evidence", "par-score-history",
        "par-cycle-versions", "par-explanations", "par-objections",
    ]

    let frameworksDB: ProjectionDatabase
    let cyclesDB: ProjectionDatabase
    let unitsDB: ProjectionDatabase
    let scoresDB: ProjectionDatabase
    package let evidenceDB: ProjectionDatabase
    package let historyDB: ProjectionDatabase
    let cycleVersionsDB: ProjectionDatabase
    /// Nil only in a read-only store written before explanation requests existed.
    let explanationsDB: ProjectionDatabase?
    /// Nil only in a read-only store written before objections existed.
    let objectionsDB: ProjectionDatabase?
    private let cacheLock = NSLock()
    private var frameworkCache: [String: Framework] = [:]
    /// Decoded cycle records by the version they were decoded at (the sequence number of the event
    /// that last wrote the record, kept in `par-cycle-versions`): every event reads its cycle, whose
    /// record lists every unit and changes a few times a cycle, so it is decoded only when it changed.
    /// A version written by a transaction that was then aborted is never read, so it cannot match.
    private var cycleCache: [String: (version: [UInt8], record: CycleRecord)] = [:]

    /// Opens (creating them when the store is writable) the projection databases whose names
    /// end in `suffix`: the empty suffix for generation 0 and for replays, `ProjectionGenerations`
    /// gives the others.
    init(store: ProjectionStore, suffix: String = "") throws {
        frameworksDB = try store.database(named: "par-frameworks" + suffix)
        cyclesDB = try store.database(named: "par-cycles" + suffix)
        unitsDB = try store.database(named: "par-units" + suffix)
        scoresDB = try store.database(named: "par-scores" + suffix)
        evidenceDB = try store.database(named: "par-evidence" + suffix)
        historyDB = try store.database(named: "par-score-history" + suffix)
        cycleVersionsDB = try store.database(named: "par-cycle-versions" + suffix)
        explanationsDB = try Self.later(store, "par-explanations" + suffix)
        objectionsDB = try Self.later(store, "par-objections" + suffix)
    }

    /// A database added after the first ledgers were made: nil when a read-only store lacks it.
    private static func later(_ store: ProjectionStore, _ name: String) throws -> ProjectionDatabase? {
        do {
            return try store.database(named: name)
        } catch let LedgerError.storage(_, failure) where failure.kind == .notFound && store.isReadOnly {
            return nil
        }
    }

    /// The databases present, each with its name from `databaseNames`, in that order.
    var namedDatabases: [(name: String, database: ProjectionDatabase)] {
        let all: [ProjectionDatabase?] = [
            frameworksDB, cyclesDB, unitsDB, scoresDB, evidenceDB, historyDB, cycleVersionsDB, explanationsDB,
            objectionsDB,
        ]
        return zip(Self.databaseNames, all).compactMap { name, database in database.map { (name, $0) } }
    }

    /// The databases present, in the order of `databaseNames`.
    var databases: [ProjectionDatabase] { namedDatabases.map(\.database) }

    func forgetCachedFrameworks() {
        cacheLock.lock()
        frameworkCache = [:]
        cacheLock.unlock()
    }

    // MARK: Reading state

    func framework(_ id: String, in txn: ProjectionReader) throws -> Framework? {
        cacheLock.lock()
        let cached = frameworkCache[id]
        cacheLock.unlock()
        if let cached { return cached }
        guard let bytes = try txn.value(for: Array(id.utf8), in: frameworksDB) else { return nil }
        let framework = try Framework(json: try JSONParser.parse(bytes))
        cacheLock.lock()
        frameworkCache[id] = framework
        cacheLock.unlock()
        return framework
    }

    func cycle(_ id: String, in txn: ProjectionReader) throws -> CycleRecord? {
        let key = Array(id.utf8)
        let version = try txn.value(for: key, in: cycleVersionsDB)
        cacheLock.lock()
        let cached = cycleCache[id]
        cacheLock.unlock()
        if let cached, let version, cached.version == version { return cached.record }
        guard let bytes = try txn.value(for: key, in: cyclesDB) else { return nil }
        let record = try StateCoding.decodeCycle(bytes)
        if let version {
            cacheLock.lock()
            cycleCache[id] = (version, record)
            cacheLock.unlock()
        }
        return record
    }

    func unitRecord(_ cycle: String, _ unit: String, in txn: ProjectionReader) throws -> UnitRecord? {
        try txn.value(for: Self.key(cycle, unit), in: unitsDB).map(StateCoding.decodeUnit)
    }

    func score(_ cycle: String, _ unit: String, _ criterion: String, in txn: ProjectionReader) throws -> CriterionScore
    {
        try txn.value(for: Self.key(cycle, unit, criterion), in: scoresDB).map(StateCoding.decodeScore)
            ?? CriterionScore()
    }

    /// Every criterion score of a unit, by criterion code.
    func scores(_ cycle: String, _ unit: String, in txn: ProjectionReader) throws -> [String: CriterionScore] {
        let prefix = Self.key(cycle, unit) + [0]
        var found: [String: CriterionScore] = [:]
        try txn.forEach(in: scoresDB, withPrefix: prefix) { current in
            let code = String(decoding: current.key.dropFirst(prefix.count), as: UTF8.self)
            found[code] = try StateCoding.decodeScore(current.value)
            return true
        }
        return found
    }

    /// The document added with hash `sha256`, if any.
    func evidence(_ sha256: String, in txn: ProjectionReader) throws -> PAREvents.EvidenceAdded? {
        try txn.value(for: Array(sha256.utf8), in: evidenceDB).map(StateCoding.decodeEvidence)
    }

    /// A unit's explanation request `request`, if it was made.
    func explanation(_ cycle: String, _ unit: String, _ request: String, in txn: ProjectionReader) throws
        -> ExplanationRecord?
    {
        guard let explanationsDB else { return nil }
        return try txn.value(for: Self.key(cycle, unit, request), in: explanationsDB).map(
            StateCoding.decodeExplanation)
    }

    /// Every explanation request made of a unit, in the order they were made.
    func explanations(_ cycle: String, _ unit: String, in txn: ProjectionReader) throws -> [ExplanationRecord] {
        guard let explanationsDB else { return [] }
        var found: [ExplanationRecord] = []
        try txn.forEach(in: explanationsDB, withPrefix: Self.key(cycle, unit) + [0]) { current in
            found.append(try StateCoding.decodeExplanation(current.value))
            return true
        }
        return found.sorted { $0.askedSequence < $1.askedSequence }
    }

    /// The objection `objection` of a cycle, if it was filed.
    func objection(_ cycle: String, _ objection: String, in txn: ProjectionReader) throws -> ObjectionRecord? {
        guard let objectionsDB else { return nil }
        return try txn.value(for: Self.key(cycle, objection), in: objectionsDB).map(StateCoding.decodeObjection)
    }

    /// Every objection filed in a cycle, in the order they were filed.
    func objections(_ cycle: String, in txn: ProjectionReader) throws -> [ObjectionRecord] {
        guard let objectionsDB else { return [] }
        var found: [ObjectionRecord] = []
        try txn.forEach(in: objectionsDB, withPrefix: Array(cycle.utf8) + [0]) { current in
            found.append(try StateCoding.decodeObjection(current.value))
            return true
        }
        return found.sorted { $0.filedSequence < $1.filedSequence }
    }

    /// Every entry of `database` in key order, decoded by `decode`.
    private func all<T>(
        _ database: ProjectionDatabase, in txn: ProjectionReader, _ decode: ([UInt8], [UInt8]) throws -> T
    ) throws
        -> [T]
    {
        var found: [T] = []
        try txn.forEach(in: database) { current in
            found.append(try decode(current.key, current.value))
            return true
        }
        return found
    }

    /// Every registered framework's canonical JSON with its id, in id order.
    func allFrameworkJSON(in txn: ProjectionReader) throws -> [(id: String, json: [UInt8])] {
        try all(frameworksDB, in: txn) { (String(decoding: $0, as: UTF8.self), $1) }
    }

    /// Every cycle, in id order.
    func allCycles(in txn: ProjectionReader) throws -> [CycleRecord] {
        try all(cyclesDB, in: txn) { try StateCoding.decodeCycle($1) }
    }

    /// Every document added, in hash order.
    func allEvidence(in txn: ProjectionReader) throws -> [PAREvents.EvidenceAdded] {
        try all(evidenceDB, in: txn) { try StateCoding.decodeEvidence($1) }
    }

    /// Every score a criterion has had, with the sequence number of the event that set it, in order.
    func history(_ cycle: String, _ unit: String, _ criterion: String, in txn: ProjectionReader) throws -> [(
        sequence: UInt64, score: CriterionScore
    )] {
        let prefix = Self.key(cycle, unit, criterion) + [0]
        var found: [(UInt64, CriterionScore)] = []
        try txn.forEach(in: historyDB, withPrefix: prefix) { current in
            guard current.key.count == prefix.count + 8 else { return false }
            let sequence = current.key.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            found.append((sequence, try StateCoding.decodeScore(current.value)))
            return true
        }
        return found
    }

    package static func key(_ parts: String...) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(parts.reduce(parts.count) { $0 + $1.utf8.count })
        for (index, part) in parts.enumerated() {
            if index > 0 { key.append(0) }
            key.append(contentsOf: part.utf8)
        }
        return key
    }

    // MARK: Writing state

    /// Writes the records `changes` names, as `state` holds them after `event`; a score is also kept
    /// in its history under the event that set it.
    func write(_ changes: [StateChange], of state: ProvinceState, after event: RecordedEvent, _ txn: ProjectionWriter)
        throws
    {
        for change in changes {
            switch change {
            case .framework(let id):
                guard let framework = state.frameworks[id] else { continue }
                try txn.put(CanonicalJSON.encode(framework.json), for: Array(id.utf8), in: frameworksDB)
            case .evidence(let sha256):
                guard let payload = state.evidence[sha256] else { continue }
                try txn.put(payload, for: Array(sha256.utf8), in: evidenceDB)
            case .cycle(let id):
                guard let cycle = state.cycles[id] else { continue }
                let key = Array(id.utf8)
                try txn.put(StateCoding.encode(cycle.record), for: key, in: cyclesDB)
                try txn.put(bigEndianBytes(cycle.version), for: key, in: cycleVersionsDB)
            case .unit(let cycle, let unit):
                guard let record = state.unitRecord(cycle, unit) else { continue }
                try txn.put(StateCoding.encode(record), for: Self.key(cycle, unit), in: unitsDB)
            case .score(let cycle, let unit, let criterion):
                let key = Self.key(cycle, unit, criterion)
                let stored = StateCoding.encode(state.score(cycle, unit, criterion))
                try txn.put(stored, for: key, in: scoresDB)
                try txn.put(stored, for: key + [0] + bigEndianBytes(event.sequence), in: historyDB)
            case .explanation(let cycle, let unit, let request):
                guard let record = state.explanation(cycle, unit, request) else { continue }
                guard let explanationsDB else {
                    throw LedgerError.storage(operation: "writing an explanation request", error: .readOnlyFileSystem)
                }
                try txn.put(StateCoding.encode(record), for: Self.key(cycle, unit, request), in: explanationsDB)
            case .objection(let cycle, let objection):
                guard let record = state.objection(cycle, objection) else { continue }
                guard let objectionsDB else {
                    throw LedgerError.storage(operation: "writing an objection", error: .readOnlyFileSystem)
                }
                try txn.put(StateCoding.encode(record), for: Self.key(cycle, objection), in: objectionsDB)
            }
        }
    }

    /// The state these projections hold, read back whole: what a process that has none in memory
    /// starts from. `sequence` and `hash` name the last event the projections include.
    func loadState(sequence: UInt64, hash: EventHash, in txn: ProjectionReader) throws -> ProvinceState {
        var state = ProvinceState()
        for (id, json) in try allFrameworkJSON(in: txn) {
            state.frameworks[id] = try Framework(json: try JSONParser.parse(json))
        }
        try txn.forEach(in: evidenceDB) { entry in
            state.evidence[String(decoding: entry.key, as: UTF8.self)] = entry.value
            return true
        }
        try txn.forEach(in: cyclesDB) { entry in
            let record = try StateCoding.decodeCycle(entry.value)
            let version = try txn.value(for: entry.key, in: cycleVersionsDB).map { bytes in
                bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            }
            state.cycles[record.opened.cycle] = ProvinceState.CycleState(
                record: record, version: version ?? record.openedAt)
            return true
        }
        func parts(_ key: [UInt8]) -> [String] {
            key.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
        try txn.forEach(in: unitsDB) { entry in
            let key = parts(entry.key)
            guard key.count == 2 else { return true }
            state.cycles[key[0]]?.units[key[1]] = ProvinceState.UnitState(
                record: try StateCoding.decodeUnit(entry.value))
            return true
        }
        try txn.forEach(in: scoresDB) { entry in
            let key = parts(entry.key)
            guard key.count == 3 else { return true }
            state.cycles[key[0]]?.units[key[1]]?.scores[key[2]] = try StateCoding.decodeScore(entry.value)
            return true
        }
        if let explanationsDB {
            try txn.forEach(in: explanationsDB) { entry in
                let record = try StateCoding.decodeExplanation(entry.value)
                let key = parts(entry.key)
                guard key.count == 3 else { return true }
                state.cycles[key[0]]?.units[key[1]]?.explanations[record.request] = record
                return true
            }
        }
        if let objectionsDB {
            try txn.forEach(in: objectionsDB) { entry in
                let record = try StateCoding.decodeObjection(entry.value)
                state.cycles[String(decoding: entry.key.prefix { $0 != 0 }, as: UTF8.self)]?.objections[
                    record.objection] = record
                return true
            }
        }
        state.sequence = sequence
        state.lastHash = hash
        return state
    }
}
