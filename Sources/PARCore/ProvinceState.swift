import Foundation
public import Ledger
public import LedgerFormat

/// The whole scoring state of a province after some event, as a value: frameworks, documents, and
/// every cycle with its units, scores, council, draw, publication, explanation requests and
/// objections. No database and no file stands behind it; `evolve` carries every rule of the cycle,
/// so the append path, a rebuild, a view of the past, the bundle verifier and the monitor all judge
/// events with the same code, and a test can judge them with no ledger at all.
///
/// Copies are cheap until one of them changes (copy on write, part by part): a caller keeps the
/// state it began from, evolves a copy, and goes back to the first when an event is refused.
public struct ProvinceState: Sendable {
    /// Registered frameworks by content id.
    public package(set) var frameworks: [String: Framework] = [:]
    /// Added documents by SHA-256: the `EvidenceAdded` payload as recorded (canonical JSON).
    public package(set) var evidence = DocumentIndex()
    /// Every opened cycle by id.
    public package(set) var cycles: [String: CycleState] = [:]
    /// Who held which role from which event to which, from the actor events.
    public package(set) var roles = RoleHistory()
    /// The units across reorganisations, from the `UnitsReorganised` events.
    public package(set) var map = UnitMap()
    /// The sequence number of the last event folded in (0 before the first).
    public package(set) var sequence: UInt64 = 0
    /// The hash of that event; the zero hash before the first.
    public package(set) var lastHash = EventHash.genesis

    /// The state before any event.
    public init() {}

    /// One cycle: its record (units, frameworks, council, draw, publication), each unit's state, and
    /// the objections to its results.
    public struct CycleState: Sendable {
        public package(set) var record: CycleRecord
        /// The sequence number of the event that last changed `record`.
        public package(set) var version: UInt64
        public package(set) var units: [String: UnitState] = [:]
        public package(set) var objections: [String: ObjectionRecord] = [:]
        /// The sequence number of the last event that changed anything of this cycle: a snapshot
        /// writes a cycle again only when this moved.
        public package(set) var changedAt: UInt64 = 0

        package init(
            record: CycleRecord, version: UInt64, units: [String: UnitState] = [:],
            objections: [String: ObjectionRecord] = [:], changedAt: UInt64 = 0
        ) {
            (self.record, self.version, self.units) = (record, version, units)
            (self.objections, self.changedAt) = (objections, changedAt)
        }
    }

    /// One unit in one cycle: its stage, its criteria's marks and the explanations asked of it.
    public struct UnitState: Sendable {
        public package(set) var record = UnitRecord()
        public package(set) var scores: [String: CriterionScore] = [:]
        public package(set) var explanations: [String: ExplanationRecord] = [:]

        package init(
            record: UnitRecord = UnitRecord(), scores: [String: CriterionScore] = [:],
            explanations: [String: ExplanationRecord] = [:]
        ) {
            (self.record, self.scores, self.explanations) = (record, scores, explanations)
        }
    }

    /// Folds `event` in when every rule of the cycle holds against the state before it (FORMAT.md,
    /// Rules of the cycle), and says which records it changed, for storage to write. `payload`, when
    /// given, is the event's payload already parsed.
    ///
    /// - Throws: `RuleViolation` naming the rule the event breaks. The state may then hold part of
    ///   the event: keep the state you began from and go back to it.
    @discardableResult
    public mutating func evolve(_ event: RecordedEvent, payload: JSONValue? = nil) throws -> [StateChange] {
        var undo = UndoLog()
        return try evolve(event, payload: payload, undo: &undo)
    }

    /// `evolve`, noting in `undo` what each change replaced, so that `undo(_:)` can take back every
    /// event folded since the log was empty, the one refused included: a caller that owns the only
    /// copy of a large state changes it in place and goes back without copying it.
    package mutating func evolve(_ event: RecordedEvent, payload: JSONValue?, undo: inout UndoLog) throws
        -> [StateChange]
    {
        var rules = CycleRules(state: ProvinceState(), parsedPayload: payload)
        rules.undo.append(.head(sequence, lastHash))
        swap(&rules.state, &self)
        defer {
            swap(&rules.state, &self)
            undo.entries += rules.undo
        }
        try rules.apply(event)
        for change in rules.changes {
            if let cycle = change.cycle, let changedAt = rules.state.cycles[cycle]?.changedAt {
                rules.undo.append(.changedAt(cycle, changedAt))
                rules.state.cycles[cycle]?.changedAt = event.sequence
            }
        }
        rules.state.sequence = event.sequence
        rules.state.lastHash = event.hash
        return rules.changes
    }

    /// What changes replaced, newest last (`evolve(_:payload:undo:)`).
    package struct UndoLog {
        fileprivate(set) var entries: [Undo] = []
        package var isEmpty: Bool { entries.isEmpty }

        package init() {}
    }

