import Ledger
public import LedgerFormat
public import PARCore
import PARIndex

/// The stages of a cycle in the order `CycleDriver.run` drives them.
public enum CycleStage: Sendable, Equatable {
    /// The secretariat opens the cycle and assigns the council; the steering committee commits the draw's secret.
    case opening
    /// Each unit's officer records its self-scores and submits.
    case selfAssessment
    /// The secretariat extends one unit's deadline before that unit submits late.
    case deadlineExtension(unit: String)
    /// The council appraises each unit in its members' fields, concludes, and the chair closes the appraisal.
    case appraisal
    /// The survey contractor imports the survey's scores.
    case survey
    /// The steering committee draws each kind's sample and re-checks the units drawn.
    case spotCheck
    /// The secretariat publishes the results.
    case publication
    /// Units file objections (kiến nghị) to their published results.
    case objections
    /// The secretariat answers the objections.
    case objectionAnswers
    /// The secretariat corrects scores after publication.
    case correction
}

/// What a cycle's events say, stage by stage: the driver asks, signs with the right actor and appends
/// in order; a script decides the scores, reasons and evidence (reproducibly, for the demo and benchmarks).
public protocol CycleScript: AnyObject {
    /// Called before each stage begins (the demo moves its clock here).
    func willBegin(_ stage: CycleStage, of plan: CyclePlan) throws
    /// The extension `unit` gets, if any; such units submit after every other one.
    func deadlineExtension(for unit: CycleUnit, of plan: CyclePlan) -> (until: String, reason: String)?
    /// `unit`'s self-assessment, without its submission (the driver adds it): evidence, marks, self-scores.
    func selfAssessment(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [EventDraft]
    /// Whether `unit` withdraws its submitted self-assessment, why, and what it records before submitting
    /// again (none by default).
    func withdrawal(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> (
        reason: String, changes: [EventDraft]
    )?
    /// The council's requests for explanations of `unit`, made before its appraisal scores; the driver
    /// routes each to the member holding its field (none by default).
    func explanationRequests(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PAREvents
        .ExplanationRequested]
    /// The unit's answer to `request`: the documents it adds and its `ExplanationGiven` (none by default).
    func explanation(answering request: PAREvents.ExplanationRequested, of unit: CycleUnit, in plan: CyclePlan)
        throws -> [EventDraft]
    /// The council's appraisal scores for `unit`; the driver routes each to the member holding its field.
    func appraisal(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PAREvents
        .AppraisalScoreRecorded]
    /// The survey's scores for `unit`.
    func surveyScores(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PAREvents.SurveyScore]
    /// The steering committee's re-check of a drawn unit, without its conclusion (the driver adds it).
    func spotCheck(of unit: String, in plan: CyclePlan) throws -> [PAREvents.SpotCheckScoreRecorded]
    /// Objections filed after publication, each with the secretariat's answer (none by default).
    func objections(in plan: CyclePlan) throws -> [(
        filed: PAREvents.ObjectionFiled,
        answer: PAREvents
            .ObjectionAnswered
    )]
    /// Corrections after publication (none by default).
    func corrections(in plan: CyclePlan) throws -> [PAREvents.CorrectionRecorded]
    /// Under scheme 2, which of `unit`'s appraisal scores the chair contests, why, and the points the
    /// council's vote gives it (none by default).
    func contest(of unit: CycleUnit, appraised: [PAREvents.AppraisalScoreRecorded], in plan: CyclePlan) -> (
        criterion: String, reason: String, points: String
    )?
    /// A document of the council (its minutes, its report), as its `EvidenceAdded` (by default only
    /// recorded, its bytes kept nowhere).
    func councilDocument(_ name: String, _ content: String) throws -> PAREvents.EvidenceAdded
    /// Called after each unit of a stage (self-assessment, appraisal) and once after the spot-checks.
    func progressed(_ stage: CycleStage, done: Int, of total: Int)
}

extension CycleScript {
    public func willBegin(_ stage: CycleStage, of plan: CyclePlan) throws {}
    public func deadlineExtension(for unit: CycleUnit, of plan: CyclePlan) -> (until: String, reason: String)? { nil }
    public func withdrawal(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> (
        reason: String, changes: [EventDraft]
    )? { nil }
    public func explanationRequests(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PAREvents
        .ExplanationRequested]
    { [] }
    public func explanation(
        answering request: PAREvents.ExplanationRequested, of unit: CycleUnit, in plan: CyclePlan
    ) throws -> [EventDraft] { [] }
    public func objections(in plan: CyclePlan) throws -> [(
        filed: PAREvents.ObjectionFiled, answer: PAREvents.ObjectionAnswered
    )] { [] }
    public func corrections(in plan: CyclePlan) throws -> [PAREvents.CorrectionRecorded] { [] }
    public func contest(of unit: CycleUnit, appraised: [PAREvents.AppraisalScoreRecorded], in plan: CyclePlan) -> (
        criterion: String, reason: String, points: String
    )? { nil }
    public func councilDocument(_ name: String, _ content: String) throws -> PAREvents.EvidenceAdded {
        let bytes = Array(content.utf8)
        return PAREvents.EvidenceAdded(sha256: SHA256Digest.hex(bytes), name: name, size: bytes.count, unit: nil)
    }
    public func progressed(_ stage: CycleStage, done: Int, of total: Int) {}
}

/// One cycle to drive: what its opening, draw, survey and publication events name.
public struct CyclePlan: Sendable {
    public let cycle: String
    public let name: String
    public let year: Int
    public let units: [CycleUnit]
    public let selfAssessmentDeadline: Timestamp
    public let previousCycle: String?
    /// The steering committee's secret for the draw; its commitment is recorded when the cycle opens.
    public let drawSecret: [UInt8]
    /// The decision number and date the results are published by.
    public let decision: String
    public let publicationDate: String
    /// Survey scores per command (a large province's survey is imported in several).
    public let surveyUnitsPerCommand: Int
    /// What the whole scheme (scheme 2) adds, nil for a cycle of scheme 1.
    public let wholeScheme: WholeSchemePlan?
    /// The dates a publication decision may bear, when not April to June of the next year.
    public let publicationWindow: PAREvents.DateWindow?

    public init(
        cycle: String, name: String, year: Int, units: [CycleUnit], selfAssessmentDeadline: Timestamp,
        previousCycle: String?,
        drawSecret: [UInt8], decision: String, publicationDate: String, surveyUnitsPerCommand: Int = 100,
        wholeScheme: WholeSchemePlan? = nil, publicationWindow: PAREvents.DateWindow? = nil
    ) {
        self.cycle = cycle
        self.name = name
        self.year = year
        self.units = units
        self.selfAssessmentDeadline = selfAssessmentDeadline
        self.previousCycle = previousCycle
        self.drawSecret = drawSecret
        self.decision = decision
        self.publicationDate = publicationDate
        self.surveyUnitsPerCommand = surveyUnitsPerCommand
        self.wholeScheme = wholeScheme
        self.publicationWindow = publicationWindow
    }
}

/// The decisions a cycle of scheme 2 names beyond scheme 1's: the council's establishment, its
/// meeting, and the chairman's assignment of a vice-chairman to sign the approval (the chairman signs
/// himself when there is none). Units' heads sign their submissions; the approval cites the
/// publication's decision and date.
public struct WholeSchemePlan: Sendable {
    public let councilDecision: String
    /// The meeting every seal cites, and its date (YYYY-MM-DD).
    public let meeting: String
    public let meetingDate: String
    public let delegationDecision: String?

    public init(councilDecision: String, meeting: String, meetingDate: String, delegationDecision: String?) {
        (self.councilDecision, self.meeting, self.meetingDate) = (councilDecision, meeting, meetingDate)
        self.delegationDecision = delegationDecision
    }
}

/// What a driven cycle came to, for the driver's caller to report.
public struct CycleSummary: Sendable {
    /// Appraisal scores recorded (each one an adjustment of a self-score).
    public var appraisalScores = 0
    /// Self-assessments withdrawn and submitted again.
    public var withdrawals: [String] = []
    /// Requests for explanations made, and how many were answered.
    public var explanationsAsked = 0
    public var explanationsAnswered = 0
    /// Survey scores imported.
    public var surveyScores = 0
    /// The units drawn for spot-checks, department sample first.
    public var spotChecked: [String] = []
    /// The objections filed after publication, with their answers.
    public var objections: [(filed: PAREvents.ObjectionFiled, answer: PAREvents.ObjectionAnswered)] = []
    /// The corrections recorded after publication.
    public var corrections: [PAREvents.CorrectionRecorded] = []
}
