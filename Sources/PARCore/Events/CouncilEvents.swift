package import Ledger
public import LedgerFormat

// The appraisal council: its members, their appraisals, the chair's seal and reopening, and the close of the appraisal.
// Each event type: its payload, its type name, roles, stream and canonical coding (PAREvent), and
// the rule that judges it (CycleRules+Council.swift), beside each other.

extension PAREvents {
    /// The secretariat names a council member's fields for a cycle, and whether they chair it.
    public struct CouncilMemberAssigned: Sendable, Hashable {
        public let cycle: String
        public let actor: String
        /// Field codes (top-level criteria) per unit kind (`department`, `district`).
        public let fields: [String: [String]]
        public let chair: Bool

        public init(cycle: String, actor: String, fields: [UnitKind: [String]], chair: Bool) {
            self.init(
                cycle: cycle, actor: actor,
                fieldsByKind: Dictionary(uniqueKeysWithValues: fields.map { ($0.key.rawValue, $0.value) }),
                chair: chair)
        }

        /// The payload as written: field codes by kind name.
        public init(cycle: String, actor: String, fieldsByKind: [String: [String]], chair: Bool) {
            self.cycle = cycle.nfc
            self.actor = actor.nfc
            self.fields = fieldsByKind
            self.chair = chair
        }
    }
}

extension PAREvents.CouncilMemberAssigned: PAREvent {
    public static let type = "CouncilMemberAssigned"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { PAREvents.cycleStream(cycle) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "actor": .text(actor), "chair": .bool(chair),
            "fields": .object(fields.mapValues { .array($0.map(JSONValue.string)) }),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        let fields = try payload.dictionary("fields") { value in
            value.arrayValue.flatMap { items in
                items.allSatisfy { $0.stringValue != nil } ? items.compactMap(\.stringValue) : nil
            }
        }
        self.init(
            cycle: try payload.string("cycle"), actor: try payload.string("actor"), fieldsByKind: fields,
            chair: try payload.bool("chair"))
    }
}

extension PAREvents.CouncilMemberAssigned: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.assignCouncilMember(event)
    }
}

extension PAREvents {
    public struct AppraisalScoreRecorded: Sendable {
        public let cycle: String
        public let unit: String
        public let criterion: String
        public let points: String
        public let reason: String?
        public let evidence: [EvidenceCitation]?

        public init(
            cycle: String, unit: String, criterion: String, points: String, reason: String?,
            evidence: [EvidenceCitation]?
        ) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.criterion = criterion.nfc
            self.points = points.nfc
            self.reason = reason?.nfc
            self.evidence = evidence
        }
    }
}

extension PAREvents.AppraisalScoreRecorded: PAREvent {
    public static let type = "AppraisalScoreRecorded"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        payloadObject([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "points": .text(points),
            "reason": reason.map(JSONValue.text), "evidence": evidence.map { .array($0.map(\.json)) },
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            points: try payload.string("points"), reason: try payload.optionalString("reason"),
            evidence: try payload.optionalObjects("evidence", EvidenceCitation.init(payload:)))
    }
}

extension PAREvents.AppraisalScoreRecorded: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.recordAppraisal(event)
    }
}

extension PAREvents {
    /// The council refuses a unit's not-applicable claim: the criterion is scored again.
    public struct NotApplicableRejected: Sendable {
        public let cycle: String
        public let unit: String
        public let criterion: String
        public let reason: String

        public init(cycle: String, unit: String, criterion: String, reason: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.criterion = criterion.nfc
            self.reason = reason.nfc
        }
    }
}

extension PAREvents.NotApplicableRejected: PAREvent {
    public static let type = "NotApplicableRejected"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        .object(["cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "reason": .text(reason)])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            reason: try payload.string("reason"))
    }
}

extension PAREvents.NotApplicableRejected: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.rejectNotApplicable(event)
    }
}

extension PAREvents {
    /// The council's chair seals a unit's appraisal; what was not appraised is recognised as self-scored.
    /// In a cycle of scheme 2 the seal cites the council's meeting that agreed the unit's results.
    public struct AppraisalConcluded: Sendable, Hashable {
        public let cycle: String
        public let unit: String
        /// The meeting (CouncilMeetingHeld) that agreed the results; absent in cycles of scheme 1.
        public let meeting: String?

        public init(cycle: String, unit: String, meeting: String? = nil) {
            (self.cycle, self.unit, self.meeting) = (cycle.nfc, unit.nfc, meeting?.nfc)
        }
    }
}

extension PAREvents.AppraisalConcluded: PAREvent {
    public static let type = "AppraisalConcluded"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        payloadObject(["cycle": .text(cycle), "unit": .text(unit), "meeting": meeting.map(JSONValue.text)])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            meeting: try payload.optionalString("meeting"))
    }
}

extension PAREvents.AppraisalConcluded: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.concludeAppraisal(event)
    }
}

extension PAREvents {
    /// The chair reopens a sealed appraisal, with the reason.
    public struct AppraisalReopened: UnitReasonEvent {
        public static let type = "AppraisalReopened"
        public static let roles: [Role] = [.councilMember]
        public let cycle: String
        public let unit: String
        public let reason: String

        public init(cycle: String, unit: String, reason: String) {
            (self.cycle, self.unit, self.reason) = (cycle.nfc, unit.nfc, reason.nfc)
        }
    }
}

extension PAREvents.AppraisalReopened: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.reopenAppraisal(event)
    }
}

extension PAREvents {
    /// The chair closes the cycle's appraisal: nothing of it changes after, and this event's hash
    /// seeds the spot-check draw.
    public struct AppraisalClosed: Sendable {
        public let cycle: String

        public init(cycle: String) {
            self.cycle = cycle.nfc
        }
    }
}

extension PAREvents.AppraisalClosed: PAREvent {
    public static let type = "AppraisalClosed"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { PAREvents.cycleStream(cycle) }
    public var json: JSONValue { .object(["cycle": .text(cycle)]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(cycle: try payload.string("cycle"))
    }
}

extension PAREvents.AppraisalClosed: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.closeAppraisal(event)
    }
}
