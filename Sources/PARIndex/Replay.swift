import Foundation
public import Ledger

/// The projections as they stood after a given event, computed from the events into a scratch store
/// (`ProjectionStore.scratch(in:)`) that is removed with the snapshot; the live projections are never touched.
public final class ProjectionSnapshot: @unchecked Sendable {
    /// The last event applied.
    public let sequence: UInt64
    let store: ProjectionStore
    let projector: ScoringProjector
    private let directory: String

    init(sequence: UInt64, store: ProjectionStore, projector: ScoringProjector, directory: String) {
        self.sequence = sequence
        self.store = store
        self.projector = projector
        self.directory = directory
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    public func cycle(_ id: String) throws -> CycleRecord? {
        try store.read { try projector.cycle(id.nfc, in: $0) }
    }

    public func results(cycle cycleID: String) throws -> CycleResults {
        try store.read { txn in
            guard let cycle = try projector.cycle(cycleID.nfc, in: txn) else {
                throw RuleViolation.notFound("no cycle '\(cycleID)' as of event \(sequence)")
            }
            return try CycleResults.compute(cycle: cycle, projector: projector, txn: txn)
        }
    }

    public func scores(cycle cycleID: String, unit unitID: String) throws -> [(Criterion, CriterionScore)] {
        try store.read { txn in
            try ScoringLedger.scores(cycle: cycleID, unit: unitID, projector: projector, txn: txn)
        }
    }

    public func unitRecord(cycle: String, unit: String) throws -> UnitRecord? {
        try store.read { try projector.unitRecord(cycle.nfc, unit.nfc, in: $0) }
    }

    /// A unit's explanation requests, in the order they were made.
    public func explanations(cycle: String, unit: String) throws -> [ExplanationRecord] {
        try store.read { try projector.explanations(cycle.nfc, unit.nfc, in: $0) }
    }

    /// A cycle's objections, in the order they were filed.
    public func objections(cycle: String) throws -> [ObjectionRecord] {
        try store.read { try projector.objections(cycle.nfc, in: $0) }
    }
}

/// One event in the history of a score or of a unit's total.
public struct TraceEntry: Sendable {
    public let event: RecordedEvent
    /// The criterion the event is about, when it names one.
    public var criterion: String? { (try? event.payloadValue)?["criterion"]?.stringValue }
    /// What the event did, in words (self-score, appraisal, spot-check, survey, correction, …).
    public let stage: String
    public let before: String
    public let after: String
    public let reason: String?
    public let evidence: [EvidenceCitation]
}

extension ScoringLedger {
    /// The projections as of event `sequence` (the whole ledger when nil), replayed from the events.
    public func snapshot(through sequence: UInt64? = nil) throws -> ProjectionSnapshot {
        try replay(through: sequence) { _, _, _ in }
    }

    /// The sequence number of the last event recorded at or before `time`.
    public func lastSequence(atOrBefore time: Timestamp) throws -> UInt64 {
        var last: UInt64 = 0
        try ledger.forEachEvent { event in
            guard event.recordedAt <= time else { return false }
            last = event.sequence
            return true
        }
        return last
    }

    /// Every event that changed one criterion of a unit (or, without a criterion, the unit's points
    /// or applicable maximum), with the value before and after, up to event `sequence`.
    ///
    /// One criterion's history is read from the `par-score-history` projection (a few reads, however
    /// long the ledger); a unit's total is recomputed by replaying the ledger.
    public func trace(
        cycle cycleID: String, unit unitID: String, criterion code: String?, through sequence: UInt64? = nil
    ) throws -> [TraceEntry] {
        let cycle = cycleID.nfc
        let unit = unitID.nfc
        if let code {
            return try criterionTrace(cycle: cycle, unit: unit, criterion: code.nfc, through: sequence ?? .max)
        }
        let stream = PAREvents.unitStream(cycle, unit)
        var entries: [TraceEntry] = []
        var before: (value: String, score: CriterionScore?)?
        _ = try replay(through: sequence) { event, projector, txn in
            if event.stream != stream { return }
            let after = try Self.traceValue(cycle: cycle, unit: unit, criterion: code, projector: projector, txn: txn)
            let previous = before ?? ("-", nil)
            before = after
            guard after.value != previous.value || after.score != previous.score else { return }
            let (stage, mark) = Self.describe(event, after.score, code)
            entries.append(
                TraceEntry(
                    event: event, stage: stage, before: previous.value, after: after.value,
                    reason: mark?.reason, evidence: mark?.evidence ?? []))
        } before: { event, projector, txn in
            if event.stream == stream && before == nil {
                before = try Self.traceValue(cycle: cycle, unit: unit, criterion: code, projector: projector, txn: txn)
            }
        }
        return entries
    }

