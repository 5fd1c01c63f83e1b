public import Ledger
public import LedgerFormat
public import PARCore
import PARIndex

/// One thing a person has to do now in a cycle, with its deadline when the cycle sets one: what each
/// person's home page lists under "Việc cần làm". Computed from the ledger's state, never by a page.
public struct Todo: Sendable, Hashable {
    /// What is to be done; a page says it in its words and links to where it is done.
    public enum Kind: String, Sendable, CaseIterable {
        /// A unit officer: the self-assessment is not submitted yet (the deadline is the unit's).
        case selfAssessment = "self-assessment"
        /// A unit's head (scheme 2): sign the submission of the sheet.
        case signSubmission = "sign-submission"
        /// A unit officer: the council asked for explanations not yet answered (`count`).
        case answerExplanations = "answer-explanations"
        /// A council member: units submitted and not yet sealed (`count`).
        case appraise
        /// A council member: answers to their explanation requests, in units not yet sealed (`count`).
        case readAnswers = "read-answers"
        /// The council's chair: every unit is sealed and the appraisal is not closed yet.
        case closeAppraisal = "close-appraisal"
        /// The steering committee: commit to the draw's secret before the appraisal closes.
        case commitSpotCheck = "commit-spot-check"
        /// The steering committee: the appraisal is closed and no unit is drawn yet.
        case drawSpotCheck = "draw-spot-check"
        /// The steering committee: drawn units whose spot-check is not concluded (`count`).
        case spotCheck = "spot-check"
        /// The survey contractor: units still without every survey score (`count`).
        case importSurvey = "import-survey"
        /// The secretariat: the appraisal is closed and the results are not published (by the window's end).
        case publish
        /// The secretariat: objections to published results not yet answered (`count`).
        case answerObjections = "answer-objections"
    }

    public let kind: Kind
    public let cycle: String
    /// The unit it is about, for a unit's officer or head.
    public let unit: String?
    /// The date or time it is due (ISO 8601), when the cycle sets one.
    public let deadline: String?
    /// How many units, requests or objections wait; 1 for a single act.
    public let count: Int

    public init(kind: Kind, cycle: String, unit: String? = nil, deadline: String? = nil, count: Int = 1) {
        (self.kind, self.cycle, self.unit, self.deadline, self.count) = (kind, cycle, unit, deadline, count)
    }
}

extension ScoringService {
    /// What `actor` has to do now, cycle by cycle in the order they were opened, by the roles it holds:
    /// the state of each cycle judged at `now`. Nothing for a cycle whose work is done.
    public func todo(for actor: ActorRecord, now: Timestamp) throws -> [Todo] {
        var list: [Todo] = []
        for record in try scoring.cycles() {
            list += try todo(for: actor, in: try scoring.status(cycle: record.opened.cycle, now: now))
        }
        return list
    }

    func todo(for actor: ActorRecord, in status: CycleStatus) throws -> [Todo] {
        let record = status.record
        let cycle = record.opened.cycle
        let published = record.publication != nil
        let closed = record.appraisalClosed != nil
        var list: [Todo] = []
        func holds(_ role: Role) -> [RoleGrant] { actor.grants.filter { $0.role == role.rawValue } }
        for grant in holds(.unitOfficer) + holds(.unitHead) {
            guard let scope = grant.scope, let progress = status.units.first(where: { $0.unit.id == scope }) else {
                continue
            }
            let isHead = grant.role == Role.unitHead.rawValue
            if progress.record.stage == .selfAssessment {
                if !isHead {
                    list.append(Todo(kind: .selfAssessment, cycle: cycle, unit: scope, deadline: progress.deadline))
                } else if record.opened.effectiveScheme == .whole {
                    list.append(Todo(kind: .signSubmission, cycle: cycle, unit: scope, deadline: progress.deadline))
                }
            }
            let open = try scoring.explanations(cycle: cycle, unit: scope).count { $0.answer == nil }
            if !isHead && open > 0 {
                list.append(Todo(kind: .answerExplanations, cycle: cycle, unit: scope, count: open))
            }
        }
        let member = record.council[actor.id] != nil || record.councilBody?.seat(of: actor.id) != nil
        if !holds(.councilMember).isEmpty && member && !closed {
            let waiting = status.units.filter { $0.record.stage == .submitted }
            if !waiting.isEmpty { list.append(Todo(kind: .appraise, cycle: cycle, count: waiting.count)) }
            var answered = 0
            for unit in waiting {
                answered += try scoring.explanations(cycle: cycle, unit: unit.unit.id).count {
                    $0.askedBy == actor.id && $0.answer != nil
                }
            }
            if answered > 0 { list.append(Todo(kind: .readAnswers, cycle: cycle, count: answered)) }
            let chair = record.council[actor.id]?.chair == true || record.councilBody?.chair == actor.id
            if chair && status.units.allSatisfy({ $0.record.stage == .appraised }) {
                list.append(Todo(kind: .closeAppraisal, cycle: cycle))
            }
        }
        if !holds(.steeringCommittee).isEmpty && !published {
            if record.spotCheckCommitment == nil && !closed {
                list.append(Todo(kind: .commitSpotCheck, cycle: cycle))
            } else if closed && record.draws.isEmpty {
                list.append(Todo(kind: .drawSpotCheck, cycle: cycle))
            }
            let open = status.units.count { $0.record.spotChecked && !$0.record.spotCheckConcluded }
            if open > 0 { list.append(Todo(kind: .spotCheck, cycle: cycle, count: open)) }
        }
        if !holds(.surveyContractor).isEmpty && !published {
            let missing = status.units.count { !$0.surveyComplete }
            if missing > 0 { list.append(Todo(kind: .importSurvey, cycle: cycle, count: missing)) }
        }
        if !holds(.secretariat).isEmpty {
            if closed && !published {
                list.append(Todo(kind: .publish, cycle: cycle, deadline: status.publicationWindow.until))
            }
            let open = try scoring.objections(cycle: cycle).count { $0.answer == nil }
            if open > 0 { list.append(Todo(kind: .answerObjections, cycle: cycle, count: open)) }
        }
        return list
    }
}
