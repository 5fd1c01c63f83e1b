import Foundation
public import Ledger
import LedgerFormat

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

    package init(
        event: RecordedEvent, stage: String, before: String, after: String, reason: String?,
        evidence: [EvidenceCitation]
    ) {
        (self.event, self.stage, self.before, self.after) = (event, stage, before, after)
        (self.reason, self.evidence) = (reason, evidence)
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
    /// The units across reorganisations.
    func unitMap() throws -> UnitMap
}
