import Foundation
public import Ledger

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

/// The payloads of the PAR events, one type per event type; points travel as decimal strings.
public enum PARPayload {
    public struct FrameworkRegistered: Sendable {
        public let id: String
        /// The framework document as registered (`schemas/framework.schema.json`).
        public let framework: JSONValue

        public init(id: String, framework: JSONValue) {
            self.id = id.nfc
            self.framework = framework
        }

        /// The registration of `framework`: its content hash and its whole content.
        public init(framework: Framework) {
            self.init(id: framework.id, framework: framework.json)
        }
    }

    public struct CycleOpened: Sendable, Hashable {
        public let cycle: String
        public let name: String
        public let year: Int
        /// Framework id per unit kind (`department`, `district`).
        public let frameworks: [String: String]
        public let units: [CycleUnit]
        /// Self-assessments are refused after this moment (ISO 8601, UTC) unless extended for a unit.
        public let selfAssessmentDeadline: String
        /// The cycle this one is compared with (the year before).
        public let previousCycle: String?
        /// The dates a publication decision may bear; Q2 of the year after `year` when not given.
        public let publicationWindow: DateWindow?

        public init(
            cycle: String, name: String, year: Int, frameworks: [UnitKind: String], units: [CycleUnit],
            selfAssessmentDeadline: Timestamp, previousCycle: String?, publicationWindow: DateWindow? = nil
        ) {
            self.init(
                cycle: cycle, name: name, year: year,
                frameworks: Dictionary(uniqueKeysWithValues: frameworks.map { ($0.key.rawValue, $0.value) }),
                units: units,
                selfAssessmentDeadline: selfAssessmentDeadline.iso8601, previousCycle: previousCycle,
                publicationWindow: publicationWindow)
        }

        /// The payload as written, before any rule checked it (framework ids by kind name, the deadline as text).
        public init(
            cycle: String, name: String, year: Int, frameworks: [String: String], units: [CycleUnit],
            selfAssessmentDeadline: String, previousCycle: String?, publicationWindow: DateWindow?
        ) {
            self.cycle = cycle.nfc
            self.name = name.nfc
            self.year = year
            self.frameworks = frameworks
            self.units = units
            self.selfAssessmentDeadline = selfAssessmentDeadline
            self.previousCycle = previousCycle?.nfc
            self.publicationWindow = publicationWindow
        }

        /// The window publication dates must fall in: the one given, or April to June of the next year.
        public var effectivePublicationWindow: DateWindow {
            publicationWindow
                ?? DateWindow(
                    from: String(format: "%04d-04-01", year + 1), until: String(format: "%04d-06-30", year + 1))
        }
    }

    /// A span of calendar dates, both ends included, written `YYYY-MM-DD`.
    public struct DateWindow: Sendable, Hashable {
        public let from: String
        public let until: String

        public init(from: String, until: String) {
            self.from = from
            self.until = until
        }

        /// Whether `date` (`YYYY-MM-DD`) is a real date within the window.
        public func contains(_ date: String) -> Bool {
            Self.isDate(date) && from <= date && date <= until
        }

        /// Whether `text` is a real calendar date written `YYYY-MM-DD`.
        public static func isDate(_ text: String) -> Bool {
            Timestamp(iso8601: text + "T00:00:00Z") != nil && text.utf8.count == 10
        }
    }

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

    /// The chair reopens a sealed appraisal, with the reason.
    public struct AppraisalReopened: Sendable {
        public let cycle: String
        public let unit: String
        public let reason: String

        public init(cycle: String, unit: String, reason: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.reason = reason.nfc
        }
    }

    /// The chair closes the cycle's appraisal: nothing of it changes after, and this event's hash
    /// seeds the spot-check draw.
    public struct AppraisalClosed: Sendable {
        public let cycle: String

        public init(cycle: String) {
            self.cycle = cycle.nfc
        }
    }

    /// The steering committee commits to the secret of its spot-check draw before appraisal opens.
    public struct SpotCheckSeedCommitted: Sendable {
        public let cycle: String
        /// SHA-256 of the 32-byte secret, in hex.
        public let commitment: String

        public init(cycle: String, commitment: String) {
            self.cycle = cycle.nfc
            self.commitment = commitment
        }
    }

