import Ledger
public import LedgerFormat

/// The operations on one unit of a cycle: its officers' self-assessment and answers, the council's
/// appraisal, the steering committee's spot-check, the secretariat's extensions and corrections, and
/// the unit's objections.
///
/// A unit's self-assessment sheet (the page's rows, or a .xlsx/.csv sheet): scores with their
/// evidence, or "not applicable" with its legal basis, and the submission when asked.
public struct RecordSelfAssessment: PAROperation {
    public static let name = "self-assessment"

    /// One criterion of the sheet.
    public struct Row: Codable, Sendable {
        public let criterion: String
        public let points: String?
        public let notApplicable: String?
        public let explanation: String?
        public let evidence: [String]?

        public init(
            criterion: String, points: String?, notApplicable: String? = nil, explanation: String? = nil,
            evidence: [String]? = nil
        ) {
            self.criterion = criterion
            self.points = points
            self.notApplicable = notApplicable
            self.explanation = explanation
            self.evidence = evidence
        }
    }

    public let cycle: String
    public let unit: String
    public let rows: [Row]
    public let submit: Bool?

    public init(cycle: String, unit: String, rows: [Row], submit: Bool = false) {
        self.cycle = cycle
        self.unit = unit
        self.rows = rows
        self.submit = submit
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        var events: [EventDraft] = []
        for row in rows where row.notApplicable != nil {
            guard row.points == nil, row.explanation == nil, (row.evidence ?? []).isEmpty else {
                throw RuleViolation(
                    "criterion \(row.criterion): a row marked not applicable carries no points",
                    vi: "Tiêu chí \(row.criterion): dòng đánh dấu không áp dụng không ghi điểm.")
            }
            events.append(
                PAREvents.NotApplicableMarked(
                    cycle: cycle, unit: unit, criterion: row.criterion, legalBasis: row.notApplicable ?? ""
                ).draft)
        }
        for row in rows where row.notApplicable == nil {
            guard let typed = row.points else {
                throw RuleViolation(
                    "criterion \(row.criterion): the row needs its points",
                    vi: "Tiêu chí \(row.criterion): dòng này cần số điểm.")
            }
            events.append(
                PAREvents.SelfScoreRecorded(
                    cycle: cycle, unit: unit, criterion: row.criterion, points: try context.points(typed),
                    evidence: try context.citations(row.evidence), explanation: row.explanation
                ).draft)
        }
        if submit ?? false { events.append(PAREvents.SelfAssessmentSubmitted(cycle: cycle, unit: unit).draft) }
        guard !events.isEmpty else {
            throw RuleViolation("the sheet has no rows to record", vi: "Bảng không có dòng nào để ghi.")
        }
        return events
    }
}

public struct WithdrawSelfAssessment: PAROperation {
    public static let name = "withdraw"
    public let cycle: String
    public let unit: String
    public let reason: String

    public init(cycle: String, unit: String, reason: String) {
        (self.cycle, self.unit, self.reason) = (cycle, unit, reason)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.SelfAssessmentWithdrawn(cycle: cycle, unit: unit, reason: reason).draft]
    }
}

public struct AnswerExplanation: PAROperation {
    public static let name = "answer-explanation"
    public let cycle: String
    public let unit: String
    public let request: String
    public let answer: String
    public let evidence: [String]?

    public init(cycle: String, unit: String, request: String, answer: String, evidence: [String] = []) {
        (self.cycle, self.unit, self.request, self.answer, self.evidence) = (cycle, unit, request, answer, evidence)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.ExplanationGiven(
                cycle: cycle, unit: unit, request: request, answer: answer,
                evidence: try context.citations(evidence).map(\.sha256)
            ).draft
        ]
    }
}

public struct RecordAppraisal: PAROperation {
    public static let name = "appraise"
    public let cycle: String
    public let unit: String
    public let criterion: String
    public let points: String
    /// Why the score differs from the unit's (the rules say when one is needed).
    public let reason: String?
    public let evidence: [String]?

    public init(
        cycle: String, unit: String, criterion: String, points: String, reason: String?, evidence: [String] = []
    ) {
        (self.cycle, self.unit, self.criterion, self.points) = (cycle, unit, criterion, points)
        (self.reason, self.evidence) = (reason, evidence)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        let cited = try context.citations(evidence)
        return [
            PAREvents.AppraisalScoreRecorded(
                cycle: cycle, unit: unit, criterion: criterion, points: try context.points(points), reason: reason,
                evidence: cited.isEmpty ? nil : cited
            ).draft
        ]
    }
}

public struct RejectNotApplicable: PAROperation {
    public static let name = "reject-not-applicable"
    public let cycle: String
    public let unit: String
    public let criterion: String
    public let reason: String

    public init(cycle: String, unit: String, criterion: String, reason: String) {
        (self.cycle, self.unit, self.criterion, self.reason) = (cycle, unit, criterion, reason)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.NotApplicableRejected(cycle: cycle, unit: unit, criterion: criterion, reason: reason).draft]
    }
}

public struct RequestExplanation: PAROperation {
    public static let name = "ask-explanation"
    public let cycle: String
    public let unit: String
    public let criterion: String
    /// The request's id; a new one when none is given.
    public let request: String?
    public let question: String