    /// One change taken back: the value it replaced, nil when there was none.
    package enum Undo {
        case head(UInt64, EventHash)
        case framework(String, Framework?)
        case evidence(String, [UInt8]?)
        case cycleRecord(String, (record: CycleRecord, version: UInt64)?)
        case changedAt(String, UInt64)
        case unit(String, String, UnitRecord?)
        case score(String, String, String, CriterionScore?)
        case explanation(String, String, String, ExplanationRecord?)
        case objection(String, String, ObjectionRecord?)
        case roles(String, [RoleHistory.Span]?)
        case map(UnitMap)
    }

    /// Takes back every change `log` noted, newest first, and empties it.
    package mutating func undo(_ log: inout UndoLog) {
        for entry in log.entries.reversed() {
            switch entry {
            case .head(let sequence, let hash):
                self.sequence = sequence
                lastHash = hash
            case .framework(let id, let old): frameworks[id] = old
            case .evidence(let sha256, let old): evidence[sha256] = old
            case .cycleRecord(let id, let old):
                if let old {
                    cycles[id]?.record = old.record
                    cycles[id]?.version = old.version
                } else {
                    cycles[id] = nil
                }
            case .changedAt(let id, let old): cycles[id]?.changedAt = old
            case .unit(let cycle, let unit, let old):
                if let old { cycles[cycle]?.units[unit]?.record = old } else { cycles[cycle]?.units[unit] = nil }
            case .score(let cycle, let unit, let criterion, let old):
                cycles[cycle]?.units[unit]?.scores[criterion] = old
            case .explanation(let cycle, let unit, let request, let old):
                cycles[cycle]?.units[unit]?.explanations[request] = old
            case .objection(let cycle, let objection, let old): cycles[cycle]?.objections[objection] = old
            case .roles(let actor, let old): roles.spans[actor] = old
            case .map(let old): map = old
            }
        }
        log.entries.removeAll()
    }

    /// The state after `events`, folded in one after the other from this one.
    /// - Throws: the first `RuleViolation`, naming its event.
    public func evolving(_ events: some Sequence<RecordedEvent>) throws -> ProvinceState {
        var next = self
        for event in events {
            do {
                try next.evolve(event)
            } catch let violation as RuleViolation {
                throw RuleViolation(
                    "event \(event.sequence): \(violation.reason)",
                    vi: "Sự kiện số \(event.sequence): \(violation.vietnamese)", kind: violation.kind,
                    actors: violation.actors)
            }
        }
        return next
    }

    /// Decides whether `events`, recorded next in this order, break a rule: the events when none
    /// does, else the violation of the first that does. Nothing changes here either way.
    public func decide(_ events: [RecordedEvent]) -> Result<[RecordedEvent], RuleViolation> {
        var trial = self
        for event in events {
            do {
                try trial.evolve(event)
            } catch let violation as RuleViolation {
                return .failure(violation)
            } catch {
                return .failure(
                    RuleViolation(
                        "\(error)",
                        vi: (error as? any KindedError)?.vietnamese
                            ?? "Lỗi không lường trước khi xét sự kiện; hãy báo quản trị viên."))
            }
        }
        return .success(events)
    }

    // MARK: Reading

    public func framework(_ id: String) -> Framework? { frameworks[id] }

    public func cycle(_ id: String) -> CycleRecord? { cycles[id]?.record }

    package func unitRecord(_ cycle: String, _ unit: String) -> UnitRecord? { cycles[cycle]?.units[unit]?.record }

    package func score(_ cycle: String, _ unit: String, _ criterion: String) -> CriterionScore {
        cycles[cycle]?.units[unit]?.scores[criterion] ?? CriterionScore()
    }

    /// Every criterion score of a unit, by criterion code.
    package func scores(_ cycle: String, _ unit: String) -> [String: CriterionScore] {
        cycles[cycle]?.units[unit]?.scores ?? [:]
    }

    /// The document added with hash `sha256`, if any.
    package func evidence(_ sha256: String) -> PAREvents.EvidenceAdded? {
        evidence[sha256].flatMap { try? StateCoding.decodeEvidence($0) }
    }

    package func explanation(_ cycle: String, _ unit: String, _ request: String) -> ExplanationRecord? {
        cycles[cycle]?.units[unit]?.explanations[request]
    }

    /// Every explanation request made of a unit, in the order they were made.
    package func explanations(_ cycle: String, _ unit: String) -> [ExplanationRecord] {
        (cycles[cycle]?.units[unit]?.explanations.values).map { $0.sorted { $0.askedSequence < $1.askedSequence } }
            ?? []
    }

    package func objection(_ cycle: String, _ objection: String) -> ObjectionRecord? {
        cycles[cycle]?.objections[objection]
    }

