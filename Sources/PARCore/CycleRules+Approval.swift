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
                "the results of '\(delegated.cycle)' were approved by decision \(approval.decision) at event \(approval.sequence) and have not changed since; there is nothing left to sign",
                vi:
                    "Kết quả của kỳ \(state.cycleName(delegated.cycle)) đã được phê duyệt theo quyết định số \(approval.decision) (sự kiện số \(approval.sequence)) và chưa thay đổi từ đó; không còn gì để ký."
            )
        }
        guard !delegated.decision.isBlank else {
            throw RuleViolation(
                "a delegation cites the decision that assigns the signing",
                vi: "Việc giao ký thay phải dẫn quyết định giao ký.")
        }
        guard state.roles.holds(delegated.delegate, .provinceViceChair, scope: nil, at: event.sequence) else {
            throw RuleViolation.forbidden(
                "'\(delegated.delegate)' is not a vice-chairman of the province (province-vice-chair); only a vice-chairman signs in the chairman's place",
                vi:
                    "\(delegated.delegate) không phải là Phó Chủ tịch UBND tỉnh; chỉ Phó Chủ tịch được ký thay Chủ tịch.",
                actors: [delegated.delegate]
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
                "the results of '\(approved.cycle)' were already approved by decision \(approval.decision) at event \(approval.sequence) and have not changed since",
                vi:
                    "Kết quả của kỳ \(state.cycleName(approved.cycle)) đã được phê duyệt theo quyết định số \(approval.decision) (sự kiện số \(approval.sequence)) và chưa thay đổi từ đó."
            )
        }
        guard !approved.decision.isBlank else {
            throw RuleViolation(
                "an approval cites the decision that approves the results",
                vi: "Việc phê duyệt phải dẫn quyết định phê duyệt kết quả.")
        }
        let missing = try publicationPrerequisitesMissing(cycle, date: approved.date)
        guard missing.isEmpty else {
            throw RuleViolation.stage(
                "the results of '\(approved.cycle)' cannot be approved yet: "
                    + missing.map(\.reason).joined(separator: "; "),
                vi: "Chưa đủ điều kiện phê duyệt kết quả kỳ \(cycle.opened.name): "
                    + missing.map(\.vietnamese).joined(separator: "; ") + ".")
        }
        let results = try state.results(of: cycle)
        guard results.hash == approved.resultsHash else {
            throw RuleViolation(
                "the approved results hash \(approved.resultsHash.prefix(16))… does not match the results the events give (\(results.hash.prefix(16))…)",
                vi:
                    "Kết quả được phê duyệt không khớp với kết quả tính từ các sự kiện trong sổ cái; hãy phê duyệt lại kết quả hiện tại."
            )
        }
        var onBehalfOf: String?
        var delegation: String?
        if !state.roles.holds(event.actor, .provinceChair, scope: nil, at: event.sequence) {
            guard let delegated = cycle.delegations[event.actor],
                state.roles.holds(event.actor, .provinceViceChair, scope: nil, at: event.sequence)
            else {
                throw RuleViolation.forbidden(
                    "a vice-chairman approves the results of '\(approved.cycle)' only in the chairman's place, under his delegation (SigningDelegated); '\(event.actor)' has none",
                    vi:
                        "Phó Chủ tịch chỉ phê duyệt kết quả kỳ \(state.cycleName(approved.cycle)) khi được Chủ tịch UBND tỉnh giao ký thay (KT. CHỦ TỊCH); \(event.actor) chưa được giao.",
                    actors: [event.actor]
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
                "the province has not approved the results of '\(published.cycle)' (ResultsApproved); the secretariat publishes what the chairman, or a vice-chairman in his place, approved",
                vi:
                    "UBND tỉnh chưa phê duyệt kết quả kỳ \(state.cycleName(published.cycle)); Văn phòng thường trực chỉ công bố kết quả đã được Chủ tịch, hoặc Phó Chủ tịch ký thay, phê duyệt."
            )
        }
        guard approval.decision == published.decision, approval.date == published.date,
            approval.resultsHash == published.resultsHash
        else {
            throw RuleViolation(
                "the publication cites decision \(published.decision) of \(published.date), but the province approved decision \(approval.decision) of \(approval.date) (event \(approval.sequence)); publish what was approved",
                vi:
                    "Phải công bố đúng quyết định đã phê duyệt: số \(approval.decision) ngày \(VietnameseText.date(approval.date)), không phải số \(published.decision) ngày \(VietnameseText.date(published.date))."
            )
        }
    }

    private func checkApprovalIsPartOfTheScheme(_ cycle: CycleRecord) throws {
        guard cycle.opened.effectiveScheme == .whole else {
            throw RuleViolation.stage(
                "cycle '\(cycle.opened.cycle)' follows scheme 1, whose results the secretariat publishes without a recorded approval",
                vi:
                    "Kỳ đánh giá \(cycle.opened.name) theo quy trình 1: Văn phòng thường trực công bố kết quả mà không cần ghi việc phê duyệt."
            )
        }
    }
}
