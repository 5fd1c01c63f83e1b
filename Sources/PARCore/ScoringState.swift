import Foundation
import Ledger
package import LedgerFormat

/// Who set a value, when, and why: every point in the projections traces back to one event.
///
/// An immutable object compared by its contents: a criterion's score holds seven places for marks,
/// most of them empty, and the state holds a score for every criterion of every unit of every cycle,
/// so an empty place costs one pointer instead of a whole mark.
public final class Mark: Sendable, Hashable {
    public let points: String?
    public let actor: String
    public let sequence: UInt64
    public let at: String
    public let reason: String?
    public let evidence: [EvidenceCitation]?
    public let decision: String?

    public init(
        points: String?, actor: String, sequence: UInt64, at: String, reason: String?, evidence: [EvidenceCitation]?,
        decision: String?
    ) {
        self.points = points
        self.actor = actor
        self.sequence = sequence
        self.at = at
        self.reason = reason
        self.evidence = evidence
        self.decision = decision
    }

    public var value: Points? { points.flatMap { try? Points(parsing: $0) } }

    public static func == (lhs: Mark, rhs: Mark) -> Bool {
        lhs === rhs
            || (lhs.points == rhs.points && lhs.actor == rhs.actor && lhs.sequence == rhs.sequence && lhs.at == rhs.at
                && lhs.reason == rhs.reason && lhs.evidence == rhs.evidence && lhs.decision == rhs.decision)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(points)
        hasher.combine(actor)
        hasher.combine(sequence)
        hasher.combine(at)
        hasher.combine(reason)
        hasher.combine(evidence)
        hasher.combine(decision)
    }
}

/// The projection of one criterion of one unit in one cycle: each stage's mark.
public struct CriterionScore: Sendable, Hashable {
    public var selfScore: Mark?
    public var notApplicable: Mark?
    /// The council's refusal of a not-applicable claim: the criterion counts and is scored again.
    public var notApplicableRejected: Mark?
    public var appraised: Mark?
    public var spotCheck: Mark?
    public var survey: Mark?
    public var correction: Mark?

    public init() {}

    /// The points that count: a correction, else the spot-check, else the appraisal, else (before
    /// appraisal) the self-score; for survey criteria the survey's.
    public func effective(method: ScoringMethod) -> Mark? {
        if let correction { return correction }
        if method == .survey { return survey }
        return spotCheck ?? appraised ?? selfScore
    }
}

/// Where a unit stands in its cycle.
public enum UnitStage: String, Sendable {
    case selfAssessment = "self-assessment"
    case submitted
    case appraised
}

/// The projection of one unit in one cycle.
public struct UnitRecord: Sendable, Hashable {
    public var stage: UnitStage = .selfAssessment
    public var deadlineExtendedUntil: String?
    public var excludedFromRanking: String?
    public var spotChecked = false
    /// Whether the steering committee concluded this unit's spot-check.
    public var spotCheckConcluded = false
    /// The persons who recorded the unit's self-assessment: none of them may appraise or spot-check it.
    public var selfAssessedBy: [String] = []

    public init() {}
}

/// The projection of one cycle.
public struct CycleRecord: Sendable, Hashable {
    public let opened: PAREvents.CycleOpened
    public let openedBy: String
    public let openedAt: UInt64
    public var draws: [String: DrawRecord] = [:]
    public var publication: PublicationRecord?
    /// Council members by actor id: the fields each appraises, and who chairs.
    public var council: [String: PAREvents.CouncilMemberAssigned] = [:]
    /// The steering committee's commitment to the secret of its draw, made before appraisal opened.
    public var spotCheckCommitment: String?
    /// The AppraisalClosed event: after it no appraisal changes; its hash seeds the draw.
    public var appraisalClosed: ClosureRecord?
    /// The vice-chairmen the chairman assigned to sign the approval in his place, by actor id.
    public var delegations: [String: DelegationRecord] = [:]
    /// The province's approval of the results (cycles of scheme 2), which the publication cites.
    public var approval: ApprovalRecord?

    /// The council as a body (cycles of scheme 2): the establishing decision, its meetings, the
    /// adjustments contested and how each was decided, and its report to the province.
    public var councilBody: CouncilBody?

    public struct ClosureRecord: Sendable, Hashable {
        public let sequence: UInt64
        public let hash: String
    }

    public struct DrawRecord: Sendable, Hashable {
        public let units: [String]
        public let sequence: UInt64
    }