    /// Every objection filed in a cycle, in the order they were filed.
    package func objections(_ cycle: String) -> [ObjectionRecord] {
        (cycles[cycle]?.objections.values).map { $0.sorted { $0.filedSequence < $1.filedSequence } } ?? []
    }

    /// The results of `cycle` as this state gives them.
    package func results(of cycle: CycleRecord) throws -> CycleResults {
        try CycleResults.compute(
            cycle: cycle, framework: { frameworks[$0] }, unitRecord: { unitRecord(cycle.opened.cycle, $0) },
            scoresOf: { scores(cycle.opened.cycle, $0) })
    }

    /// How many criterion scores the state holds: its size grows with cycles × units × criteria,
    /// not with the number of events.
    public var scoreCount: Int {
        cycles.values.reduce(0) { total, cycle in total + cycle.units.values.reduce(0) { $0 + $1.scores.count } }
    }
}

/// The documents of a state by SHA-256, in 256 buckets by the key's first bytes: the largest part of
/// the state, so that a copy of the state that adds a document copies one bucket, not all of them.
public struct DocumentIndex: Sendable {
    private var buckets = [[String: [UInt8]]](repeating: [:], count: 256)
    /// How many documents there are.
    public private(set) var count = 0

    private static func bucket(_ key: String) -> Int {
        var utf8 = key.utf8.makeIterator()
        let first = Int(utf8.next() ?? 0)
        return (first &* 31 &+ Int(utf8.next() ?? 0)) & 255
    }

    public subscript(sha256: String) -> [UInt8]? {
        get { buckets[Self.bucket(sha256)][sha256] }
        set {
            let bucket = Self.bucket(sha256)
            let old =
                if let newValue { buckets[bucket].updateValue(newValue, forKey: sha256) } else {
                    buckets[bucket].removeValue(forKey: sha256)
                }
            count += (newValue == nil ? 0 : 1) - (old == nil ? 0 : 1)
        }
    }

    /// Every document's SHA-256, in no particular order.
    public var keys: [String] { buckets.flatMap(\.keys) }

    /// Every document, in no particular order.
    public var entries: [(sha256: String, payload: [UInt8])] { buckets.flatMap { $0.map { ($0.key, $0.value) } } }
}

/// A record an event changed, named by its key: what storage writes after the event.
public enum StateChange: Sendable, Hashable {
    case framework(String)
    case evidence(String)
    case cycle(String)
    case unit(cycle: String, unit: String)
    case score(cycle: String, unit: String, criterion: String)
    case explanation(cycle: String, unit: String, request: String)
    case objection(cycle: String, objection: String)

    /// The cycle the changed record belongs to, if any.
    package var cycle: String? {
        switch self {
        case .framework, .evidence: nil
        case .cycle(let cycle): cycle
        case .unit(let cycle, _), .score(let cycle, _, _), .explanation(let cycle, _, _), .objection(let cycle, _):
            cycle
        }
    }
}

extension ProvinceState: ProjectionReading {
    public func unitMap() -> UnitMap { map }

    public func results(cycle cycleID: String) throws -> CycleResults {
        guard let cycle = cycle(cycleID.nfc) else {
            throw RuleViolation.notFound(
                "no cycle '\(cycleID)' as of event \(sequence)",
                vi: "Không có kỳ đánh giá '\(cycleID)' tại sự kiện số \(sequence).")
        }
        return try results(of: cycle)
    }

    public func scores(cycle cycleID: String, unit unitID: String) throws -> [(Criterion, CriterionScore)] {
        guard let cycle = cycle(cycleID.nfc) else {
            throw RuleViolation.notFound("no cycle '\(cycleID)'", vi: "Không có kỳ đánh giá '\(cycleID)'.")
        }
        guard let unit = cycle.unit(unitID.nfc), let frameworkID = cycle.frameworkID(for: unit.kind),
            let framework = frameworks[frameworkID]
        else {
            throw RuleViolation.notFound(
                "unit '\(unitID)' is not part of cycle '\(cycleID)'",
                vi: "Đơn vị '\(unitID)' không thuộc kỳ đánh giá \(cycleName(cycleID)).")
        }
        let scores = scores(cycleID.nfc, unitID.nfc)
        return framework.leaves.map { ($0, scores[$0.code] ?? CriterionScore()) }
    }

    public func unitRecord(cycle: String, unit: String) throws -> UnitRecord? { unitRecord(cycle.nfc, unit.nfc) }

    public func explanations(cycle: String, unit: String) throws -> [ExplanationRecord] {
        explanations(cycle.nfc, unit.nfc)
    }

    public func objections(cycle: String) throws -> [ObjectionRecord] { objections(cycle.nfc) }
}
