/// The parts people play in a province's PAR Index cycle (DOMAIN.md, "Who does what").
public enum Role: String, CaseIterable, Sendable {
    /// Scores its own unit's self-assessment; its scope is that one unit.
    case unitOfficer = "unit-officer"
    /// The head of a unit (thủ trưởng): signs its self-assessment's submission and withdrawal in a
    /// cycle of scheme 2; its scope is that one unit.
    case unitHead = "unit-head"
    /// Member of the appraisal council (Hội đồng thẩm định): appraises self-scores.
    case councilMember = "council-member"
    /// Member of the PAR steering committee (Ban Chỉ đạo CCHC): draws and scores spot-checks.
    case steeringCommittee = "steering-committee"
    /// The independent contractor running the sociological survey (ĐTXHH): imports survey scores.
    case surveyContractor = "survey-contractor"
    /// The secretariat (Sở Nội vụ): opens cycles, enrols actors, publishes and corrects results.
    case secretariat
    /// The chairman of the province's People's Committee (Chủ tịch UBND tỉnh): approves a cycle's
    /// results, or assigns a vice-chairman to sign the approval in his place.
    case provinceChair = "province-chair"
    /// A vice-chairman of the province's People's Committee (Phó Chủ tịch UBND tỉnh): approves a
    /// cycle's results only under the chairman's recorded delegation ("KT. CHỦ TỊCH").
    case provinceViceChair = "province-vice-chair"
    /// Reads everything, appends nothing.
    case auditor

    /// Whether a grant of this role must name the unit it is limited to.
    public var needsUnitScope: Bool { self == .unitOfficer || self == .unitHead }

    /// Whether the role reads every unit's provisional results before publication: the secretariat
    /// that advises and publishes, the council and the steering committee that score, the province's
    /// leaders who approve, and auditors, who read everything. A unit's people read only their own
    /// unit's results until publication; the survey contractor reads none.
    public var readsProvisionalResults: Bool {
        switch self {
        case .secretariat, .councilMember, .steeringCommittee, .provinceChair, .provinceViceChair, .auditor: true
        case .unitOfficer, .unitHead, .surveyContractor: false
        }
    }

    /// Whether this role judges units (appraises or spot-checks them): nobody who holds a role in a
    /// unit may judge that unit.
    public var judgesUnits: Bool { self == .councilMember || self == .steeringCommittee }
}
