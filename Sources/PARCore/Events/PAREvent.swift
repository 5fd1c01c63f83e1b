public import Ledger
public import LedgerFormat

/// One kind of PAR event as a Swift type: its type name, the roles that may record it, the stream it
/// belongs to, and its payload as JSON in both directions — one JSON path, canonical by construction,
/// so that nothing outside the ledger builds an event from strings.
public protocol PAREvent: Sendable {
    /// The event type recorded in the ledger, e.g. `SelfScoreRecorded`.
    static var type: String { get }
    /// The roles that may record it (FORMAT.md, Roles).
    static var roles: [Role] { get }
    /// The stream the event belongs to.
    var stream: String { get }
    /// The payload.
    var json: JSONValue { get }
    /// Reads a payload, refusing a missing member or one of the wrong JSON type; members it does not
    /// know are ignored.
    init(payload: PayloadReader) throws(RuleViolation)
}

extension PAREvent {
    /// The draft the ledger appends.
    public var draft: EventDraft { EventDraft(stream: stream, type: Self.type, payload: json) }

    /// The payload of a recorded event of this type.
    public static func decode(_ event: RecordedEvent) throws(RuleViolation) -> Self {
        let value: JSONValue
        do { value = try event.payloadValue } catch {
            throw RuleViolation(
                "\(type): the payload is not JSON (\(error))", vi: "Nội dung sự kiện \(type) không phải JSON.")
        }
        return try Self(payload: try PayloadReader(value, type: type))
    }
}

/// Every PAR event type, one type per event: `PAREvents.SelfScoreRecorded`, … Each lives in the file
/// of its stage under Events/ with its payload, its coding and the rule that judges it; the list
/// below is what the roles table and the rules' dispatch are made from. Points travel as decimal
/// strings.
public enum PAREvents {
    /// Each PAR event type with its rule.
    package static let ruled: [any RuledEvent.Type] = [
        FrameworkRegistered.self, CycleOpened.self, CouncilMemberAssigned.self, DeadlineExtended.self,
        UnitExcludedFromRanking.self, ResultsPublished.self, CorrectionRecorded.self, SelfScoreRecorded.self,
        NotApplicableMarked.self, SelfAssessmentSubmitted.self, AppraisalScoreRecorded.self,
        NotApplicableRejected.self, AppraisalConcluded.self, AppraisalReopened.self, AppraisalClosed.self,
        SpotCheckSeedCommitted.self, SpotCheckDrawn.self, SpotCheckScoreRecorded.self, SpotCheckConcluded.self,
        SurveyScoresImported.self, EvidenceAdded.self, SelfAssessmentWithdrawn.self, ExplanationRequested.self,
        ExplanationGiven.self, ObjectionFiled.self, ObjectionAnswered.self, SigningDelegated.self,
        ResultsApproved.self, CouncilEstablished.self, CouncilMeetingHeld.self, AdjustmentContested.self,
        CouncilVoteRecorded.self, CouncilReportSubmitted.self, UnitsReorganised.self,
    ]

    /// Every PAR event type.
    public static var all: [any PAREvent.Type] { ruled }

    /// Each event type with its rule, by type name.
    package static let byType: [String: any RuledEvent.Type] = Dictionary(
        uniqueKeysWithValues: ruled.map { ($0.type, $0) })

    /// The roles that may record each event type.
    public static let roles: [String: [Role]] = Dictionary(uniqueKeysWithValues: ruled.map { ($0.type, $0.roles) })

    public static func cycleStream(_ cycle: String) -> String { "cycle/\(cycle.nfc)" }
    public static func unitStream(_ cycle: String, _ unit: String) -> String { "cycle/\(cycle.nfc)/unit/\(unit.nfc)" }
}

/// An event about one unit that carries nothing but the unit (a submission, a seal, a spot-check's
/// conclusion): its stream and coding are the same for each.
public protocol UnitStepEvent: PAREvent {
    var cycle: String { get }
    var unit: String { get }
    init(cycle: String, unit: String)
}

extension UnitStepEvent {
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue { .object(["cycle": .text(cycle), "unit": .text(unit)]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(cycle: try payload.string("cycle"), unit: try payload.string("unit"))
    }
}

/// An event that acts on a cycle's results by a decision (its approval, its publication): the
/// decision's number and date and the SHA-256 of the results; its stream and coding are the same.
public protocol ResultsDecisionEvent: PAREvent {
    var cycle: String { get }
    var decision: String { get }
    var date: String { get }
    var resultsHash: String { get }
    init(cycle: String, decision: String, date: String, resultsHash: String)
}

extension ResultsDecisionEvent {
    public var stream: String { PAREvents.cycleStream(cycle) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "decision": .text(decision), "date": .text(date),
            "resultsHash": .string(resultsHash),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), decision: try payload.string("decision"),
            date: try payload.string("date"), resultsHash: try payload.string("resultsHash"))
    }
}

/// An event about one unit that carries the unit and a reason (a withdrawal, a reopening, an
/// exclusion from the ranking): its stream and coding are the same for each.
public protocol UnitReasonEvent: PAREvent {
    var cycle: String { get }
    var unit: String { get }
    var reason: String { get }
    init(cycle: String, unit: String, reason: String)
}

extension UnitReasonEvent {
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue { .object(["cycle": .text(cycle), "unit": .text(unit), "reason": .text(reason)]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"), reason: try payload.string("reason"))
    }
}

/// A PAR event with the rule of the cycle that judges it and folds it into the state
/// (`CycleRules+…`): the hook sits beside the event's payload and coding.
package protocol RuledEvent: PAREvent {
    static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws
}

/// Evidence cited by a score: a document's name and the SHA-256 of its content.
public struct EvidenceCitation: Sendable, Hashable {
    public let name: String
    public let sha256: String

    public init(name: String, sha256: String) {
        self.name = name.nfc
        self.sha256 = sha256
    }
}

/// A unit scored in a cycle.
public struct CycleUnit: Sendable, Hashable {
    public let id: String
    public let name: String
    public let kind: UnitKind

    public init(id: String, name: String, kind: UnitKind) {
        self.id = id.nfc
        self.name = name.nfc
        self.kind = kind
    }
}

extension [CycleUnit] {
    /// The kinds these units are of, in the order of the kinds (the order of the ranking groups).
    public var kinds: [UnitKind] { UnitKind.allCases.filter { kind in contains { $0.kind == kind } } }
}

extension EvidenceCitation {
    package init(payload: PayloadReader) throws(RuleViolation) {
        self.init(name: try payload.string("name"), sha256: try payload.string("sha256"))
    }

    /// The citation as JSON: `{"name","sha256"}`.
    public var json: JSONValue { .object(["name": .text(name), "sha256": .string(sha256)]) }
}

/// JSON members of a payload, leaving out optional members that are absent.
package func payloadObject(_ members: [String: JSONValue?]) -> JSONValue {
    .object(members.compactMapValues { $0 })
}
