package import Ledger
public import LedgerFormat

// The unit's self-assessment: scores, not-applicable marks, its submission and its withdrawal.
// Each event type: its payload, its type name, roles, stream and canonical coding (PAREvent), and
// the rule that judges it (CycleRules+SelfAssessment.swift), beside each other.

extension PAREvents {
    public struct SelfScoreRecorded: Sendable {
        public let cycle: String
        public let unit: String
        public let criterion: String
        public let points: String
        public let evidence: [EvidenceCitation]
        public let explanation: String?

        public init(
            cycle: String, unit: String, criterion: String, points: String, evidence: [EvidenceCitation],
            explanation: String?
        ) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.criterion = criterion.nfc
            self.points = points.nfc
            self.evidence = evidence
            self.explanation = explanation?.nfc
        }
    }
}

extension PAREvents.SelfScoreRecorded: PAREvent {
    public static let type = "SelfScoreRecorded"
    public static let roles: [Role] = [.unitOfficer]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        payloadObject([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "points": .text(points),
            "evidence": .array(evidence.map(\.json)), "explanation": explanation.map(JSONValue.text),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            points: try payload.string("points"),
            evidence: try payload.objects("evidence", EvidenceCitation.init(payload:)),
            explanation: try payload.optionalString("explanation"))
    }
}

extension PAREvents.SelfScoreRecorded: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.recordSelfScore(event)
    }
}

extension PAREvents {
    public struct NotApplicableMarked: Sendable {
        public let cycle: String
        public let unit: String
        public let criterion: String
        public let legalBasis: String

        public init(cycle: String, unit: String, criterion: String, legalBasis: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.criterion = criterion.nfc
            self.legalBasis = legalBasis.nfc
        }
    }
}

extension PAREvents.NotApplicableMarked: PAREvent {
    public static let type = "NotApplicableMarked"
    public static let roles: [Role] = [.unitOfficer]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "legalBasis": .text(legalBasis),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            legalBasis: try payload.string("legalBasis"))
    }
}

extension PAREvents.NotApplicableMarked: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.markNotApplicable(event)
    }
}

extension PAREvents {
    /// The unit sends its whole self-assessment for appraisal: under its head's signature in a cycle
    /// of scheme 2 (officers prepare the sheet), by its officer in a cycle of scheme 1.
    public struct SelfAssessmentSubmitted: UnitStepEvent {
        public static let type = "SelfAssessmentSubmitted"
        public static let roles: [Role] = [.unitOfficer, .unitHead]
        public let cycle: String
        public let unit: String

        public init(cycle: String, unit: String) {
            (self.cycle, self.unit) = (cycle.nfc, unit.nfc)
        }
    }
}

extension PAREvents.SelfAssessmentSubmitted: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws { try rules.submit(event) }
}

extension PAREvents {
    /// The unit takes back a submitted self-assessment to edit it before the deadline, while the
    /// council has recorded nothing on the unit (its head signs in a cycle of scheme 2, its officer in
    /// one of scheme 1); the self-scores stay and the unit submits again.
    public struct SelfAssessmentWithdrawn: UnitReasonEvent {
        public static let type = "SelfAssessmentWithdrawn"
        public static let roles: [Role] = [.unitOfficer, .unitHead]
        public let cycle: String
        public let unit: String
        public let reason: String

        public init(cycle: String, unit: String, reason: String) {
            (self.cycle, self.unit, self.reason) = (cycle.nfc, unit.nfc, reason.nfc)
        }
    }
}

extension PAREvents.SelfAssessmentWithdrawn: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws { try rules.withdraw(event) }
}
