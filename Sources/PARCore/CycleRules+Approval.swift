import Foundation
package import Ledger
import LedgerFormat

/// Who decides (cycles of scheme 2): the chairman's delegation of the approval's signature to a
/// vice-chairman, the approval of the results, and the publication bound to that approval.
extension CycleRules {
    package mutating func delegateSigning(_ event: RecordedEvent) throws {
        let delegated = try payload(PAREvents.SigningDelegated.self, of: event)
        var cycle = try openCycleRecord(event, delegated.cycle)
        try checkApprovalIsPartOfTheScheme(cycle)
        if let approval = cycle.approval, approval.resultsHash == (try state.results(of: cycle).hash) {
            throw RuleViolation.stage(
                "the results of '\(delegated.cycle)' were approved by decision \(approval.decision) at event \(approval.sequence) and have not changed since; there is nothing left to sign"
            )
        }
        guard !delegated.decision.isBlank else {
            throw RuleViolation("a delegation cites the decision that assigns the signing")
        }
        guard state.roles.holds(delegated.delegate, .provinceViceChair, scope: nil, at: event.sequence) else {
            throw RuleViolation.forbidden(
                "'\(delegated.delegate)' is not a vice-chairman of the province (province-vice-chair); only a vice-chairman signs in the chairman's place"
            )
        }
        cycle.delegations[delegated.delegate] = CycleRecord.DelegationRecord(
            decision: delegated.decision, by: event.actor, sequence: event.sequence)
        putCycle(cycle, event)
    }

    /// The province approves the results as they stand; when they changed after an earlier approval
    /// (a survey imported again, a unit left out of the ranking), a new approval replaces it.
    package mutating func approve(_ event: RecordedEvent) throws {
        let approved = try payload(PAREvents.ResultsApproved.self, of: event)
        var cycle = try openCycleRecord(event, approved.cycle)
        try checkApprovalIsPartOfTheScheme(cycle)
        if let approval = cycle.approval, approval.resultsHash == (try state.results(of: cycle).hash) {
            throw RuleViolation.stage(
                "the results of '\(approved.cycle)' were already approved by decision \(approval.decision) at event \(approval.sequence) and have not changed since"
            )
        }
        guard !approved.decision.isBlank else {
            throw RuleViolation("an approval cites the decision that approves the results")
        }
        let missing = try publicationPrerequisitesMissing(cycle, date: approved.date)
        guard missing.isEmpty else {
            throw RuleViolation.stage(
                "the results of '\(approved.cycle)' cannot be approved yet: " + missing.joined(separator: "; "))
        }
        let results = try state.results(of: cycle)
        guard results.hash == approved.resultsHash else {
            throw RuleViolation(
                "the approved results hash \(approved.resultsHash.prefix(16))… does not match the results the events give (\(results.hash.prefix(16))…)"
            )
        }
        var onBehalfOf: String?
        var delegation: String?
        if !state.roles.holds(event.actor, .provinceChair, scope: nil, at: event.sequence) {
            guard let delegated = cycle.delegations[event.actor],
                state.roles.holds(event.actor, .provinceViceChair, scope: nil, at: event.sequence)
            else {
                throw RuleViolation.forbidden(
                    "a vice-chairman approves the results of '\(approved.cycle)' only in the chairman's place, under his delegation (SigningDelegated); '\(event.actor)' has none"
                )
            }
            (onBehalfOf, delegation) = (delegated.by, delegated.decision)
        }
        cycle.approval = CycleRecord.ApprovalRecord(
            decision: approved.decision, date: approved.date, resultsHash: approved.resultsHash, actor: event.actor,
            sequence: event.sequence, onBehalfOf: onBehalfOf, delegation: delegation)
        putCycle(cycle, event)
    }

    /// Refuses, in a cycle of scheme 2, a publication that does not publish what the province approved:
    /// its decision, its date and the results' hash.
    package func checkPublishesTheApproval(_ cycle: CycleRecord, _ published: PAREvents.ResultsPublished) throws {
        guard cycle.opened.effectiveScheme == .whole else { return }
        guard let approval = cycle.approval else {
            throw RuleViolation.stage(
                "the province has not approved the results of '\(published.cycle)' (ResultsApproved); the secretariat publishes what the chairman, or a vice-chairman in his place, approved"
            )
        }
        guard approval.decision == published.decision, approval.date == published.date,
            approval.resultsHash == published.resultsHash
        else {
            throw RuleViolation(
                "the publication cites decision \(published.decision) of \(published.date), but the province approved decision \(approval.decision) of \(approval.date) (event \(approval.sequence)); publish what was approved"
            )
        }
    }

    private func checkApprovalIsPartOfTheScheme(_ cycle: CycleRecord) throws {
        guard cycle.opened.effectiveScheme == .whole else {
            throw RuleViolation.stage(
                "cycle '\(cycle.opened.cycle)' follows scheme 1, whose results the secretariat publishes without a recorded approval"
            )
        }
    }
}
