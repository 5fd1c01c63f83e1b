package import Ledger
public import LedgerFormat

/// What a cycle of scheme 2 adds to its record: the council as a body, the chairman's delegations and
/// the province's approval, with their stored coding (members of the cycle record's JSON, absent from
/// the records of scheme-1 cycles, which so keep their bytes).
extension CycleRecord {
    /// The council as the province's decision established it, and what it did as a body: its
    /// meetings, the appraisals contested and how each vote went, the reopenings, and its report.
    public struct CouncilBody: Sendable, Hashable {
        public let established: PAREvents.CouncilEstablished
        public let sequence: UInt64
        public var meetings: [String: Meeting] = [:]
        /// Contested criteria by `unit criterion`.
        public var contests: [String: Contest] = [:]
        public var report: EvidenceCitation?
        /// The event that last reopened each unit's sealed appraisal: its next seal cites a meeting
        /// held after it.
        public var reopened: [String: UInt64] = [:]

        /// A meeting as its secretary recorded it, and the event that recorded it.
        public struct Meeting: Sendable, Hashable {
            public let held: PAREvents.CouncilMeetingHeld
            public let sequence: UInt64
        }

        /// An appraisal a member contested, and the vote that decided it once recorded.
        public struct Contest: Sendable, Hashable {
            public let unit: String
            public let criterion: String
            public let by: String
            public let reason: String
            public let sequence: UInt64
            /// The vote that decided it, once recorded: its event and whether the proposal carried.
            public var decidedAt: UInt64?
            public var carried: Bool?
        }

        /// The seat of `actor`, if it has one.
        public func seat(of actor: String) -> PAREvents.CouncilSeat? { established.members.first { $0.actor == actor } }

        public var secretary: String? { established.members.first { $0.position == "secretary" }?.actor }
        public var chair: String? { established.members.first { $0.position == "chair" }?.actor }

        static func contestKey(_ unit: String, _ criterion: String) -> String { unit + " " + criterion }
    }

    /// A chairman's assignment of the approval's signature to a vice-chairman.
    public struct DelegationRecord: Sendable, Hashable {
        public let decision: String
        /// The chairman who delegated.
        public let by: String
        public let sequence: UInt64
    }

    /// Who approved which results by which decision, and in what capacity.
    public struct ApprovalRecord: Sendable, Hashable {
        public let decision: String
        public let date: String
        public let resultsHash: String
        public let actor: String
        public let sequence: UInt64
        /// The chairman the signer signed for ("KT. CHỦ TỊCH"), nil when the chairman signed himself
        /// ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH").
        public let onBehalfOf: String?
        /// The delegation's decision when a vice-chairman signed.
        public let delegation: String?

        /// The signature block's first line, as the decision prints it.
        public var signedAs: String { onBehalfOf == nil ? "TM. ỦY BAN NHÂN DÂN" : "KT. CHỦ TỊCH" }
    }
}

extension CycleRecord {
    /// The scheme-2 members of the stored record, those that are set.
    var wholeSchemeMembers: [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if let councilBody {
            members["councilBody"] = payloadObject([
                "established": councilBody.established.json, "sequence": .integer(Int64(councilBody.sequence)),
                "meetings": .object(
                    councilBody.meetings.mapValues {
                        .object(["held": $0.held.json, "sequence": .integer(Int64($0.sequence))])
                    }),
                "contests": .object(
                    councilBody.contests.mapValues { contest in
                        payloadObject([
                            "unit": .text(contest.unit), "criterion": .text(contest.criterion), "by": .text(contest.by),
                            "reason": .text(contest.reason), "sequence": .integer(Int64(contest.sequence)),
                            "decidedAt": contest.decidedAt.map { .integer(Int64($0)) },
                            "carried": contest.carried.map(JSONValue.bool),
                        ])
                    }),
                "report": councilBody.report?.json,
                "reopened": councilBody.reopened.isEmpty
                    ? nil : .object(councilBody.reopened.mapValues { .integer(Int64($0)) }),
            ])
        }
        if !delegations.isEmpty {
            members["delegations"] = .object(
                delegations.mapValues {
                    .object([
                        "decision": .text($0.decision), "by": .text($0.by), "sequence": .integer(Int64($0.sequence)),
                    ])
                })
        }
        if let approval {
            members["approval"] = payloadObject([
                "decision": .text(approval.decision), "date": .string(approval.date),
                "resultsHash": .string(approval.resultsHash), "actor": .text(approval.actor),
                "sequence": .integer(Int64(approval.sequence)), "onBehalfOf": approval.onBehalfOf.map(JSONValue.text),
                "delegation": approval.delegation.map(JSONValue.text),
            ])
        }
        return members
    }

    /// Reads the scheme-2 members of a stored record.
    mutating func decodeWholeScheme(_ record: PayloadReader) throws(RuleViolation) {
        councilBody = try record.optionalObject("councilBody") { (body) throws(RuleViolation) in
            var decoded = CouncilBody(
                established: try PAREvents.CouncilEstablished(
                    payload: try PayloadReader(try body.raw("established"), type: PAREvents.CouncilEstablished.type)),
                sequence: UInt64(try body.integer("sequence")))
            for (id, value) in (try body.optionalObject("meetings") { $0 }?.members ?? [:]) {
                let meeting = try PayloadReader(value, type: "a stored meeting")
                decoded.meetings[id] = CouncilBody.Meeting(
                    held: try PAREvents.CouncilMeetingHeld(
                        payload: try PayloadReader(try meeting.raw("held"), type: PAREvents.CouncilMeetingHeld.type)),
                    sequence: UInt64(try meeting.integer("sequence")))
            }
            for (key, value) in (try body.optionalObject("contests") { $0 }?.members ?? [:]) {
                let contest = try PayloadReader(value, type: "a stored contest")
                decoded.contests[key] = CouncilBody.Contest(
                    unit: try contest.string("unit"), criterion: try contest.string("criterion"),
                    by: try contest.string("by"), reason: try contest.string("reason"),
                    sequence: UInt64(try contest.integer("sequence")),
                    decidedAt: try contest.optionalInteger("decidedAt").map(UInt64.init),
                    carried: try contest.optionalBool("carried"))
            }
            decoded.report = try body.optionalObject("report") { (citation) throws(RuleViolation) in
                try EvidenceCitation(payload: citation)
            }
            decoded.reopened =
                try body.optionalObject("reopened") { (units) throws(RuleViolation) in
                    var found: [String: UInt64] = [:]
                    for unit in units.members.keys { found[unit] = UInt64(try units.integer(unit)) }
                    return found
                } ?? [:]
            return decoded
        }
        for (actor, value) in (try record.optionalObject("delegations") { $0 }?.members ?? [:]) {
            let delegation = try PayloadReader(value, type: "a stored delegation")
            delegations[actor] = DelegationRecord(
                decision: try delegation.string("decision"), by: try delegation.string("by"),
                sequence: UInt64(try delegation.integer("sequence")))
        }
        approval = try record.optionalObject("approval") { (approved) throws(RuleViolation) in
            ApprovalRecord(
                decision: try approved.string("decision"), date: try approved.string("date"),
                resultsHash: try approved.string("resultsHash"), actor: try approved.string("actor"),
                sequence: UInt64(try approved.integer("sequence")),
                onBehalfOf: try approved.optionalString("onBehalfOf"),
                delegation: try approved.optionalString("delegation"))
        }
    }
}
