import Foundation
import Ledger

/// Applies PAR events to the projections, inside the write transaction that appends them, after
/// checking every rule of the cycle against the state before the event. The same code rebuilds the
/// projections from the events, so a rebuild writes exactly what the live appends wrote.
///
/// Databases: `par-frameworks` (id → framework JSON), `par-cycles` (cycle → `CycleRecord`),
/// `par-units` (cycle ‖ 0 ‖ unit → `UnitRecord`), `par-scores` (cycle ‖ 0 ‖ unit ‖ 0 ‖ criterion →
/// `CriterionScore`), `par-evidence` (sha256 → `EvidenceAdded`), `par-score-history` (cycle ‖ 0 ‖
/// unit ‖ 0 ‖ criterion ‖ 0 ‖ big-endian sequence → the `CriterionScore` that event left), which
/// lets a trace read one criterion's history without replaying the ledger, and `par-cycle-versions`
/// (cycle → big-endian sequence of the event that last wrote its record).
final class ScoringProjector: @unchecked Sendable {
    static let databaseNames = [
        "par-frameworks", "par-cycles", "par-units", "par-scores", "par-evidence", "par-score-history",
        "par-cycle-versions",
    ]

    let frameworksDB: ProjectionDatabase
    let cyclesDB: ProjectionDatabase
    let unitsDB: ProjectionDatabase
    let scoresDB: ProjectionDatabase
    let evidenceDB: ProjectionDatabase
    let historyDB: ProjectionDatabase
    let cycleVersionsDB: ProjectionDatabase
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
    }

    var databases: [ProjectionDatabase] {
        [frameworksDB, cyclesDB, unitsDB, scoresDB, evidenceDB, historyDB, cycleVersionsDB]
    }

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
        let record = try StateCoding.decode(CycleRecord.self, bytes)
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
        try all(cyclesDB, in: txn) { try StateCoding.decode(CycleRecord.self, $1) }
    }

    /// Every document added, in hash order.
    func allEvidence(in txn: ProjectionReader) throws -> [PARPayload.EvidenceAdded] {
        try all(evidenceDB, in: txn) { try StateCoding.decode(PARPayload.EvidenceAdded.self, $1) }
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

    /// The score of a criterion that is not marked not applicable; a marked one refuses the event.
    private func applicableScore(_ cycle: String, _ unit: String, _ criterion: String, in txn: ProjectionReader) throws
        -> CriterionScore
    {
        let current = try score(cycle, unit, criterion, in: txn)
        guard current.notApplicable == nil else {
            throw RuleViolation("\(unit), criterion \(criterion) is marked not applicable")
        }
        return current
    }

    static func key(_ parts: String...) -> [UInt8] {
        Array(parts.map { Array($0.utf8) }.joined(separator: [0]))
    }

    // MARK: Applying events

    func apply(_ event: RecordedEvent, in txn: ProjectionWriter) throws {
        switch event.type {
        case PARPayload.FrameworkRegistered.type: try registerFramework(event, txn)
        case PARPayload.CycleOpened.type: try openCycle(event, txn)
        case PARPayload.DeadlineExtended.type: try extendDeadline(event, txn)
        case PARPayload.SelfScoreRecorded.type: try recordSelfScore(event, txn)
        case PARPayload.NotApplicableMarked.type: try markNotApplicable(event, txn)
        case PARPayload.SelfAssessmentSubmitted.type: try submit(event, txn)
        case PARPayload.CouncilMemberAssigned.type: try assignCouncilMember(event, txn)
        case PARPayload.SpotCheckSeedCommitted.type: try commitSpotCheckSeed(event, txn)
        case PARPayload.AppraisalScoreRecorded.type: try recordAppraisal(event, txn)
        case PARPayload.NotApplicableRejected.type: try rejectNotApplicable(event, txn)
        case PARPayload.AppraisalConcluded.type: try concludeAppraisal(event, txn)
        case PARPayload.AppraisalReopened.type: try reopenAppraisal(event, txn)
        case PARPayload.AppraisalClosed.type: try closeAppraisal(event, txn)
        case PARPayload.SpotCheckDrawn.type: try drawSpotCheck(event, txn)
        case PARPayload.SpotCheckScoreRecorded.type: try recordSpotCheck(event, txn)
        case PARPayload.SpotCheckConcluded.type: try concludeSpotCheck(event, txn)
        case PARPayload.SurveyScoresImported.type: try importSurvey(event, txn)
        case PARPayload.UnitExcludedFromRanking.type: try exclude(event, txn)
        case PARPayload.ResultsPublished.type: try publish(event, txn)
        case PARPayload.CorrectionRecorded.type: try correct(event, txn)
        case PARPayload.EvidenceAdded.type: try addEvidence(event, txn)
        default: return
        }
    }

    private func mark(
        _ event: RecordedEvent, points: Points?, reason: String? = nil,
        evidence: [EvidenceCitation]? = nil, decision: String? = nil
    ) -> Mark {
        Mark(
            points: points?.description, actor: event.actor, sequence: event.sequence, at: event.recordedAt.iso8601,
            reason: reason, evidence: evidence, decision: decision)
    }

    /// Stores a criterion's score, and the same score in its history under the event that set it.
    private func putScore(
        _ score: CriterionScore, _ cycle: String, _ unit: String, _ criterion: String,
        _ event: RecordedEvent, _ txn: ProjectionWriter
    ) throws {
        let key = Self.key(cycle, unit, criterion)
        let stored = StateCoding.encode(score)
        try txn.put(stored, for: key, in: scoresDB)
        try txn.put(stored, for: key + [0] + bigEndianBytes(event.sequence), in: historyDB)
    }

    private func putUnit(_ record: UnitRecord, _ cycle: String, _ unit: String, _ txn: ProjectionWriter) throws {
        try txn.put(StateCoding.encode(record), for: Self.key(cycle, unit), in: unitsDB)
    }

    private func putCycle(_ record: CycleRecord, _ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let key = Array(record.opened.cycle.utf8)
        try txn.put(try StateCoding.encode(record), for: key, in: cyclesDB)
        try txn.put(bigEndianBytes(event.sequence), for: key, in: cycleVersionsDB)
    }

    private func addEvidence(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let added = try PARPayload.EvidenceAdded.decode(event)
        guard EventHash(hex: added.sha256) != nil, !added.name.isEmpty, added.size >= 0 else {
            throw RuleViolation("evidence needs a name, a size and a SHA-256 of 64 hex digits")
        }
        guard event.stream == "evidence/\(added.sha256)" else {
            throw RuleViolation("EvidenceAdded belongs in the stream 'evidence/\(added.sha256)'")
        }
        if try txn.value(for: Array(added.sha256.utf8), in: evidenceDB) == nil {
            try txn.put(event.payload, for: Array(added.sha256.utf8), in: evidenceDB)
        }
    }

    /// Refuses citations of documents that were never added.
    private func checkCited(_ citations: [EvidenceCitation], _ txn: ProjectionReader) throws {
        for citation in citations {
            guard EventHash(hex: citation.sha256) != nil, !citation.name.isEmpty else {
                throw RuleViolation("evidence '\(citation.name)' needs a name and a SHA-256 of 64 hex digits")
            }
            guard try txn.value(for: Array(citation.sha256.utf8), in: evidenceDB) != nil else {
                throw RuleViolation(
                    "evidence '\(citation.name)' (\(citation.sha256.prefix(16))…) was never added; add the document first"
                )
            }
        }
    }

    private func registerFramework(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let registered = try PARPayload.FrameworkRegistered.decode(event)
        let (id, document) = (registered.id, registered.framework)
        let framework: Framework
        do {
            framework = try Framework(json: document)
        } catch {
            throw RuleViolation("the framework is malformed: \(error)")
        }
        let defects = FrameworkValidator.defects(in: framework)
        guard defects.isEmpty else {
            throw RuleViolation("the framework has defects: " + defects.map(\.description).joined(separator: "; "))
        }
        guard framework.id == id else {
            throw RuleViolation("the framework's content hash is \(framework.id), not \(id)")
        }
        guard CanonicalJSON.encode(framework.json) == CanonicalJSON.encode(document) else {
            throw RuleViolation(
                "the framework is not written in its normal form (canonical points, only the members of a framework)")
        }
        guard event.stream == "framework/\(id)" else {
            throw RuleViolation("FrameworkRegistered belongs in the stream 'framework/\(id)'")
        }
        guard try txn.value(for: Array(id.utf8), in: frameworksDB) == nil else {
            throw RuleViolation.stage("framework \(id) is already registered")
        }
        try txn.put(CanonicalJSON.encode(framework.json), for: Array(id.utf8), in: frameworksDB)
    }

    private func openCycle(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let opened = try PARPayload.CycleOpened.decode(event)
        guard event.stream == PAREvents.cycleStream(opened.cycle) else {
            throw RuleViolation(
                "CycleOpened for '\(opened.cycle)' belongs in the stream '\(PAREvents.cycleStream(opened.cycle))'")
        }
        if let problem = Slug.problem(opened.cycle, "cycle") { throw RuleViolation(problem) }
        guard try cycle(opened.cycle, in: txn) == nil else {
            throw RuleViolation.stage("cycle '\(opened.cycle)' is already open")
        }
        guard Timestamp(iso8601: opened.selfAssessmentDeadline) != nil else {
            throw RuleViolation(
                "the self-assessment deadline '\(opened.selfAssessmentDeadline)' is not an ISO 8601 UTC time")
        }
        guard !opened.units.isEmpty else { throw RuleViolation("cycle '\(opened.cycle)' has no units") }
        var seen = Set<String>()
        var names: [String: String] = [:]
        for unit in opened.units {
            if let problem = Slug.problem(unit.id, "unit") ?? DisplayName.problem(unit.name, "unit '\(unit.id)'") {
                throw RuleViolation(problem)
            }
            guard seen.insert(unit.id).inserted else { throw RuleViolation("unit '\(unit.id)' is listed twice") }
            if let other = names.updateValue(unit.id, forKey: DisplayName.skeleton(unit.name)) {
                throw RuleViolation("the name of unit '\(unit.id)' is confusable with the name of unit '\(other)'")
            }
            guard let frameworkID = opened.frameworks[unit.kind.rawValue] else {
                throw RuleViolation.notFound(
                    "unit '\(unit.id)' is a \(unit.kind.rawValue) but the cycle names no framework for that kind")
            }
            guard let framework = try framework(frameworkID, in: txn) else {
                throw RuleViolation.notFound("framework \(frameworkID) is not registered; register it first")
            }
            guard framework.unitKind == unit.kind else {
                throw RuleViolation(
                    "framework \(frameworkID) scores \(framework.unitKind.rawValue)s, not \(unit.kind.rawValue)s")
            }
        }
        if let window = opened.publicationWindow {
            guard PARPayload.DateWindow.isDate(window.from), PARPayload.DateWindow.isDate(window.until),
                window.from <= window.until
            else {
                throw RuleViolation("the publication window needs two dates YYYY-MM-DD, the first not after the second")
            }
        }
        if let previous = opened.previousCycle, try !Slug.isValid(previous) || cycle(previous, in: txn) == nil {
            throw RuleViolation.notFound("the previous cycle '\(previous)' does not exist")
        }
        try putCycle(CycleRecord(opened: opened, openedBy: event.actor, openedAt: event.sequence), event, txn)
        for unit in opened.units { try putUnit(UnitRecord(), opened.cycle, unit.id, txn) }
    }

    /// The cycle and unit an event is about, checked: the cycle exists and is not published (unless
    /// `afterPublication`), the unit belongs to it, and the event is in the unit's stream.
    private func context(
        _ event: RecordedEvent, cycle cycleID: String, unit unitID: String, _ txn: ProjectionReader,
        afterPublication: Bool = false
    ) throws -> (CycleRecord, CycleUnit, UnitRecord, Framework) {
        guard let cycle = try cycle(cycleID, in: txn) else { throw RuleViolation.notFound("no cycle '\(cycleID)'") }
        guard let unit = cycle.unit(unitID), let record = try unitRecord(cycleID, unitID, in: txn) else {
            throw RuleViolation.notFound("unit '\(unitID)' is not part of cycle '\(cycleID)'")
        }
        if afterPublication {
            guard cycle.publication != nil else {
                throw RuleViolation.stage(
                    "cycle '\(cycleID)' is not published; change scores through the normal stages")
            }
        } else if let publication = cycle.publication {
            throw RuleViolation.stage(
                "cycle '\(cycleID)' was published by decision \(publication.decision); only a correction citing a decision can change it"
            )
        }
        guard event.stream == PAREvents.unitStream(cycleID, unitID) else {
            throw RuleViolation(
                "\(event.type) for '\(unitID)' belongs in the stream '\(PAREvents.unitStream(cycleID, unitID))'")
        }
        guard let frameworkID = cycle.frameworkID(for: unit.kind), let framework = try framework(frameworkID, in: txn)
        else {
            throw RuleViolation.notFound("cycle '\(cycleID)' has no framework for \(unit.kind.rawValue)s")
        }
        return (cycle, unit, record, framework)
    }

    private func leaf(_ code: String, of framework: Framework, method: ScoringMethod?, unit: String) throws -> Criterion
    {
        guard let criterion = framework.criteriaByCode[code] else {
            throw RuleViolation("unknown criterion '\(code)' for \(unit) (framework \(framework.id.prefix(12)))")
        }
        guard criterion.isLeaf else {
            throw RuleViolation(
                "criterion \(code) is the sum of its sub-criteria; score \(criterion.children.map(\.code).joined(separator: ", ")) instead"
            )
        }
        if let method, criterion.method != method {
            throw RuleViolation(
                method == .assessed
                    ? "criterion \(code) is scored by the sociological survey (ĐTXHH), not by the unit or the council"
                    : "criterion \(code) is not a survey criterion")
        }
        return criterion
    }

    private func points(_ text: String, for criterion: Criterion, unit: String) throws -> Points {
        let value: Points
        do {
            value = try Points(parsing: text)
        } catch {
            throw RuleViolation("\(unit), criterion \(criterion.code): \(error)")
        }
        guard value.description == text else {
            throw RuleViolation(
                "\(unit), criterion \(criterion.code): the points '\(text)' are not written in their one form '\(value)'"
            )
        }
        guard value <= criterion.maxPoints else {
            throw RuleViolation(
                "\(unit), criterion \(criterion.code): \(value) points is more than its maximum of \(criterion.maxPoints)"
            )
        }
        return value
    }

    private func checkDeadline(_ event: RecordedEvent, _ cycle: CycleRecord, _ unit: UnitRecord, _ unitID: String)
        throws
    {
        let deadline = Timestamp(iso8601: unit.deadlineExtendedUntil ?? cycle.opened.selfAssessmentDeadline)
        if let deadline, event.recordedAt > deadline {
            throw RuleViolation.stage(
                "the self-assessment deadline for '\(unitID)' passed at \(deadline.iso8601); the secretariat can record an extension"
            )
        }
    }

    private func extendDeadline(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let extended = try PARPayload.DeadlineExtended.decode(event)
        let (cycle, _, unitState, _) = try context(event, cycle: extended.cycle, unit: extended.unit, txn)
        guard let until = Timestamp(iso8601: extended.until),
            let deadline = Timestamp(iso8601: cycle.opened.selfAssessmentDeadline), until > deadline
        else {
            throw RuleViolation(
                "an extension must be an ISO 8601 UTC time after the deadline \(cycle.opened.selfAssessmentDeadline)")
        }
        guard !extended.reason.isEmpty else { throw RuleViolation("an extension needs a reason") }
        var unit = unitState
        unit.deadlineExtendedUntil = until.iso8601
        try putUnit(unit, extended.cycle, extended.unit, txn)
    }

    private func recordSelfScore(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let recorded = try PARPayload.SelfScoreRecorded.decode(event)
        let (cycle, _, unit, framework) = try context(event, cycle: recorded.cycle, unit: recorded.unit, txn)
        guard unit.stage == .selfAssessment else {
            throw RuleViolation.stage("'\(recorded.unit)' has already submitted its self-assessment")
        }
        try checkDeadline(event, cycle, unit, recorded.unit)
        let criterion = try leaf(recorded.criterion, of: framework, method: .assessed, unit: recorded.unit)
        let value = try points(recorded.points, for: criterion, unit: recorded.unit)
        let explanation = recorded.explanation?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !recorded.evidence.isEmpty || !explanation.isEmpty else {
            throw RuleViolation(
                "\(recorded.unit), criterion \(criterion.code): a self-score needs evidence or a written explanation of how it was computed"
            )
        }
        try checkCited(recorded.evidence, txn)
        var score = try applicableScore(recorded.cycle, recorded.unit, criterion.code, in: txn)
        score.selfScore = mark(
            event, points: value, reason: explanation.isEmpty ? nil : explanation, evidence: recorded.evidence)
        try putScore(score, recorded.cycle, recorded.unit, criterion.code, event, txn)
        try noteSelfAssessor(event, unit, recorded.cycle, recorded.unit, txn)
    }

    /// Remembers who self-assessed a unit: that person may not appraise or spot-check it.
    private func noteSelfAssessor(
        _ event: RecordedEvent, _ unit: UnitRecord, _ cycle: String, _ unitID: String, _ txn: ProjectionWriter
    ) throws {
        guard !unit.selfAssessedBy.contains(event.actor) else { return }
        var updated = unit
        updated.selfAssessedBy = (unit.selfAssessedBy + [event.actor]).sorted()
        try putUnit(updated, cycle, unitID, txn)
    }

    private func markNotApplicable(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let marked = try PARPayload.NotApplicableMarked.decode(event)
        let (cycle, _, unit, framework) = try context(event, cycle: marked.cycle, unit: marked.unit, txn)
        guard unit.stage == .selfAssessment else {
            throw RuleViolation.stage("'\(marked.unit)' has already submitted its self-assessment")
        }
        try checkDeadline(event, cycle, unit, marked.unit)
        guard let criterion = framework.criteriaByCode[marked.criterion] else {
            throw RuleViolation("unknown criterion '\(marked.criterion)' for \(marked.unit)")
        }
        guard !marked.legalBasis.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RuleViolation("a not-applicable mark needs its legal basis")
        }
        let leaves = criterion.allCriteria.filter { $0.isLeaf && $0.method == .assessed }
        guard !leaves.isEmpty else {
            throw RuleViolation("criterion \(criterion.code) is scored by the survey, not by the unit")
        }
        for leaf in leaves {
            var score = try score(marked.cycle, marked.unit, leaf.code, in: txn)
            score.selfScore = nil
            score.notApplicable = mark(event, points: nil, reason: marked.legalBasis)
            try putScore(score, marked.cycle, marked.unit, leaf.code, event, txn)
        }
        try noteSelfAssessor(event, unit, marked.cycle, marked.unit, txn)
    }

    private func submit(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let step = try PARPayload.SelfAssessmentSubmitted.decode(event)
        let (cycle, _, unitState, framework) = try context(event, cycle: step.cycle, unit: step.unit, txn)
        var unit = unitState
        guard unit.stage == .selfAssessment else {
            throw RuleViolation.stage("'\(step.unit)' has already submitted its self-assessment")
        }
        try checkDeadline(event, cycle, unit, step.unit)
        let scores = try scores(step.cycle, step.unit, in: txn)
        let missing = framework.leaves.filter { $0.method == .assessed }
            .filter { scores[$0.code]?.selfScore == nil && scores[$0.code]?.notApplicable == nil }.map(\.code)
        guard missing.isEmpty else {
            throw RuleViolation(
                "'\(step.unit)' cannot submit: \(missing.count) criteria are neither scored nor marked not applicable (\(missing.prefix(8).joined(separator: ", "))\(missing.count > 8 ? ", …" : ""))"
            )
        }
        unit.stage = .submitted
        if !unit.selfAssessedBy.contains(event.actor) {
            unit.selfAssessedBy = (unit.selfAssessedBy + [event.actor]).sorted()
        }
        try putUnit(unit, step.cycle, step.unit, txn)
    }

    // MARK: The council

    private func assignCouncilMember(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let assigned = try PARPayload.CouncilMemberAssigned.decode(event)
        var cycle = try openCycleRecord(event, assigned.cycle, txn)
        if let problem = Slug.problem(assigned.actor, "council member") { throw RuleViolation(problem) }
        guard !assigned.fields.isEmpty else { throw RuleViolation("a council member is assigned at least one field") }
        for (kindName, codes) in assigned.fields.sorted(by: { $0.key < $1.key }) {
            guard let kind = UnitKind(rawValue: kindName), let frameworkID = cycle.frameworkID(for: kind),
                let framework = try framework(frameworkID, in: txn)
            else { throw RuleViolation("cycle '\(assigned.cycle)' scores no \(kindName)s") }
            let fieldCodes = Set(framework.fields.map(\.code))
            guard !codes.isEmpty, Set(codes).count == codes.count, codes.allSatisfy(fieldCodes.contains) else {
                throw RuleViolation(
                    "the fields of \(kindName)s are \(framework.fields.map(\.code).joined(separator: ", ")); each at most once, not \(codes)"
                )
            }
        }
        cycle.council[assigned.actor] = assigned
        try putCycle(cycle, event, txn)
    }

    /// The cycle of a cycle-wide event (in the cycle's stream), open and not published.
    private func openCycleRecord(_ event: RecordedEvent, _ cycleID: String, _ txn: ProjectionReader) throws
        -> CycleRecord
    {
        guard let cycle = try cycle(cycleID, in: txn) else { throw RuleViolation.notFound("no cycle '\(cycleID)'") }
        guard event.stream == PAREvents.cycleStream(cycleID) else {
            throw RuleViolation("\(event.type) belongs in the stream '\(PAREvents.cycleStream(cycleID))'")
        }
        if let publication = cycle.publication {
            throw RuleViolation.stage(
                "cycle '\(cycleID)' was published by decision \(publication.decision); only a correction citing a decision can change it"
            )
        }
        return cycle
    }

    /// Refuses an appraisal event before the draw's commitment or after the appraisal was closed.
    private func checkAppraisalIsOpen(_ cycle: CycleRecord) throws {
        guard cycle.spotCheckCommitment != nil else {
            throw RuleViolation.stage(
                "appraisal of '\(cycle.opened.cycle)' opens once the steering committee has committed to the secret of its spot-check draw"
            )
        }
        if let closure = cycle.appraisalClosed {
            throw RuleViolation.stage(
                "the appraisal of '\(cycle.opened.cycle)' was closed at event \(closure.sequence); nothing of it changes now"
            )
        }
    }

    /// Refuses a council event by someone who self-assessed the unit, or who is not a council member
    /// of the cycle assigned `criterion`'s field (or, with `chair`, its chair).
    private func checkCouncilMember(
        _ event: RecordedEvent, _ cycle: CycleRecord, _ unit: UnitRecord, _ member: CycleUnit,
        criterion: String? = nil, chair: Bool = false
    ) throws {
        guard !unit.selfAssessedBy.contains(event.actor) else {
            throw RuleViolation.forbidden("'\(event.actor)' self-assessed \(member.id) and may not appraise it")
        }
        guard let assignment = cycle.council[event.actor] else {
            throw RuleViolation.forbidden(
                "'\(event.actor)' is not a council member of '\(cycle.opened.cycle)'; the secretariat assigns members and their fields"
            )
        }
        if chair && !assignment.chair {
            throw RuleViolation.forbidden(
                "only the chair of the council seals, reopens or closes an appraisal; '\(event.actor)' is a member")
        }
        if let criterion {
            let field = String(criterion.prefix { $0 != "." })
            guard assignment.fields[member.kind.rawValue]?.contains(field) == true else {
                let mine = assignment.fields[member.kind.rawValue]?.joined(separator: ", ") ?? "none"
                throw RuleViolation.forbidden(
                    "'\(event.actor)' appraises fields \(mine) of \(member.kind.rawValue)s, not field \(field) (criterion \(criterion))"
                )
            }
        }
    }

    private func recordAppraisal(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let recorded = try PARPayload.AppraisalScoreRecorded.decode(event)
        let (cycle, member, unit, framework) = try context(event, cycle: recorded.cycle, unit: recorded.unit, txn)
        try checkAppraisalIsOpen(cycle)
        switch unit.stage {
        case .selfAssessment:
            throw RuleViolation.stage(
                "'\(recorded.unit)' has not submitted its self-assessment yet; appraisal comes after")
        case .appraised:
            throw RuleViolation.stage(
                "the appraisal of '\(recorded.unit)' is sealed; the chair reopens it with a reason to change it")
        case .submitted: break
        }
        let criterion = try leaf(recorded.criterion, of: framework, method: .assessed, unit: recorded.unit)
        try checkCouncilMember(event, cycle, unit, member, criterion: criterion.code)
        let value = try points(recorded.points, for: criterion, unit: recorded.unit)
        var score = try applicableScore(recorded.cycle, recorded.unit, criterion.code, in: txn)
        let selfPoints = score.selfScore?.value ?? .zero
        if !framework.settings.appraisalMayRaise && value > selfPoints && score.notApplicableRejected == nil {
            throw RuleViolation(
                "\(recorded.unit), criterion \(criterion.code): the council may only recognise or lower a department's self-score (\(selfPoints)), not raise it to \(value)"
            )
        }
        try checkCited(recorded.evidence ?? [], txn)
        let reason = recorded.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if value != selfPoints && reason.isEmpty {
            throw RuleViolation(
                "\(recorded.unit), criterion \(criterion.code): adjusting \(selfPoints) to \(value) needs a reason")
        }
        score.appraised = mark(
            event, points: value, reason: reason.isEmpty ? nil : reason, evidence: recorded.evidence,
            decision: value == selfPoints ? "recognise" : (value < selfPoints ? "lower" : "raise"))
        try putScore(score, recorded.cycle, recorded.unit, criterion.code, event, txn)
    }

    private func rejectNotApplicable(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let rejected = try PARPayload.NotApplicableRejected.decode(event)
        let (cycle, member, unit, framework) = try context(event, cycle: rejected.cycle, unit: rejected.unit, txn)
        try checkAppraisalIsOpen(cycle)
        guard unit.stage == .submitted else {
            throw RuleViolation.stage(
                unit.stage == .appraised
                    ? "the appraisal of '\(rejected.unit)' is sealed; the chair reopens it with a reason to change it"
                    : "'\(rejected.unit)' has not submitted its self-assessment yet; appraisal comes after")
        }
        guard let criterion = framework.criteriaByCode[rejected.criterion] else {
            throw RuleViolation("unknown criterion '\(rejected.criterion)' for \(rejected.unit)")
        }
        try checkCouncilMember(event, cycle, unit, member, criterion: criterion.code)
        let reason = rejected.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw RuleViolation("rejecting a not-applicable claim needs a reason") }
        var claimed: [(String, CriterionScore)] = []
        for leaf in criterion.allCriteria where leaf.isLeaf && leaf.method == .assessed {
            let score = try score(rejected.cycle, rejected.unit, leaf.code, in: txn)
            if score.notApplicable != nil { claimed.append((leaf.code, score)) }
        }
        guard !claimed.isEmpty else {
            throw RuleViolation("\(rejected.unit) claimed nothing under \(criterion.code) as not applicable")
        }
        for (code, before) in claimed {
            var score = before
            score.notApplicable = nil
            score.notApplicableRejected = mark(event, points: nil, reason: reason)
            try putScore(score, rejected.cycle, rejected.unit, code, event, txn)
        }
    }

    private func concludeAppraisal(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let step = try PARPayload.AppraisalConcluded.decode(event)
        var (cycle, member, unit, framework): (CycleRecord, CycleUnit, UnitRecord, Framework) = try context(
            event, cycle: step.cycle, unit: step.unit, txn)
        try checkAppraisalIsOpen(cycle)
        guard unit.stage == .submitted else {
            throw RuleViolation.stage(
                unit.stage == .appraised
                    ? "the appraisal of '\(step.unit)' is already sealed"
                    : "'\(step.unit)' has not submitted its self-assessment yet")
        }
        try checkCouncilMember(event, cycle, unit, member, chair: true)
        for leaf in framework.leaves where leaf.method == .assessed {
            var score = try score(step.cycle, step.unit, leaf.code, in: txn)
            guard score.notApplicable == nil, score.appraised == nil else { continue }
            score.appraised = mark(
                event, points: score.selfScore?.value ?? .zero, reason: "recognised when the appraisal was sealed",
                decision: "recognise")
            try putScore(score, step.cycle, step.unit, leaf.code, event, txn)
        }
        unit.stage = .appraised
        try putUnit(unit, step.cycle, step.unit, txn)
    }

    private func reopenAppraisal(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let reopened = try PARPayload.AppraisalReopened.decode(event)
        var (cycle, member, unit, _): (CycleRecord, CycleUnit, UnitRecord, Framework) = try context(
            event, cycle: reopened.cycle, unit: reopened.unit, txn)
        try checkAppraisalIsOpen(cycle)
        guard unit.stage == .appraised else {
            throw RuleViolation.stage("the appraisal of '\(reopened.unit)' is not sealed")
        }
        try checkCouncilMember(event, cycle, unit, member, chair: true)
        guard !reopened.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RuleViolation("reopening a sealed appraisal needs a reason")
        }
        unit.stage = .submitted
        try putUnit(unit, reopened.cycle, reopened.unit, txn)
    }

    private func closeAppraisal(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let step = try PARPayload.AppraisalClosed.decode(event)
        var cycle = try openCycleRecord(event, step.cycle, txn)
        try checkAppraisalIsOpen(cycle)
        guard cycle.council[event.actor]?.chair == true else {
            throw RuleViolation.forbidden("only the chair of the council of '\(step.cycle)' closes its appraisal")
        }
        var pending: [String] = []
        for unit in cycle.opened.units where try unitRecord(step.cycle, unit.id, in: txn)?.stage != .appraised {
            pending.append(unit.id)
        }
        guard pending.isEmpty else {
            throw RuleViolation.stage(
                "the appraisal is closed once every unit's is sealed; not yet sealed: \(pending.joined(separator: ", "))"
            )
        }
        cycle.appraisalClosed = CycleRecord.ClosureRecord(sequence: event.sequence, hash: event.hash.hex)
        try putCycle(cycle, event, txn)
    }

    // MARK: The spot-check

    private func commitSpotCheckSeed(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let committed = try PARPayload.SpotCheckSeedCommitted.decode(event)
        var cycle = try openCycleRecord(event, committed.cycle, txn)
        guard cycle.spotCheckCommitment == nil else {
            throw RuleViolation.stage("the spot-check draw of '\(committed.cycle)' is already committed")
        }
        guard EventHash(hex: committed.commitment) != nil else {
            throw RuleViolation("the commitment is a SHA-256 in 64 lowercase hex digits")
        }
        cycle.spotCheckCommitment = committed.commitment
        try putCycle(cycle, event, txn)
    }

    private func drawSpotCheck(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let drawn = try PARPayload.SpotCheckDrawn.decode(event)
        var cycle = try openCycleRecord(event, drawn.cycle, txn)
        guard cycle.draws[drawn.kind.rawValue] == nil else {
            throw RuleViolation.stage(
                "the spot-check of \(drawn.kind.rawValue)s in '\(drawn.cycle)' was already drawn; a redraw re-checks it"
            )
        }
        let units = cycle.opened.units.filter { $0.kind == drawn.kind }.map(\.id)
        guard !units.isEmpty else { throw RuleViolation("cycle '\(drawn.cycle)' has no \(drawn.kind.rawValue)s") }
        guard let closure = cycle.appraisalClosed, let closeHash = EventHash(hex: closure.hash) else {
            throw RuleViolation.stage(
                "the spot-check is drawn after the council closes the appraisal of '\(drawn.cycle)'")
        }
        guard let secret = EventHash(hex: drawn.secret),
            SpotCheckDraw.commitment(to: secret.bytes) == cycle.spotCheckCommitment
        else {
            throw RuleViolation(
                "the revealed secret is not the one the steering committee committed to before appraisal")
        }
        guard let frameworkID = cycle.frameworkID(for: drawn.kind), let framework = try framework(frameworkID, in: txn)
        else {
            throw RuleViolation.notFound("no framework for \(drawn.kind.rawValue)s")
        }
        let seed = SpotCheckDraw.seed(secret: secret.bytes, closedBy: closeHash)
        guard drawn.seed == hexString(seed) else {
            throw RuleViolation(
                "the draw's seed must be SHA-256(secret ‖ hash of the AppraisalClosed event) = \(hexString(seed))")
        }
        let size = SpotCheckDraw.sampleSize(units: units.count, percent: framework.settings.spotCheckPercent)
        guard drawn.algorithm == SpotCheckDraw.algorithm, drawn.sampleSize == size else {
            throw RuleViolation(
                "the draw must use \(SpotCheckDraw.algorithm) with a sample of \(size) (ceil(\(framework.settings.spotCheckPercent)% of \(units.count)))"
            )
        }
        let expected = SpotCheckDraw.draw(seed: seed, units: units, size: size)
        guard drawn.drawn == expected else {
            throw RuleViolation("the drawn units \(drawn.drawn) are not what the seed gives (\(expected))")
        }
        for added in drawn.added {
            guard units.contains(added) else {
                throw RuleViolation("added unit '\(added)' is not a \(drawn.kind.rawValue) of the cycle")
            }
            guard !expected.contains(added) else {
                throw RuleViolation.stage("added unit '\(added)' was already drawn")
            }
        }
        let sample = expected + drawn.added
        cycle.draws[drawn.kind.rawValue] = CycleRecord.DrawRecord(units: sample, sequence: event.sequence)
        try putCycle(cycle, event, txn)
        for id in sample {
            guard var record = try unitRecord(drawn.cycle, id, in: txn) else { continue }
            record.spotChecked = true
            try putUnit(record, drawn.cycle, id, txn)
        }
    }

    /// Refuses a spot-check event for a unit not in the sample, already concluded, or by someone who
    /// self-assessed it.
    private func checkSpotCheckable(_ event: RecordedEvent, _ unit: UnitRecord, _ unitID: String) throws {
        guard unit.spotChecked else { throw RuleViolation.stage("'\(unitID)' is not in the spot-check sample") }
        guard !unit.spotCheckConcluded else { throw RuleViolation.stage("the spot-check of '\(unitID)' is concluded") }
        guard !unit.selfAssessedBy.contains(event.actor) else {
            throw RuleViolation.forbidden("'\(event.actor)' self-assessed \(unitID) and may not spot-check it")
        }
    }

    private func recordSpotCheck(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let recorded = try PARPayload.SpotCheckScoreRecorded.decode(event)
        let (_, _, unit, framework) = try context(event, cycle: recorded.cycle, unit: recorded.unit, txn)
        try checkSpotCheckable(event, unit, recorded.unit)
        let criterion = try leaf(recorded.criterion, of: framework, method: .assessed, unit: recorded.unit)
        var score = try applicableScore(recorded.cycle, recorded.unit, criterion.code, in: txn)
        let appraised = score.appraised?.value ?? .zero
        let reason = recorded.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let value: Points
        switch recorded.decision {
        case "recognise":
            value = appraised
        case "not-recognise":
            value = .zero
        case "raise", "lower":
            guard let text = recorded.points else {
                throw RuleViolation("a spot-check that raises or lowers needs the new points")
            }
            value = try points(text, for: criterion, unit: recorded.unit)
            guard recorded.decision == "raise" ? value > appraised : value < appraised else {
                throw RuleViolation(
                    "\(recorded.unit), criterion \(criterion.code): '\(recorded.decision)' from the appraised \(appraised) cannot give \(value)"
                )
            }
        default:
            throw RuleViolation(
                "a spot-check decision is recognise, not-recognise, raise or lower, not '\(recorded.decision)'")
        }
        if recorded.decision != "recognise" && reason.isEmpty {
            throw RuleViolation(
                "\(recorded.unit), criterion \(criterion.code): a spot-check that does not recognise the appraisal needs a reason"
            )
        }
        score.spotCheck = mark(event, points: value, reason: reason.isEmpty ? nil : reason, decision: recorded.decision)
        try putScore(score, recorded.cycle, recorded.unit, criterion.code, event, txn)
    }

    private func concludeSpotCheck(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let step = try PARPayload.SpotCheckConcluded.decode(event)
        var (_, _, unit, _) = try context(event, cycle: step.cycle, unit: step.unit, txn)
        try checkSpotCheckable(event, unit, step.unit)
        unit.spotCheckConcluded = true
        try putUnit(unit, step.cycle, step.unit, txn)
    }

    private func importSurvey(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let imported = try PARPayload.SurveyScoresImported.decode(event)
        let (_, _, _, framework) = try context(event, cycle: imported.cycle, unit: imported.unit, txn)
        for row in imported.scores {
            let criterion = try leaf(row.criterion, of: framework, method: .survey, unit: imported.unit)
            var score = try score(imported.cycle, imported.unit, criterion.code, in: txn)
            score.survey = mark(
                event, points: try points(row.points, for: criterion, unit: imported.unit),
                reason: "survey file \(imported.source.prefix(16))…")
            try putScore(score, imported.cycle, imported.unit, criterion.code, event, txn)
        }
    }

    private func exclude(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let excluded = try PARPayload.UnitExcludedFromRanking.decode(event)
        var (_, _, unit, _) = try context(event, cycle: excluded.cycle, unit: excluded.unit, txn)
        guard !excluded.reason.isEmpty else { throw RuleViolation("leaving a unit out of the ranking needs a reason") }
        unit.excludedFromRanking = excluded.reason
        try putUnit(unit, excluded.cycle, excluded.unit, txn)
    }

    private func publish(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let published = try PARPayload.ResultsPublished.decode(event)
        guard var cycle = try cycle(published.cycle, in: txn) else {
            throw RuleViolation.notFound("no cycle '\(published.cycle)'")
        }
        guard event.stream == PAREvents.cycleStream(published.cycle) else {
            throw RuleViolation("ResultsPublished belongs in the stream '\(PAREvents.cycleStream(published.cycle))'")
        }
        guard cycle.publication == nil else {
            throw RuleViolation.stage("cycle '\(published.cycle)' is already published")
        }
        guard !published.decision.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw RuleViolation("a publication cites the decision that publishes the results")
        }
        let missing = try publicationPrerequisitesMissing(cycle, date: published.date, txn)
        guard missing.isEmpty else {
            throw RuleViolation.stage(
                "cycle '\(published.cycle)' cannot be published yet: " + missing.joined(separator: "; "))
        }
        let results = try CycleResults.compute(cycle: cycle, projector: self, txn: txn)
        guard results.hash == published.resultsHash else {
            throw RuleViolation(
                "the published results hash \(published.resultsHash.prefix(16))… does not match the results the events give (\(results.hash.prefix(16))…)"
            )
        }
        cycle.publication = CycleRecord.PublicationRecord(
            decision: published.decision, date: published.date,
            resultsHash: published.resultsHash, sequence: event.sequence)
        try putCycle(cycle, event, txn)
    }

    /// Everything a publication still lacks, each in words: the date in its window, every appraisal
    /// sealed and closed, every kind drawn, every drawn unit's spot-check concluded, and every ranked
    /// unit's survey points.
    private func publicationPrerequisitesMissing(_ cycle: CycleRecord, date: String, _ txn: ProjectionReader) throws
        -> [String]
    {
        var missing: [String] = []
        let window = cycle.opened.effectivePublicationWindow
        if !window.contains(date) {
            missing.append(
                "the decision's date '\(date)' is not a date from \(window.from) to \(window.until), the publication window"
            )
        }
        let cycleID = cycle.opened.cycle
        var unsealed: [String] = []
        var unchecked: [String] = []
        var unsurveyed: [String] = []
        for unit in cycle.opened.units {
            guard let record = try unitRecord(cycleID, unit.id, in: txn) else { continue }
            if record.stage != .appraised { unsealed.append(unit.id) }
            if record.spotChecked && !record.spotCheckConcluded { unchecked.append(unit.id) }
            guard record.excludedFromRanking == nil, let frameworkID = cycle.frameworkID(for: unit.kind),
                let framework = try framework(frameworkID, in: txn)
            else { continue }
            let scores = try scores(cycleID, unit.id, in: txn)
            let lacking = framework.leaves.filter { $0.method == .survey && scores[$0.code]?.survey == nil }.map(\.code)
            if !lacking.isEmpty {
                let shown =
                    lacking.prefix(5).joined(separator: ", ") + (lacking.count > 5 ? ", … \(lacking.count) in all" : "")
                unsurveyed.append("\(unit.id) (\(shown))")
            }
        }
        if !unsealed.isEmpty { missing.append("appraisal not sealed: \(unsealed.joined(separator: ", "))") }
        if cycle.appraisalClosed == nil { missing.append("the council has not closed the appraisal") }
        for kind in UnitKind.allCases
        where cycle.opened.units.contains(where: { $0.kind == kind }) && cycle.draws[kind.rawValue] == nil {
            missing.append("the spot-check of \(kind.rawValue)s has not been drawn")
        }
        if !unchecked.isEmpty { missing.append("spot-check not concluded: \(unchecked.joined(separator: ", "))") }
        if !unsurveyed.isEmpty { missing.append("survey points missing: \(unsurveyed.joined(separator: ", "))") }
        return missing
    }

    private func correct(_ event: RecordedEvent, _ txn: ProjectionWriter) throws {
        let corrected = try PARPayload.CorrectionRecorded.decode(event)
        let (_, _, _, framework) = try context(
            event, cycle: corrected.cycle, unit: corrected.unit, txn, afterPublication: true)
        let criterion = try leaf(corrected.criterion, of: framework, method: nil, unit: corrected.unit)
        guard !corrected.decision.isEmpty, !corrected.reason.isEmpty else {
            throw RuleViolation("a correction cites the decision that orders it and gives a reason")
        }
        var score = try score(corrected.cycle, corrected.unit, criterion.code, in: txn)
        score.correction = mark(
            event, points: try points(corrected.points, for: criterion, unit: corrected.unit),
            reason: corrected.reason, decision: corrected.decision)
        try putScore(score, corrected.cycle, corrected.unit, criterion.code, event, txn)
    }
}
