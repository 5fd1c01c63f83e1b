/// The parts people play in a province's PAR Index cycle (DOMAIN.md, "Who does what").
public enum Role: String, CaseIterable, Sendable {
    /// Scores its own unit's self-assessment; its scope is that one unit.
    case unitOfficer = "unit-officer"
    /// Member of the appraisal council (Hội đồng thẩm định): appraises self-scores.
    case councilMember = "council-member"
    /// Member of the PAR steering committee (Ban Chỉ đạo CCHC): draws and scores spot-checks.
    case steeringCommittee = "steering-committee"
    /// The independent contractor running the sociological survey (ĐTXHH): imports survey scores.
    case surveyContractor = "survey-contractor"
    /// The secretariat (Sở Nội vụ): opens cycles, enrols actors, publishes and corrects results.
    case secretariat
    /// Reads everything, appends nothing.
    case auditor

    /// Whether a grant of this role must name the unit it is limited to.
    public var needsUnitScope: Bool { self == .unitOfficer }
}

/// The event types of the PAR domain, by the role that may append them.
public enum PAREventType {
    public static let frameworkRegistered = "FrameworkRegistered"
    public static let cycleOpened = "CycleOpened"
    public static let deadlineExtended = "DeadlineExtended"
    public static let unitExcludedFromRanking = "UnitExcludedFromRanking"
    public static let resultsPublished = "ResultsPublished"
    public static let correctionRecorded = "CorrectionRecorded"
    public static let selfScoreRecorded = "SelfScoreRecorded"
    public static let notApplicableMarked = "NotApplicableMarked"
    public static let selfAssessmentSubmitted = "SelfAssessmentSubmitted"
    public static let appraisalScoreRecorded = "AppraisalScoreRecorded"
    public static let appraisalConcluded = "AppraisalConcluded"
    public static let councilMemberAssigned = "CouncilMemberAssigned"
    public static let notApplicableRejected = "NotApplicableRejected"
    public static let appraisalReopened = "AppraisalReopened"
    public static let appraisalClosed = "AppraisalClosed"
    public static let spotCheckSeedCommitted = "SpotCheckSeedCommitted"
    public static let spotCheckConcluded = "SpotCheckConcluded"
    public static let spotCheckDrawn = "SpotCheckDrawn"
    public static let spotCheckScoreRecorded = "SpotCheckScoreRecorded"
    public static let surveyScoresImported = "SurveyScoresImported"
    public static let evidenceAdded = "EvidenceAdded"
}
