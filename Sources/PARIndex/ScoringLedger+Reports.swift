import Foundation
public import Ledger
public import LedgerFormat
public import PARCore

extension CycleResults {
    package static func compute(cycle: CycleRecord, projector: ScoringProjector, txn: ProjectionReader) throws
        -> CycleResults
    {
        try compute(cycle: cycle, projector: projector, txn: txn) { unit in
            try projector.scores(cycle.opened.cycle, unit, in: txn)
        }
    }

    /// The results with each unit's criterion scores taken from `scoresOf(unit)` (an export reads
    /// them as they stood at the publication).
    package static func compute(
        cycle: CycleRecord, projector: ScoringProjector, txn: ProjectionReader,
        scoresOf: (String) throws -> [String: CriterionScore]
    ) throws -> CycleResults {
        try compute(
            cycle: cycle, framework: { try projector.framework($0, in: txn) },
            unitRecord: { try projector.unitRecord(cycle.opened.cycle, $0, in: txn) }, scoresOf: scoresOf)
    }
}

extension ScoringLedger {
    /// The draft of the draw for `kind` as the latest state gives it (`ProvinceState.spotCheckDraw`).
    public func spotCheckDraw(cycle cycleID: String, kind: UnitKind, secret: [UInt8], adding added: [String]) throws
        -> EventDraft
    {
        try state().spotCheckDraw(cycle: cycleID, kind: kind, secret: secret, adding: added)
    }

    /// Re-runs a recorded draw from what the ledger holds: the commitment, the revealed secret and the
    /// AppraisalClosed event. Returns the recorded units and those the recomputed seed gives.
    public func redraw(cycle cycleID: String, kind: UnitKind) throws -> (
        event: RecordedEvent, recorded: [String], redrawn: [String]
    ) {
        guard let cycle = try cycle(cycleID), let draw = cycle.draws[kind.rawValue],
            let event = try ledger.event(at: draw.sequence),
            let closure = cycle.appraisalClosed, let closeHash = EventHash(hex: closure.hash)
        else {
            throw RuleViolation.notFound(
                "no spot-check of \(kind.plural) has been drawn in '\(cycleID)'",
                vi:
                    "Chưa bốc thăm phúc tra \(VietnameseText.units(kind)) trong kỳ \((try? cycle(cycleID))??.opened.name ?? cycleID)."
            )
        }
        let payload = try PAREvents.SpotCheckDrawn.decode(event)
        guard let secret = EventHash(hex: payload.secret),
            SpotCheckDraw.commitment(to: secret.bytes) == cycle.spotCheckCommitment
        else {
            throw RuleViolation(
                "the revealed secret does not match the commitment", vi: "Bí mật được công bố không khớp với cam kết.")
        }
        let seed = SpotCheckDraw.seed(secret: secret.bytes, closedBy: closeHash)
        let units = cycle.opened.units.filter { $0.kind == kind }.map(\.id)
        let redrawn = SpotCheckDraw.draw(seed: seed, units: units, size: payload.sampleSize)
        return (event, payload.drawn, redrawn)
    }
}

extension ScoringLedger {
    /// The status of a cycle, with lateness judged at `now`.
    ///
    /// Pages and to-do lists ask for it on every request; what the events say (each unit's record and
    /// survey) is kept with the ledger size it was read at, like `results(cycle:)`, and only lateness
    /// is judged again at `now`.
    public func status(cycle cycleID: String, now: Timestamp) throws -> CycleStatus {
        let size = try ledger.head().count
        if let kept = statusCache.value(of: cycleID.nfc, at: size) { return kept.judged(at: now) }
        let computed = try read { txn, projector in
            guard let record = try projector.cycle(cycleID.nfc, in: txn) else {
                throw RuleViolation.notFound("no cycle '\(cycleID)'", vi: "Không có kỳ đánh giá '\(cycleID)'.")
            }
            var surveyLeaves: [UnitKind: [String]] = [:]
            for kind in UnitKind.allCases {
                guard let id = record.frameworkID(for: kind), let framework = try projector.framework(id, in: txn)
                else { continue }
                surveyLeaves[kind] = framework.leaves.filter { $0.method == .survey }.map(\.code)
            }
            let units = try record.opened.units.map { unit in
                let cycle = record.opened.cycle
                let state = try projector.unitRecord(cycle, unit.id, in: txn) ?? UnitRecord()
                let scores = try projector.scores(cycle, unit.id, in: txn)
                return CycleStatus.UnitProgress(
                    unit: unit, record: state,
                    deadline: state.deadlineExtendedUntil ?? record.opened.selfAssessmentDeadline,
                    surveyComplete: (surveyLeaves[unit.kind] ?? []).allSatisfy { scores[$0]?.survey != nil },
                    now: now)
            }
            return CycleStatus(record: record, units: units, asOf: now)
        }
        // Kept only when nothing was appended meanwhile, so the status belongs to that size.
        if try ledger.head().count == size { statusCache.keep(computed, of: cycleID.nfc, at: size) }
        return computed
    }
}