    public struct DeadlineExtended: Sendable {
        public let cycle: String
        public let unit: String
        public let until: String
        public let reason: String

        public init(cycle: String, unit: String, until: String, reason: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.until = until.nfc
            self.reason = reason.nfc
        }
    }

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

    /// An event about one unit that carries nothing but the unit; `Kind` says which step it is.
    public struct UnitStep<Kind: UnitStepKind>: Sendable {
        public let cycle: String
        public let unit: String

        public init(cycle: String, unit: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
        }
    }

    /// The unit officer submits the whole self-assessment for appraisal.
    public typealias SelfAssessmentSubmitted = UnitStep<UnitStepKinds.Submission>
    /// The council's chair seals a unit's appraisal; what was not appraised is recognised as self-scored.
    public typealias AppraisalConcluded = UnitStep<UnitStepKinds.Seal>
    /// The steering committee concludes the spot-check of a drawn unit.
    public typealias SpotCheckConcluded = UnitStep<UnitStepKinds.SpotCheckConclusion>

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

    public struct SpotCheckDrawn: Sendable {
        public let cycle: String
        public let kind: UnitKind
        /// The secret the committee committed to before appraisal opened (64 hex), revealed now.
        public let secret: String
        /// SHA-256(secret ‖ hash of the AppraisalClosed event), in hex: fixed before anyone could
        /// know the appraised results, and by nothing appended since.
        public let seed: String
        public let algorithm: String
        public let sampleSize: Int
        public let drawn: [String]
        /// Units the committee added by name, beyond the draw.
        public let added: [String]

        public init(
            cycle: String, kind: UnitKind, secret: String, seed: String, algorithm: String, sampleSize: Int,
            drawn: [String], added: [String]
        ) {
            self.cycle = cycle.nfc
            self.kind = kind
            self.secret = secret
            self.seed = seed.nfc
            self.algorithm = algorithm.nfc
            self.sampleSize = sampleSize
            self.drawn = drawn
            self.added = added
        }
    }

    public struct SpotCheckScoreRecorded: Sendable {
        public let cycle: String
        public let unit: String
        public let criterion: String
        /// recognise, not-recognise, raise or lower.
        public let decision: String
        public let points: String?
        public let reason: String?

        public init(cycle: String, unit: String, criterion: String, decision: String, points: String?, reason: String?)
        {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.criterion = criterion.nfc
            self.decision = decision.nfc
            self.points = points?.nfc
            self.reason = reason?.nfc
        }
    }

    public struct SurveyScore: Sendable, Hashable {
        public let criterion: String
        public let points: String

        public init(criterion: String, points: String) {
            self.criterion = criterion.nfc
            self.points = points.nfc
        }
    }

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

    public struct UnitExcludedFromRanking: Sendable {
        public let cycle: String
        public let unit: String
        public let reason: String

        public init(cycle: String, unit: String, reason: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.reason = reason.nfc
        }
    }

    public struct ResultsPublished: Sendable {
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

extension PARPayload {
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

extension PARPayload {
    /// The unit officer takes back a submitted self-assessment to edit it before the deadline, while the
    /// council has recorded nothing on the unit; the self-scores stay and the unit submits again.
    public struct SelfAssessmentWithdrawn: Sendable {
        public let cycle: String
        public let unit: String
        public let reason: String

        public init(cycle: String, unit: String, reason: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.reason = reason.nfc
        }
    }

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

extension PARPayload {
    /// A document (tài liệu kiểm chứng) stored content-addressed beside the ledger.
    public struct EvidenceAdded: Sendable {
        public let sha256: String
        public let name: String
        public let size: Int
        /// The unit the document is about, when it is about one (a unit officer's must be).
        public let unit: String?

        public init(sha256: String, name: String, size: Int, unit: String?) {
            self.sha256 = sha256
            self.name = name.nfc
            self.size = size
            self.unit = unit?.nfc
        }
    }
}

/// The streams of PAR events: `framework/<id>`, `evidence/<sha256>`, `cycle/<cycle>` and
/// `cycle/<cycle>/unit/<unit>`.
public enum PAREvents {
    public static func cycleStream(_ cycle: String) -> String { "cycle/\(cycle.nfc)" }
    public static func unitStream(_ cycle: String, _ unit: String) -> String { "cycle/\(cycle.nfc)/unit/\(unit.nfc)" }
}
