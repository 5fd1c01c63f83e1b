import Foundation
import Ledger

/// Every rule of the cycle (FORMAT.md, Rules of the cycle), checked against the state the preceding
/// events left, and the event folded into the projections when every rule holds. It reads and writes
/// the projections only through `ScoringProjector`, which owns their storage; the rules of each
/// stage live in the `CycleRules+…` files.
struct CycleRules {
    let store: ScoringProjector
    /// The event's payload when it was parsed ahead (a rebuild reads and parses on another thread).
    var parsedPayload: JSONValue? = nil

    /// The event's payload as `T`, from `parsedPayload` when there is one.
    func payload<T: PAREvent>(_: T.Type, of event: RecordedEvent) throws(RuleViolation) -> T {
        guard let parsedPayload else { return try T.decode(event) }
        return try T(payload: try PayloadReader(parsedPayload, type: T.type))
    }

    func apply(_ event: RecordedEvent, in txn: ProjectionWriter) throws {
        switch event.type {
        case PARPayload.FrameworkRegistered.type: try registerFramework(event, txn)
        case PARPayload.CycleOpened.type: try openCycle(event, txn)
        case PARPayload.DeadlineExtended.type: try extendDeadline(event, txn)
        case PARPayload.SelfScoreRecorded.type: try recordSelfScore(event, txn)
        case PARPayload.NotApplicableMarked.type: try markNotApplicable(event, txn)
        case PARPayload.SelfAssessmentSubmitted.type: try submit(event, txn)
        case PARPayload.SelfAssessmentWithdrawn.type: try withdraw(event, txn)
        case PARPayload.ExplanationRequested.type: try requestExplanation(event, txn)
        case PARPayload.ExplanationGiven.type: try giveExplanation(event, txn)
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
        case PARPayload.ObjectionFiled.type: try fileObjection(event, txn)
        case PARPayload.ObjectionAnswered.type: try answerObjection(event, txn)
        case PARPayload.EvidenceAdded.type: try addEvidence(event, txn)
        default: return
        }
    }

    func mark(
        _ event: RecordedEvent, points: Points?, reason: String? = nil,
        evidence: [EvidenceCitation]? = nil, decision: String? = nil
    ) -> Mark {
        Mark(
            points: points?.description, actor: event.actor, sequence: event.sequence, at: event.recordedAt.iso8601,
            reason: reason, evidence: evidence, decision: decision)
    }

    /// The score of a criterion that is not marked not applicable; a marked one refuses the event.
    func applicableScore(_ cycle: String, _ unit: String, _ criterion: String, in txn: ProjectionReader) throws
        -> CriterionScore
    {
        let current = try store.score(cycle, unit, criterion, in: txn)
        guard current.notApplicable == nil else {
            throw RuleViolation("\(unit), criterion \(criterion) is marked not applicable")
        }
        return current
    }

    /// Refuses citations of documents that were never added.
    func checkCited(_ citations: [EvidenceCitation], _ txn: ProjectionReader) throws {
        for citation in citations {
            guard EventHash(hex: citation.sha256) != nil, !citation.name.isEmpty else {
                throw RuleViolation("evidence '\(citation.name)' needs a name and a SHA-256 of 64 hex digits")
            }
            guard try txn.value(for: Array(citation.sha256.utf8), in: store.evidenceDB) != nil else {
                throw RuleViolation(
                    "evidence '\(citation.name)' (\(citation.sha256.prefix(16))…) was never added; add the document first"
                )
            }
        }
    }

    /// The cycle and unit an event is about, checked: the cycle exists and is not published (unless
    /// `afterPublication`), the unit belongs to it, and the event is in the unit's stream.
    func context(
        _ event: RecordedEvent, cycle cycleID: String, unit unitID: String, _ txn: ProjectionReader,
        afterPublication: Bool = false
    ) throws -> (CycleRecord, CycleUnit, UnitRecord, Framework) {
        guard let cycle = try store.cycle(cycleID, in: txn) else {
            throw RuleViolation.notFound("no cycle '\(cycleID)'")
        }
        guard let unit = cycle.unit(unitID), let record = try store.unitRecord(cycleID, unitID, in: txn) else {
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
        guard let frameworkID = cycle.frameworkID(for: unit.kind),
            let framework = try store.framework(frameworkID, in: txn)
        else {
            throw RuleViolation.notFound("cycle '\(cycleID)' has no framework for \(unit.kind.rawValue)s")
        }
        return (cycle, unit, record, framework)
    }

    func leaf(_ code: String, of framework: Framework, method: ScoringMethod?, unit: String) throws -> Criterion {
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

    func points(_ text: String, for criterion: Criterion, unit: String) throws -> Points {
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

    func checkDeadline(_ event: RecordedEvent, _ cycle: CycleRecord, _ unit: UnitRecord, _ unitID: String)
        throws
    {
        let deadline = Timestamp(iso8601: unit.deadlineExtendedUntil ?? cycle.opened.selfAssessmentDeadline)
        if let deadline, event.recordedAt > deadline {
            throw RuleViolation.stage(
                "the self-assessment deadline for '\(unitID)' passed at \(deadline.iso8601); the secretariat can record an extension"
            )
        }
    }

    /// The cycle of a cycle-wide event (in the cycle's stream), open and not published.
    func openCycleRecord(_ event: RecordedEvent, _ cycleID: String, _ txn: ProjectionReader) throws
        -> CycleRecord
    {
        guard let cycle = try store.cycle(cycleID, in: txn) else {
            throw RuleViolation.notFound("no cycle '\(cycleID)'")
        }
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
}
