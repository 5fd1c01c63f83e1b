package import Ledger
public import LedgerFormat

// A unit's objections (kiến nghị) to its published result and the secretariat's answers.
// Each event type: its payload, its type name, roles, stream and canonical coding (PAREvent), and
// the rule that judges it (CycleRules+Objections.swift), beside each other.

extension PAREvents {
    /// After publication, a unit's officer objects (kiến nghị) to its published result, optionally to one
    /// criterion, within `ObjectionWindow.days` days of the publication's decision date.
    public struct ObjectionFiled: Sendable {
        public let cycle: String
        public let unit: String
        /// The objection's id: a slug, unique within the cycle.
        public let objection: String
        /// The leaf criterion objected to, when the objection is about one.
        public let criterion: String?
        public let reason: String

        public init(cycle: String, unit: String, objection: String, criterion: String? = nil, reason: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.objection = objection.nfc
            self.criterion = criterion?.nfc
            self.reason = reason.nfc
        }
    }
}

extension PAREvents.ObjectionFiled: PAREvent {
    public static let type = "ObjectionFiled"
    public static let roles: [Role] = [.unitOfficer]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        payloadObject([
            "cycle": .text(cycle), "unit": .text(unit), "objection": .text(objection),
            "criterion": criterion.map(JSONValue.text), "reason": .text(reason),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            objection: try payload.string("objection"), criterion: try payload.optionalString("criterion"),
            reason: try payload.string("reason"))
    }
}

extension PAREvents.ObjectionFiled: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.fileObjection(event)
    }
}

extension PAREvents {
    /// The secretariat answers a unit's objection once: `accepted` or `rejected`, with the answer's text.
    /// An accepted objection is resolved by a `CorrectionRecorded` citing it.
    public struct ObjectionAnswered: Sendable {
        public let cycle: String
        public let unit: String
        /// The id of the objection answered.
        public let objection: String
        /// `accepted` or `rejected` (`ObjectionAnswered.decisions`).
        public let decision: String
        public let answer: String

        /// The decisions an answer may record.
        public static let decisions = ["accepted", "rejected"]

        public init(cycle: String, unit: String, objection: String, decision: String, answer: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.objection = objection.nfc
            self.decision = decision.nfc
            self.answer = answer.nfc
        }
    }
}

extension PAREvents.ObjectionAnswered: PAREvent {
    public static let type = "ObjectionAnswered"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "objection": .text(objection), "decision": .text(decision),
            "answer": .text(answer),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            objection: try payload.string("objection"), decision: try payload.string("decision"),
            answer: try payload.string("answer"))
    }
}

extension PAREvents.ObjectionAnswered: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.answerObjection(event)
    }
}
