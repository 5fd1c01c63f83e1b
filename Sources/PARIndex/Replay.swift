import Foundation
public import Ledger
public import LedgerFormat

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
    /// The sequence number of the last event recorded at or before `time` (0 when none was): a
    /// binary search, since the ledger never records an event earlier than the one before it.
    public func lastSequence(atOrBefore time: Timestamp) throws -> UInt64 {
        var (low, high) = (UInt64(0), try ledger.head().count)
        while low < high {
            let middle = low + (high - low + 1) / 2
            guard let event = try ledger.event(at: middle) else {
                throw LedgerError.corruptEvent(sequence: middle, reason: "the ledger does not hold this event")
            }
            if event.recordedAt <= time { low = middle } else { high = middle - 1 }
        }
        return low
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
        guard let opened = try self.cycle(cycle)?.openedAt else { return [] }
        let last = min(sequence ?? .max, try ledger.head().count)
        var state = try state(asOf: opened - 1)
        var entries: [TraceEntry] = []
        var before: (value: String, score: CriterionScore?)?
        try ledger.forEachEvent(from: state.sequence + 1) { event in
            guard event.sequence <= last else { return false }
            let ofUnit = event.stream == stream
            if ofUnit && before == nil {
                before = try Self.traceValue(cycle: cycle, unit: unit, criterion: code, state: state)
            }
            try state.evolve(event)
            guard ofUnit else { return true }
            let after = try Self.traceValue(cycle: cycle, unit: unit, criterion: code, state: state)
            let previous = before ?? ("-", nil)
            before = after
            guard after.value != previous.value || after.score != previous.score else { return true }
            let (stage, mark) = Self.describe(event, after.score, code)
            entries.append(
                TraceEntry(
                    event: event, stage: stage, before: previous.value, after: after.value,
                    reason: mark?.reason, evidence: mark?.evidence ?? []))
            return true
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

    private static func traceValue(cycle: String, unit: String, criterion: String?, state: ProvinceState) throws -> (
        value: String, score: CriterionScore?
    ) {
        guard let record = state.cycle(cycle), let member = record.unit(unit),
            let frameworkID = record.frameworkID(for: member.kind), let framework = state.framework(frameworkID)
        else { return ("-", nil) }
        if let criterion {
            guard let leaf = framework.criteriaByCode[criterion] else {
                throw RuleViolation("unknown criterion '\(criterion)' for \(unit)")
            }
            let score = state.score(cycle, unit, criterion)
            if score.notApplicable != nil && score.correction == nil { return ("n/a", score) }
            return (score.effective(method: leaf.method ?? .assessed)?.points ?? "-", score)
        }
        let result = try state.results(of: record).units.first {
            $0.unit.id == unit
        }
        guard let result else { return ("-", nil) }
        return ("\(result.points)/\(result.maxPoints) (\(result.indexText)%)", nil)
    }

    private static func describe(_ event: RecordedEvent, _ score: CriterionScore?, _ criterion: String?) -> (
        String, Mark?
    ) {
        switch event.type {
        case PAREvents.SelfScoreRecorded.type: ("self-score", score?.selfScore)
        case PAREvents.NotApplicableMarked.type: ("not applicable", score?.notApplicable)
        case PAREvents.NotApplicableRejected.type: ("not-applicable claim rejected", score?.notApplicableRejected)
        case PAREvents.SelfAssessmentSubmitted.type: ("submission", nil)
        case PAREvents.AppraisalScoreRecorded.type: ("appraisal", score?.appraised)
        case PAREvents.AppraisalConcluded.type: ("appraisal sealed", score?.appraised)
        case PAREvents.SpotCheckScoreRecorded.type: ("spot-check", score?.spotCheck)
        case PAREvents.SurveyScoresImported.type: ("survey", score?.survey)
        case PAREvents.CorrectionRecorded.type: ("correction", score?.correction)
        default: (event.type, nil)
        }
    }
}

/// What the read commands need, from the live projections or from a state in memory (`ProvinceState`).
public protocol ProjectionReading {
    func cycle(_ id: String) throws -> CycleRecord?
    func results(cycle: String) throws -> CycleResults
    func scores(cycle: String, unit: String) throws -> [(Criterion, CriterionScore)]
    func unitRecord(cycle: String, unit: String) throws -> UnitRecord?
    func explanations(cycle: String, unit: String) throws -> [ExplanationRecord]
    func objections(cycle: String) throws -> [ObjectionRecord]
}

extension ScoringLedger: ProjectionReading {}
