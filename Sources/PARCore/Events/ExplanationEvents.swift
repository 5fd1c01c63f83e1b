package import Ledger
public import LedgerFormat

// The council's requests for explanations (giải trình) and the unit's answers.
// Each event type: its payload, its type name, roles, stream and canonical coding (PAREvent), and
// the rule that judges it (CycleRules+Explanations.swift), beside each other.

extension PAREvents {
    /// A council member asks the unit for an explanation (giải trình) of one criterion of its submitted
    /// self-assessment; `request` is the id the answer names.
    public struct ExplanationRequested: Sendable {
        public let cycle: String
        public let unit: String
        public let criterion: String
        /// The request's id: a slug, unique within the unit and the cycle.
        public let request: String
        public let question: String

        public init(cycle: String, unit: String, criterion: String, request: String, question: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.criterion = criterion.nfc
            self.request = request.nfc
            self.question = question.nfc
        }
    }
}

extension PAREvents.ExplanationRequested: PAREvent {
    public static let type = "ExplanationRequested"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "request": .text(request),
            "question": .text(question),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"), request: try payload.string("request"),
            question: try payload.string("question"))
    }
}

extension PAREvents.ExplanationRequested: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.requestExplanation(event)
    }
}

extension PAREvents {
    /// The unit officer answers a council member's request for an explanation, citing documents.
    public struct ExplanationGiven: Sendable {
        public let cycle: String
        public let unit: String
        /// The id of the request answered.
        public let request: String
        public let answer: String
        /// The SHA-256 (hex) of each document cited; each must have been added.
        public let evidence: [String]

        public init(cycle: String, unit: String, request: String, answer: String, evidence: [String]) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.request = request.nfc
            self.answer = answer.nfc
            self.evidence = evidence
        }
    }
}

extension PAREvents.ExplanationGiven: PAREvent {
    public static let type = "ExplanationGiven"
    public static let roles: [Role] = [.unitOfficer]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "request": .text(request), "answer": .text(answer),
            "evidence": .array(evidence.map(JSONValue.string)),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            request: try payload.string("request"),
            answer: try payload.string("answer"), evidence: try payload.strings("evidence"))
    }
}

extension PAREvents.ExplanationGiven: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.giveExplanation(event)
    }
}
