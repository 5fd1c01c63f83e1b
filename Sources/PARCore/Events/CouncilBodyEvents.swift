package import Ledger
public import LedgerFormat

// The council as a body (cycles of scheme 2): established by the province's decision, it meets with
// a quorum, decides a contested adjustment by a recorded vote, and reports to the province.
// Each event type: its payload, its type name, roles, stream and canonical coding (PAREvent), and
// the rule that judges it (CycleRules+CouncilBody.swift), beside each other.

extension PAREvents {
    /// A seat on the council as the establishing decision names it.
    public struct CouncilSeat: Sendable, Hashable {
        /// `chair`, `secretary` or `member`.
        public let position: String
        public let actor: String
        /// Field codes (top-level criteria) per unit kind; the secretary may have none.
        public let fields: [String: [String]]

        public init(actor: String, position: String, fields: [String: [String]]) {
            (self.actor, self.position, self.fields) = (actor.nfc, position, fields)
        }

        var json: JSONValue {
            .object([
                "actor": .text(actor), "position": .string(position),
                "fields": .object(fields.mapValues { .array($0.map(JSONValue.string)) }),
            ])
        }
    }

    /// The province establishes the cycle's appraisal council (Hội đồng thẩm định) by its decision:
    /// the members with their positions and fields, and the quorum its meetings need.
    public struct CouncilEstablished: Sendable, Hashable {
        public let cycle: String
        public let decision: String
        public let members: [CouncilSeat]
        /// The share of the members a meeting needs, in percent (points, e.g. "50").
        public let quorumPercent: String

        public init(cycle: String, decision: String, members: [CouncilSeat], quorumPercent: String) {
            (self.cycle, self.decision, self.members) = (cycle.nfc, decision.nfc, members)
            self.quorumPercent = quorumPercent
        }
    }
}

extension PAREvents.CouncilEstablished: PAREvent {
    public static let type = "CouncilEstablished"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { PAREvents.cycleStream(cycle) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "decision": .text(decision), "members": .array(members.map(\.json)),
            "quorumPercent": .string(quorumPercent),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), decision: try payload.string("decision"),
            members: try payload.objects("members") { (seat) throws(RuleViolation) in
                PAREvents.CouncilSeat(
                    actor: try seat.string("actor"), position: try seat.string("position"),
                    fields: try seat.dictionary("fields") { value in
                        value.arrayValue.flatMap { items in
                            items.allSatisfy { $0.stringValue != nil } ? items.compactMap(\.stringValue) : nil
                        }
                    })
            },
            quorumPercent: try payload.string("quorumPercent"))
    }
}

extension PAREvents.CouncilEstablished: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.establishCouncil(event)
    }
}

extension PAREvents {
    /// The council's secretary records a meeting: its date, who attended, and the minutes (biên bản).
    public struct CouncilMeetingHeld: Sendable, Hashable {
        public let cycle: String
        /// The meeting's id, unique in the cycle.
        public let meeting: String
        /// `YYYY-MM-DD`.
        public let date: String
        public let attendees: [String]
        public let minutes: EvidenceCitation

        public init(cycle: String, meeting: String, date: String, attendees: [String], minutes: EvidenceCitation) {
            (self.cycle, self.meeting, self.date) = (cycle.nfc, meeting.nfc, date)
            (self.attendees, self.minutes) = (attendees.map(\.nfc), minutes)
        }
    }
}

extension PAREvents.CouncilMeetingHeld: PAREvent {
    public static let type = "CouncilMeetingHeld"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { PAREvents.cycleStream(cycle) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "meeting": .text(meeting), "date": .string(date),
            "attendees": .array(attendees.map(JSONValue.text)), "minutes": minutes.json,
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), meeting: try payload.string("meeting"),
            date: try payload.string("date"),
            attendees: try payload.strings("attendees"),
            minutes: try payload.object("minutes") { (citation) throws(RuleViolation) in
                try EvidenceCitation(payload: citation)
            })
    }
}

extension PAREvents.CouncilMeetingHeld: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.holdMeeting(event)
    }
}

extension PAREvents {
    /// A council member contests the appraisal recorded on a criterion; the council decides it by vote.
    public struct AdjustmentContested: Sendable, Hashable {
        public let cycle: String
        public let unit: String
        public let criterion: String
        public let reason: String

        public init(cycle: String, unit: String, criterion: String, reason: String) {
            (self.cycle, self.unit, self.criterion, self.reason) = (cycle.nfc, unit.nfc, criterion.nfc, reason.nfc)
        }
    }
}

extension PAREvents.AdjustmentContested: PAREvent {
    public static let type = "AdjustmentContested"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "reason": .text(reason),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"), reason: try payload.string("reason"))
    }
}

extension PAREvents.AdjustmentContested: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.contest(event)
    }
}

extension PAREvents {
    /// The council's vote at a meeting on a contested criterion: the points proposed, who voted for
    /// and against. A majority of the votes cast sets the appraisal to the points; else it stands.
    public struct CouncilVoteRecorded: Sendable, Hashable {
        public let cycle: String
        public let unit: String
        public let criterion: String
        public let meeting: String
        public let points: String
        public let inFavour: [String]
        public let against: [String]

        public init(
            cycle: String, unit: String, criterion: String, meeting: String, points: String, inFavour: [String],
            against: [String]
        ) {
            (self.cycle, self.unit, self.criterion, self.meeting) = (cycle.nfc, unit.nfc, criterion.nfc, meeting.nfc)
            (self.points, self.inFavour, self.against) = (points, inFavour.map(\.nfc), against.map(\.nfc))
        }
    }
}

extension PAREvents.CouncilVoteRecorded: PAREvent {
    public static let type = "CouncilVoteRecorded"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "meeting": .text(meeting),
            "points": .text(points), "inFavour": .array(inFavour.map(JSONValue.text)),
            "against": .array(against.map(JSONValue.text)),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"), meeting: try payload.string("meeting"),
            points: try payload.string("points"), inFavour: try payload.strings("inFavour"),
            against: try payload.strings("against"))
    }
}

extension PAREvents.CouncilVoteRecorded: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.recordVote(event)
    }
}

extension PAREvents {
    /// The chair sends the council's scoring report (báo cáo kết quả thẩm định) to the province.
    public struct CouncilReportSubmitted: Sendable, Hashable {
        public let cycle: String
        public let report: EvidenceCitation

        public init(cycle: String, report: EvidenceCitation) {
            (self.cycle, self.report) = (cycle.nfc, report)
        }
    }
}

extension PAREvents.CouncilReportSubmitted: PAREvent {
    public static let type = "CouncilReportSubmitted"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { PAREvents.cycleStream(cycle) }
    public var json: JSONValue { .object(["cycle": .text(cycle), "report": report.json]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"),
            report: try payload.object("report") { (citation) throws(RuleViolation) in
                try EvidenceCitation(payload: citation)
            })
    }
}

extension PAREvents.CouncilReportSubmitted: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.submitCouncilReport(event)
    }
}
