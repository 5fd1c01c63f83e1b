package import Ledger
public import LedgerFormat

// The survey's points, the publication of the results and the corrections after it.
// Each event type: its payload, its type name, roles, stream and canonical coding (PAREvent), and
// the rule that judges it (CycleRules+Publication.swift), beside each other.

extension PAREvents {
    public struct SurveyScore: Sendable, Hashable {
        public let criterion: String
        public let points: String

        public init(criterion: String, points: String) {
            self.criterion = criterion.nfc
            self.points = points.nfc
        }
    }
}

extension PAREvents {
    public struct SurveyScoresImported: Sendable {
        public let cycle: String
        public let unit: String
        public let scores: [SurveyScore]
        /// SHA-256 of the imported file.
        public let source: String

        public init(cycle: String, unit: String, scores: [SurveyScore], source: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.scores = scores
            self.source = source.nfc
        }
    }
}

extension PAREvents.SurveyScoresImported: PAREvent {
    public static let type = "SurveyScoresImported"
    public static let roles: [Role] = [.surveyContractor]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "source": .string(source),
            "scores": .array(scores.map { .object(["criterion": .text($0.criterion), "points": .text($0.points)]) }),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            scores: try payload.objects("scores") { (row) throws(RuleViolation) in
                PAREvents.SurveyScore(criterion: try row.string("criterion"), points: try row.string("points"))
            },
            source: try payload.string("source"))
    }
}

extension PAREvents.SurveyScoresImported: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.importSurvey(event)
    }
}

extension PAREvents {
    public struct ResultsPublished: ResultsDecisionEvent {
        public static let type = "ResultsPublished"
        public static let roles: [Role] = [.secretariat]
        public let cycle: String
        public let decision: String
        public let date: String
        /// SHA-256 of the canonical published results.
        public let resultsHash: String

        public init(cycle: String, decision: String, date: String, resultsHash: String) {
            self.cycle = cycle.nfc
            self.decision = decision.nfc
            self.date = date.nfc
            self.resultsHash = resultsHash.nfc
        }
    }
}

extension PAREvents.ResultsPublished: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws { try rules.publish(event) }
}

extension PAREvents {
    public struct CorrectionRecorded: Sendable {
        public let cycle: String
        public let unit: String
        public let criterion: String
        public let points: String
        public let decision: String
        public let reason: String
        /// The id of the unit's objection (kiến nghị) this correction resolves, if it resolves one; absent
        /// from the payload when nil, as in corrections recorded before objections existed.
        public let objection: String?

        public init(
            cycle: String, unit: String, criterion: String, points: String, decision: String, reason: String,
            objection: String? = nil
        ) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.criterion = criterion.nfc
            self.points = points.nfc
            self.decision = decision.nfc
            self.reason = reason.nfc
            self.objection = objection?.nfc
        }
    }
}

extension PAREvents.CorrectionRecorded: PAREvent {
    public static let type = "CorrectionRecorded"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        payloadObject([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "points": .text(points),
            "decision": .text(decision), "reason": .text(reason), "objection": objection.map(JSONValue.text),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            points: try payload.string("points"), decision: try payload.string("decision"),
            reason: try payload.string("reason"), objection: try payload.optionalString("objection"))
    }
}

extension PAREvents.CorrectionRecorded: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws { try rules.correct(event) }
}