    public struct PublicationRecord: Sendable, Hashable {
        public let decision: String
        public let date: String
        public let resultsHash: String
        public let sequence: UInt64
    }

    /// Where each unit stands in `opened.units`, by id: every event of a unit looks its unit up.
    private let unitPositions: [String: Int]

    public func unit(_ id: String) -> CycleUnit? { unitPositions[id].map { opened.units[$0] } }

    public func frameworkID(for kind: UnitKind) -> String? { opened.frameworks[kind.rawValue] }

    package init(opened: PAREvents.CycleOpened, openedBy: String, openedAt: UInt64) {
        self.opened = opened
        self.openedBy = openedBy
        self.openedAt = openedAt
        unitPositions = Self.positions(of: opened.units)
    }

    private static func positions(of units: [CycleUnit]) -> [String: Int] {
        Dictionary(units.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The record as stored: canonical JSON built here, never by a general-purpose encoder, so the
    /// projection digest depends only on this code.
    package var json: JSONValue {
        var members: [String: JSONValue] = [
            "opened": opened.json, "openedBy": .string(openedBy), "openedAt": .integer(Int64(openedAt)),
            "draws": .object(
                draws.mapValues {
                    .object(["units": .array($0.units.map(JSONValue.string)), "sequence": .integer(Int64($0.sequence))])
                }),
            "council": .object(council.mapValues(\.json)),
        ]
        if let publication {
            members["publication"] = .object([
                "decision": .string(publication.decision), "date": .string(publication.date),
                "resultsHash": .string(publication.resultsHash), "sequence": .integer(Int64(publication.sequence)),
            ])
        }
        if let spotCheckCommitment { members["spotCheckCommitment"] = .string(spotCheckCommitment) }
        if let appraisalClosed {
            members["appraisalClosed"] = .object([
                "sequence": .integer(Int64(appraisalClosed.sequence)), "hash": .string(appraisalClosed.hash),
            ])
        }
        members.merge(wholeSchemeMembers) { first, _ in first }
        return .object(members)
    }

    /// A stored record (also one an earlier version wrote with the same member names).
    package init(json: JSONValue) throws(RuleViolation) {
        let record = try PayloadReader(json, type: "a stored cycle record")
        opened = try PAREvents.CycleOpened(
            payload: try PayloadReader(try record.raw("opened"), type: PAREvents.CycleOpened.type))
        openedBy = try record.string("openedBy")
        openedAt = UInt64(try record.integer("openedAt"))
        unitPositions = Self.positions(of: opened.units)
        for (kind, value) in (try record.optionalObject("draws") { $0 }?.members ?? [:]) {
            let draw = try PayloadReader(value, type: "a stored draw")
            draws[kind] = DrawRecord(units: try draw.strings("units"), sequence: UInt64(try draw.integer("sequence")))
        }
        publication = try record.optionalObject("publication") { (published) throws(RuleViolation) in
            PublicationRecord(
                decision: try published.string("decision"), date: try published.string("date"),
                resultsHash: try published.string("resultsHash"), sequence: UInt64(try published.integer("sequence")))
        }
        for (actor, value) in (try record.optionalObject("council") { $0 }?.members ?? [:]) {
            council[actor] = try PAREvents.CouncilMemberAssigned(
                payload: try PayloadReader(value, type: PAREvents.CouncilMemberAssigned.type))
        }
        spotCheckCommitment = try record.optionalString("spotCheckCommitment")
        appraisalClosed = try record.optionalObject("appraisalClosed") { (closed) throws(RuleViolation) in
            ClosureRecord(sequence: UInt64(try closed.integer("sequence")), hash: try closed.string("hash"))
        }
        try decodeWholeScheme(record)
    }
}

/// A council member's request for an explanation (giải trình) of one criterion of a unit, and the
/// unit's answer once given: who asked and answered, when (event sequence and time), and the documents
/// the answer cites.
public struct ExplanationRecord: Sendable, Hashable {
    /// The request's id, unique within the unit and the cycle.
    public let request: String
    public let criterion: String
    public let question: String
    public let askedBy: String
    public let askedSequence: UInt64
    public let askedAt: String
    public var answer: Answer?

    /// The unit's answer.
    public struct Answer: Sendable, Hashable {
        public let text: String
        public let by: String
        public let sequence: UInt64
        public let at: String
        public let evidence: [EvidenceCitation]
    }

    package init(
        request: String, criterion: String, question: String, askedBy: String, askedSequence: UInt64,
        askedAt: String
    ) {
        self.request = request
        self.criterion = criterion
        self.question = question
        self.askedBy = askedBy
        self.askedSequence = askedSequence
        self.askedAt = askedAt
    }

    /// The record as stored: canonical JSON built here, as for cycle records.
    package var json: JSONValue {
        var members: [String: JSONValue] = [
            "request": .string(request), "criterion": .string(criterion), "question": .string(question),
            "askedBy": .string(askedBy), "askedSequence": .integer(Int64(askedSequence)), "askedAt": .string(askedAt),
        ]
        if let answer {
            members["answer"] = .object([
                "text": .string(answer.text), "by": .string(answer.by), "sequence": .integer(Int64(answer.sequence)),
                "at": .string(answer.at), "evidence": .array(answer.evidence.map(\.json)),
            ])
        }
        return .object(members)
    }

    package init(json: JSONValue) throws(RuleViolation) {
        let record = try PayloadReader(json, type: "a stored explanation request")
        request = try record.string("request")
        criterion = try record.string("criterion")
        question = try record.string("question")
        askedBy = try record.string("askedBy")
        askedSequence = UInt64(try record.integer("askedSequence"))
        askedAt = try record.string("askedAt")
        answer = try record.optionalObject("answer") { (answer) throws(RuleViolation) in
            Answer(
                text: try answer.string("text"), by: try answer.string("by"),
                sequence: UInt64(try answer.integer("sequence")), at: try answer.string("at"),
                evidence: try answer.objects("evidence", EvidenceCitation.init(payload:)))
        }
    }
}

/// A unit's objection (kiến nghị) to its published result, the secretariat's answer once given, and the
/// corrections that cite it: who filed and answered, when (event sequence and time), and why.
public struct ObjectionRecord: Sendable, Hashable {
    /// The objection's id, unique within the cycle.
    public let objection: String
    public let unit: String
    /// The leaf criterion objected to, when the objection names one.
    public let criterion: String?
    public let reason: String
    public let filedBy: String
    public let filedSequence: UInt64
    public let filedAt: String
    public var answer: Answer?
    /// The sequence numbers of the corrections citing this objection, in order.
    public var correctedBy: [UInt64] = []

    /// The secretariat's answer.
    public struct Answer: Sendable, Hashable {
        /// `accepted` or `rejected`.
        public let decision: String
        public let text: String
        public let by: String
        public let sequence: UInt64
        public let at: String
    }

    package init(
        objection: String, unit: String, criterion: String?, reason: String, filedBy: String, filedSequence: UInt64,
        filedAt: String
    ) {
        self.objection = objection
        self.unit = unit
        self.criterion = criterion
        self.reason = reason
        self.filedBy = filedBy
        self.filedSequence = filedSequence
        self.filedAt = filedAt
    }

    /// The record as stored and as the objections report shows it: canonical JSON built here.
    package var json: JSONValue {
        var members: [String: JSONValue] = [
            "objection": .string(objection), "unit": .string(unit), "reason": .string(reason),
            "filedBy": .string(filedBy), "filedSequence": .integer(Int64(filedSequence)), "filedAt": .string(filedAt),
            "correctedBy": .array(correctedBy.map { .integer(Int64($0)) }),
        ]
        if let criterion { members["criterion"] = .string(criterion) }
        if let answer {
            members["answer"] = .object([
                "decision": .string(answer.decision), "text": .string(answer.text), "by": .string(answer.by),
                "sequence": .integer(Int64(answer.sequence)), "at": .string(answer.at),
            ])
        }
        return .object(members)
    }

    package init(json: JSONValue) throws(RuleViolation) {
        let record = try PayloadReader(json, type: "a stored objection")
        objection = try record.string("objection")
        unit = try record.string("unit")
        criterion = try record.optionalString("criterion")
        reason = try record.string("reason")
        filedBy = try record.string("filedBy")
        filedSequence = UInt64(try record.integer("filedSequence"))
        filedAt = try record.string("filedAt")
        answer = try record.optionalObject("answer") { (answer) throws(RuleViolation) in
            Answer(
                decision: try answer.string("decision"), text: try answer.string("text"), by: try answer.string("by"),
                sequence: UInt64(try answer.integer("sequence")), at: try answer.string("at"))
        }
        correctedBy = try record.raw("correctedBy").arrayValue?.compactMap { $0.integerValue.map(UInt64.init) } ?? []
    }
}