    public init(cycle: String, unit: String, criterion: String, request: String? = nil, question: String) {
        (self.cycle, self.unit, self.criterion, self.request, self.question) = (
            cycle, unit, criterion, request, question
        )
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.ExplanationRequested(
                cycle: cycle, unit: unit, criterion: criterion, request: request ?? "gt-" + context.newIdentifier(),
                question: question
            ).draft
        ]
    }
}

/// The chair's seal on a unit's appraisal (AppraisalConcluded).
public struct SealUnit: PAROperation {
    public static let name = "seal"
    public let cycle: String
    public let unit: String
    /// The council's meeting that agreed the unit's results (cycles of scheme 2).
    public let meeting: String?

    public init(cycle: String, unit: String, meeting: String? = nil) {
        (self.cycle, self.unit, self.meeting) = (cycle, unit, meeting)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.AppraisalConcluded(cycle: cycle, unit: unit, meeting: meeting).draft]
    }
}

public struct ReopenAppraisal: PAROperation {
    public static let name = "reopen"
    public let cycle: String
    public let unit: String
    public let reason: String

    public init(cycle: String, unit: String, reason: String) {
        (self.cycle, self.unit, self.reason) = (cycle, unit, reason)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.AppraisalReopened(cycle: cycle, unit: unit, reason: reason).draft]
    }
}

public struct RecordSpotCheckScore: PAROperation {
    public static let name = "spot-check-score"
    public let cycle: String
    public let unit: String
    public let criterion: String
    /// `recognise`, `not-recognise`, `raise` or `lower`.
    public let decision: String
    /// The new points, with `raise` or `lower`.
    public let points: String?
    /// Why (the rules need one unless the score is recognised).
    public let reason: String?

    public init(cycle: String, unit: String, criterion: String, decision: String, points: String?, reason: String?) {
        (self.cycle, self.unit, self.criterion) = (cycle, unit, criterion)
        (self.decision, self.points, self.reason) = (decision, points, reason)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.SpotCheckScoreRecorded(
                cycle: cycle, unit: unit, criterion: criterion, decision: decision,
                points: try points.map { try context.points($0) }, reason: reason
            ).draft
        ]
    }
}

public struct ConcludeSpotCheck: PAROperation {
    public static let name = "conclude-spot-check"
    public let cycle: String
    public let unit: String

    public init(cycle: String, unit: String) { (self.cycle, self.unit) = (cycle, unit) }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.SpotCheckConcluded(cycle: cycle, unit: unit).draft]
    }
}

public struct ExtendDeadline: PAROperation {
    public static let name = "extend-deadline"
    public let cycle: String
    public let unit: String
    /// A date (its end, Vietnam time) or a time with its offset.
    public let until: String
    public let reason: String

    public init(cycle: String, unit: String, until: String, reason: String) {
        (self.cycle, self.unit, self.until, self.reason) = (cycle, unit, until, reason)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.DeadlineExtended(
                cycle: cycle, unit: unit, until: try context.time(until, bareDate: .end), reason: reason
            ).draft
        ]
    }
}

public struct ExcludeFromRanking: PAROperation {
    public static let name = "exclude-from-ranking"
    public let cycle: String
    public let unit: String
    public let reason: String

    public init(cycle: String, unit: String, reason: String) {
        (self.cycle, self.unit, self.reason) = (cycle, unit, reason)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [PAREvents.UnitExcludedFromRanking(cycle: cycle, unit: unit, reason: reason).draft]
    }
}

public struct RecordCorrection: PAROperation {
    public static let name = "correct"
    public let cycle: String
    public let unit: String
    public let criterion: String
    public let points: String
    public let decision: String
    public let reason: String
    /// The objection the correction answers, if any.
    public let objection: String?

    public init(
        cycle: String, unit: String, criterion: String, points: String, decision: String, reason: String,
        objection: String? = nil
    ) {
        (self.cycle, self.unit, self.criterion, self.points) = (cycle, unit, criterion, points)
        (self.decision, self.reason, self.objection) = (decision, reason, objection)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.CorrectionRecorded(
                cycle: cycle, unit: unit, criterion: criterion, points: try context.points(points),
                decision: decision, reason: reason, objection: objection.flatMap { $0.isEmpty ? nil : $0 }
            ).draft
        ]
    }
}

public struct FileObjection: PAROperation {
    public static let name = "file-objection"
    public let cycle: String
    public let unit: String
    /// The objection's id; a new one when none is given.
    public let objection: String?
    public let criterion: String?
    public let reason: String

    public init(cycle: String, unit: String, objection: String? = nil, criterion: String? = nil, reason: String) {
        (self.cycle, self.unit, self.objection, self.criterion, self.reason) = (
            cycle, unit, objection, criterion, reason
        )
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.ObjectionFiled(
                cycle: cycle, unit: unit, objection: objection ?? "kn-" + context.newIdentifier(),
                criterion: criterion.flatMap { $0.isEmpty ? nil : $0 }, reason: reason
            ).draft
        ]
    }
}

public struct AnswerObjection: PAROperation {
    public static let name = "answer-objection"
    public let cycle: String
    public let unit: String
    public let objection: String
    public let decision: String
    public let answer: String

    public init(cycle: String, unit: String, objection: String, decision: String, answer: String) {
        (self.cycle, self.unit, self.objection, self.decision, self.answer) = (
            cycle, unit, objection, decision, answer
        )
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        [
            PAREvents.ObjectionAnswered(
                cycle: cycle, unit: unit, objection: objection, decision: decision, answer: answer
            ).draft
        ]
    }
}