extension ScoringLedger {
    /// The trace of a criterion of a unit (or, without one, of the unit's total), up to event `sequence`.
    public func traceReport(cycle: String, unit: String, criterion: String?, through sequence: UInt64? = nil) throws
        -> TraceReport
    {
        let entries = try trace(cycle: cycle, unit: unit, criterion: criterion, through: sequence)
        var roles: [String: String] = [:]
        for actor in Set(entries.map(\.event.actor)) {
            roles[actor] = try ledger.actor(actor)?.grants.map(\.description).joined(separator: ", ") ?? ""
        }
        return TraceReport(cycle: cycle.nfc, unit: unit.nfc, criterion: criterion?.nfc, entries: entries, roles: roles)
    }
}

extension ScoringLedger {
    /// Calls `body` with each event from `start` on that matches `filter`, in order, until it returns false.
    public func forEachEvent(
        matching filter: EventFilter, from start: UInt64 = 1, _ body: (RecordedEvent) throws -> Bool
    ) throws {
        let matches = try filter.matcher(in: ledger)
        try ledger.forEachEvent(from: start) { event in try matches(event) ? body(event) : true }
    }

    /// The events from `start` on that match `filter`, in order; at most `limit` of them, and whether
    /// more would have followed.
    public func events(matching filter: EventFilter, from start: UInt64 = 1, limit: Int = .max) throws -> (
        events: [RecordedEvent], more: Bool
    ) {
        var found: [RecordedEvent] = []
        var more = false
        try forEachEvent(matching: filter, from: start) { event in
            guard found.count < limit else {
                more = true
                return false
            }
            found.append(event)
            return true
        }
        return (found, more)
    }
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
                throw RuleViolation(
                    "unknown criterion '\(code)' for \(unit)", vi: "Bộ tiêu chí của đơn vị không có tiêu chí \(code).")
            }
            let history = try projector.history(cycle, unit, code, in: txn)
            if try history.isEmpty && projector.score(cycle, unit, code, in: txn) != CriterionScore() {
                throw RuleViolation(
                    "this ledger's projections have no score history yet; rebuild the projections once",
                    vi: "Dữ liệu tổng hợp của sổ cái chưa có lịch sử điểm; hãy dựng lại dữ liệu tổng hợp một lần.",
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
                    vi: "Lịch sử điểm nhắc tới sự kiện số \(sequence) mà sổ cái không có; hãy kiểm tra sổ cái.",
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
                throw RuleViolation(
                    "unknown criterion '\(criterion)' for \(unit)",
                    vi: "Bộ tiêu chí của đơn vị không có tiêu chí \(criterion).")
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
        case PAREvents.CouncilVoteRecorded.type: ("council vote", score?.appraised)
        case PAREvents.SpotCheckScoreRecorded.type: ("spot-check", score?.spotCheck)
        case PAREvents.SurveyScoresImported.type: ("survey", score?.survey)
        case PAREvents.CorrectionRecorded.type: ("correction", score?.correction)
        default: (event.type, nil)
        }
    }
}

extension ScoringLedger: ProjectionReading {
    /// The units across reorganisations, from the stream of `UnitsReorganised` events.
    public func unitMap() throws -> UnitMap {
        var map = UnitMap()
        for event in try ledger.events(inStream: PAREvents.UnitsReorganised.stream) {
            try map.note(event)
        }
        return map
    }
}
