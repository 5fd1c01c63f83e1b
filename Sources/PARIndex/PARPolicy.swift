public import Ledger

/// Who may append what in a PAR Index ledger: each event type belongs to one role, a unit officer
/// acts only for its own unit (the event's `unit`), the secretariat alone manages actors (an actor
/// may also rotate its own key), and auditors append nothing.
public struct PARPolicy: AuthorizationPolicy {
    /// The role that may append each event type.
    public static let roleForEventType: [String: Role] = [
        ActorEvent.enrolled: .secretariat,
        ActorEvent.roleGranted: .secretariat,
        ActorEvent.roleRevoked: .secretariat,
        ActorEvent.keyRotated: .secretariat,
        ActorEvent.keyRevoked: .secretariat,
        ActorEvent.suspended: .secretariat,
        PAREventType.frameworkRegistered: .secretariat,
        PAREventType.cycleOpened: .secretariat,
        PAREventType.deadlineExtended: .secretariat,
        PAREventType.unitExcludedFromRanking: .secretariat,
        PAREventType.resultsPublished: .secretariat,
        PAREventType.correctionRecorded: .secretariat,
        PAREventType.selfScoreRecorded: .unitOfficer,
        PAREventType.notApplicableMarked: .unitOfficer,
        PAREventType.selfAssessmentSubmitted: .unitOfficer,
        PAREventType.councilMemberAssigned: .secretariat,
        PAREventType.appraisalScoreRecorded: .councilMember,
        PAREventType.notApplicableRejected: .councilMember,
        PAREventType.appraisalConcluded: .councilMember,
        PAREventType.appraisalReopened: .councilMember,
        PAREventType.appraisalClosed: .councilMember,
        PAREventType.spotCheckSeedCommitted: .steeringCommittee,
        PAREventType.spotCheckDrawn: .steeringCommittee,
        PAREventType.spotCheckConcluded: .steeringCommittee,
        PAREventType.spotCheckScoreRecorded: .steeringCommittee,
        PAREventType.surveyScoresImported: .surveyContractor,
    ]

    /// Who may add evidence: everyone who scores, appraises, spot-checks or publishes.
    public static let evidenceRoles: [Role] = [.unitOfficer, .councilMember, .steeringCommittee, .secretariat]

    public init() {}

    public func authorize(_ command: Command, by actor: ActorRecord) throws {
        for draft in command.events {
            try checkGrantIsValid(draft)
            if draft.type == ActorEvent.keyRotated, draft.payload["actor"]?.stringValue == actor.id { continue }
            let roles: [Role]
            if draft.type == PAREventType.evidenceAdded {
                roles = Self.evidenceRoles
            } else if let role = Self.roleForEventType[draft.type] {
                roles = [role]
            } else {
                throw LedgerError.notPermitted(reason: "'\(draft.type)' is not an event type of the PAR ledger")
            }
            let grants = actor.grants.filter { grant in roles.contains { $0.rawValue == grant.role } }
            let role = roles[0]
            guard !grants.isEmpty else {
                throw LedgerError.notPermitted(reason: "'\(actor.id)' (\(describe(actor))) may not record \(draft.type); that needs the role \(role.rawValue)")
            }
            let unit = draft.payload["unit"]?.stringValue
            guard grants.contains(where: { $0.scope == nil || $0.scope == unit }) else {
                let scopes = grants.compactMap(\.scope).joined(separator: ", ")
                throw LedgerError.notPermitted(reason: "'\(actor.id)' acts for \(scopes) only, not for \(unit.map { "'\($0)'" } ?? "all units") (\(draft.type))")
            }
        }
    }

    /// Roles given by enrolments and grants must be PAR roles, with a unit scope where one is needed.
    private func checkGrantIsValid(_ draft: EventDraft) throws {
        guard draft.type == ActorEvent.enrolled || draft.type == ActorEvent.roleGranted else { return }
        let name = draft.payload["role"]?.stringValue ?? ""
        guard let role = Role(rawValue: name) else {
            let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
            throw LedgerError.invalidCommand(reason: "unknown role '\(name)' (roles: \(known))")
        }
        if role.needsUnitScope && draft.payload["scope"]?.stringValue == nil {
            throw LedgerError.invalidCommand(reason: "the role \(role.rawValue) needs a --scope naming its unit")
        }
    }

    private func describe(_ actor: ActorRecord) -> String {
        actor.grants.isEmpty ? "no roles" : actor.grants.map(\.description).joined(separator: ", ")
    }
}