    private func criterionTrace(cycle: String, unit: String, criterion code: String, through last: UInt64) throws
        -> [TraceEntry]
    {
        let (leaf, history) = try read { txn, projector -> (Criterion?, [(sequence: UInt64, score: CriterionScore)]) in
            guard let record = try projector.cycle(cycle, in: txn), let member = record.unit(unit),
                let frameworkID = record.frameworkID(for: member.kind),
                let framework = try projector.framework(frameworkID, in: txn)
            else { return (nil, []) }
            guard let leaf = framework.criteriaByCode[code] else {
                throw RuleViolation("unknown criterion '\(code)' for \(unit)")
            }
            let history = try projector.history(cycle, unit, code, in: txn)
            if try history.isEmpty && projector.score(cycle, unit, code, in: txn) != CriterionScore() {
                throw RuleViolation(
                    "this ledger's projections have no score history yet; rebuild the projections once",
                    kind: .integrity)
            }
            return (leaf, history)
        }
        guard let leaf else { return [] }
        var before = "-"
        var entries: [TraceEntry] = []
        for (sequence, score) in history where sequence <= last {
            guard let event = try ledger.event(at: sequence) else {
                throw RuleViolation(
                    "the score history names event \(sequence), which the ledger does not hold; verify the ledger",
                    kind: .integrity)
            }
            let after =
                score.notApplicable != nil && score.correction == nil
                ? "n/a" : score.effective(method: leaf.method ?? .assessed)?.points ?? "-"
            let (stage, mark) = Self.describe(event, score, code)
            entries.append(
                TraceEntry(
                    event: event, stage: stage, before: before, after: after, reason: mark?.reason,
                    evidence: mark?.evidence ?? []))
            before = after
        }
        return entries
    }

    private static func traceValue(
        cycle: String, unit: String, criterion: String?, projector: ScoringProjector, txn: ProjectionReader
    ) throws -> (value: String, score: CriterionScore?) {
        guard let record = try projector.cycle(cycle, in: txn), let member = record.unit(unit),
            let frameworkID = record.frameworkID(for: member.kind),
            let framework = try projector.framework(frameworkID, in: txn)
        else { return ("-", nil) }
        if let criterion {
            guard let leaf = framework.criteriaByCode[criterion] else {
                throw RuleViolation("unknown criterion '\(criterion)' for \(unit)")
            }
            let score = try projector.score(cycle, unit, criterion, in: txn)
            if score.notApplicable != nil && score.correction == nil { return ("n/a", score) }
            return (score.effective(method: leaf.method ?? .assessed)?.points ?? "-", score)
        }
        let result = try CycleResults.compute(cycle: record, projector: projector, txn: txn).units.first {
            $0.unit.id == unit
        }
        guard let result else { return ("-", nil) }
        return ("\(result.points)/\(result.maxPoints) (\(result.indexText)%)", nil)
    }

    private static func describe(_ event: RecordedEvent, _ score: CriterionScore?, _ criterion: String?) -> (
        String, Mark?
    ) {
        switch event.type {
        case PARPayload.SelfScoreRecorded.type: ("self-score", score?.selfScore)
        case PARPayload.NotApplicableMarked.type: ("not applicable", score?.notApplicable)
        case PARPayload.NotApplicableRejected.type: ("not-applicable claim rejected", score?.notApplicableRejected)
        case PARPayload.SelfAssessmentSubmitted.type: ("submission", nil)
        case PARPayload.AppraisalScoreRecorded.type: ("appraisal", score?.appraised)
        case PARPayload.AppraisalConcluded.type: ("appraisal sealed", score?.appraised)
        case PARPayload.SpotCheckScoreRecorded.type: ("spot-check", score?.spotCheck)
        case PARPayload.SurveyScoresImported.type: ("survey", score?.survey)
        case PARPayload.CorrectionRecorded.type: ("correction", score?.correction)
        default: (event.type, nil)
        }
    }

