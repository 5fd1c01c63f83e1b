import Ledger
public import LedgerFormat

/// The province's decision establishing the council of a cycle of scheme 2, recorded by the secretariat.
public struct EstablishCouncil: PAROperation {
    public static let name = "establish-council"
    public let cycle: String
    public let decision: String
    public let members: [Seat]
    /// The share of the members a meeting needs, in percent (points).
    public let quorumPercent: String

    /// A seat as the decision names it: `chair`, `secretary` or `member`, and its fields by unit kind.
    public struct Seat: Codable, Sendable {
        public let actor: String
        public let position: String
        public let fields: [String: [String]]

        public init(actor: String, position: String, fields: [String: [String]]) {
            (self.actor, self.position, self.fields) = (actor, position, fields)
        }
    }

    public init(cycle: String, decision: String, members: [Seat], quorumPercent: String) {
        (self.cycle, self.decision, self.members, self.quorumPercent) = (cycle, decision, members, quorumPercent)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        let seats = members.map { PAREvents.CouncilSeat(actor: $0.actor, position: $0.position, fields: $0.fields) }
        return [
            PAREvents.CouncilEstablished(cycle: cycle, decision: decision, members: seats, quorumPercent: quorumPercent)
                .draft
        ]
    }
}

/// The council's secretary records a meeting, its attendees and its minutes (a document).
public struct RecordMeeting: PAROperation {
    public static let name = "record-meeting"
    public let cycle: String
    public let meeting: String
    /// YYYY-MM-DD.
    public let date: String
    public let attendees: [String]
    /// The SHA-256 of the minutes, attached to the command or recorded before.
    public let minutes: String

    public init(cycle: String, meeting: String, date: String, attendees: [String], minutes: String) {
        (self.cycle, self.meeting, self.date, self.attendees, self.minutes) = (cycle, meeting, date, attendees, minutes)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.CouncilMeetingHeld(
                cycle: cycle, meeting: meeting, date: date, attendees: attendees,
                minutes: try context.citation(minutes)
            ).draft
        ]
    }
}

/// A council member contests the appraisal of a criterion, for the council to vote on.
public struct ContestAdjustment: PAROperation {
    public static let name = "contest"
    public let cycle: String
    public let unit: String
    public let criterion: String
    public let reason: String

    public init(cycle: String, unit: String, criterion: String, reason: String) {
        (self.cycle, self.unit, self.criterion, self.reason) = (cycle, unit, criterion, reason)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.AdjustmentContested(cycle: cycle, unit: unit, criterion: criterion, reason: reason).draft]
    }
}

/// The council's secretary records the vote at a meeting on a contested criterion.
public struct RecordVote: PAROperation {
    public static let name = "record-vote"
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
        (self.cycle, self.unit, self.criterion, self.meeting) = (cycle, unit, criterion, meeting)
        (self.points, self.inFavour, self.against) = (points, inFavour, against)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.CouncilVoteRecorded(
                cycle: cycle, unit: unit, criterion: criterion, meeting: meeting, points: points, inFavour: inFavour,
                against: against
            ).draft
        ]
    }
}

/// The chair sends the council's scoring report (a document) to the province.
public struct SubmitCouncilReport: PAROperation {
    public static let name = "council-report"
    public let cycle: String
    /// The SHA-256 of the report, attached to the command or recorded before.
    public let report: String

    public init(cycle: String, report: String) { (self.cycle, self.report) = (cycle, report) }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.CouncilReportSubmitted(cycle: cycle, report: try context.citation(report)).draft]
    }
}