    /// Replays events 1 … `sequence` into a scratch store, calling `before` and `after` around
    /// each event inside the replay's write transaction.
    func replay(
        through sequence: UInt64?,
        after: (RecordedEvent, ScoringProjector, ProjectionWriter) throws -> Void,
        before: (RecordedEvent, ScoringProjector, ProjectionWriter) throws -> Void = { _, _, _ in }
    ) throws -> ProjectionSnapshot {
        let last = min(sequence ?? .max, try ledger.head().count)
        return try Self.replay(
            count: last,
            events: { start, limit in
                try ledger.projections.read { reader in
                    var found: [RecordedEvent] = []
                    try ledger.forEachEvent(from: start, in: reader) { event in
                        found.append(event)
                        return found.count < limit
                    }
                    // The ledger's pages read for this batch are let go: a replay's memory stays flat.
                    reader.releaseMappedPages()
                    return found
                }
            }, after: after, before: before)
    }

    /// Replays `count` events, read in batches from `events(start, limit)`, into a scratch store.
    static func replay(
        count last: UInt64,
        events: (UInt64, Int) throws -> [RecordedEvent],
        after: (RecordedEvent, ScoringProjector, ProjectionWriter) throws -> Void,
        before: (RecordedEvent, ScoringProjector, ProjectionWriter) throws -> Void = { _, _, _ in }
    ) throws -> ProjectionSnapshot {
        let directory = try ScratchDirectory.make()
        do {
            let store = try ProjectionStore.scratch(in: directory)
            let scratch = try ScoringProjector(store: store)
            var next: UInt64 = 1
            while next <= last {
                let batch = try events(next, Int(min(5_000, last - next + 1)))
                if batch.isEmpty { break }
                try store.write { txn in
                    for event in batch {
                        try before(event, scratch, txn)
                        try scratch.apply(event, in: txn)
                        try after(event, scratch, txn)
                    }
                }
                next += UInt64(batch.count)
            }
            return ProjectionSnapshot(
                sequence: last, store: store, projector: scratch, directory: directory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }
}

/// Projections folded from events that arrive in order, into a scratch store removed with
/// it: how a bundle verifier re-checks every rule of the cycle without a ledger.
final class ScratchProjection {
    /// The scratch directory, removed with the projection; a verifier may keep files of its own there.
    let directory: String
    let store: ProjectionStore
    let projector: ScoringProjector

    init() throws {
        directory = try ScratchDirectory.make()
        do {
            store = try ProjectionStore.scratch(in: directory)
            projector = try ScoringProjector(store: store)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// An event that breaks a rule of the cycle.
    struct Broken: Error {
        let sequence: UInt64
        let reason: String
    }

    /// Applies `events` in one write transaction, every rule checked against the state before each;
    /// an event's payload, when given, is the one already parsed from it.
    /// - Throws: `Broken` naming the first event that breaks a rule.
    func apply(_ events: [(event: RecordedEvent, payload: JSONValue?)]) throws {
        guard !events.isEmpty else { return }
        try store.write { txn in
            for (event, payload) in events {
                do {
                    try projector.apply(event, parsedPayload: payload, in: txn)
                } catch let violation as RuleViolation {
                    throw Broken(sequence: event.sequence, reason: violation.reason)
                }
            }
        }
    }

    /// Every registered framework's canonical JSON, by id.
    func frameworkFiles() throws -> [String: [UInt8]] {
        Dictionary(
            uniqueKeysWithValues: try store.read { try projector.allFrameworkJSON(in: $0) }.map {
                ($0.id, $0.json)
            })
    }

    /// Calls `body` with every document added, in sha256 order, one at a time.
    func forEachEvidence(_ body: (PARPayload.EvidenceAdded) throws -> Void) throws {
        try store.read { txn in
            try txn.forEach(in: projector.evidenceDB) { entry in
                try body(try StateCoding.decodeEvidence(entry.value))
                return true
            }
        }
    }

    /// Every published cycle's attested results hash, by cycle.
    func publications() throws -> [String: String] {
        let cycles = try store.read { try projector.allCycles(in: $0) }
        return Dictionary(
            uniqueKeysWithValues: cycles.compactMap { cycle in
                cycle.publication.map { (cycle.opened.cycle, $0.resultsHash) }
            })
    }
}

/// What the read commands need, from the live projections or from a replayed snapshot.
public protocol ProjectionReading {
    func cycle(_ id: String) throws -> CycleRecord?
    func results(cycle: String) throws -> CycleResults
    func scores(cycle: String, unit: String) throws -> [(Criterion, CriterionScore)]
    func unitRecord(cycle: String, unit: String) throws -> UnitRecord?
    func explanations(cycle: String, unit: String) throws -> [ExplanationRecord]
    func objections(cycle: String) throws -> [ObjectionRecord]
}

extension ScoringLedger: ProjectionReading {}
extension ProjectionSnapshot: ProjectionReading {}
