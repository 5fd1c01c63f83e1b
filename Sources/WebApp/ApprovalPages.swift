import Ledger
import PARCore
import PARIndex

/// Who signs a decision of the province, as its signature block prints it: "TM. ỦY BAN NHÂN DÂN /
/// CHỦ TỊCH" when the chairman signs, "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" when a vice-chairman signs in his
/// place under a delegation.
struct SignatureBlock {
    let capacity: String
    let title: String
    let name: String
    /// For a vice-chairman: whom he signs for, under which delegation.
    let note: String?
}

extension SignatureBlock {
    /// The block of `signer`, signing for the chairman `chair` under `delegation` (both nil when the
    /// chairman signs himself).
    init(signer: String, chair: String?, delegation: String?) {
        if let chair {
            self.init(
                capacity: "KT. CHỦ TỊCH", title: "PHÓ CHỦ TỊCH", name: signer,
                note: "Ký thay Chủ tịch \(chair)" + (delegation.map { " theo Quyết định giao ký \($0)" } ?? ""))
        } else {
            self.init(capacity: "TM. ỦY BAN NHÂN DÂN", title: "CHỦ TỊCH", name: signer, note: nil)
        }
    }
}

/// The province's approval of a cycle's results as the pages show it.
struct ApprovalFacts {
    let decision: String
    /// dd/mm/yyyy.
    let date: String
    /// YYYY-MM-DD, what the publication's form cites.
    let isoDate: String
    let resultsHash: String
    let signature: SignatureBlock
    /// Whether the results the events give now are still those approved.
    let current: Bool
}

extension ApprovalFacts {
    /// The approval of `cycle`, judged against the results' hash now, nil before any approval.
    init?(of cycle: CycleRecord, resultsHash: String, names: ActorNames) {
        guard let approval = cycle.approval else { return nil }
        self.init(
            decision: approval.decision, date: Vietnamese.date(approval.date), isoDate: approval.date,
            resultsHash: approval.resultsHash,
            signature: SignatureBlock(
                signer: names.name(approval.actor), chair: approval.onBehalfOf.map(names.name),
                delegation: approval.delegation),
            current: approval.resultsHash == resultsHash)
    }
}

/// A vice-chairman the chairman assigned to sign in his place.
struct DelegationItem {
    let name: String
    let decision: String
    let by: String
}

/// The approval page of the province's chairman and vice-chairmen (`approval.mustache`): the results
/// to approve and their hash, what must hold first, the approval form with the signature block it
/// signs under, and the chairman's delegation of the signature.
struct ApprovalPage: PageModel {
    let cycle: String
    let cycleName: String
    let resultsHash: String
    let rows: [RankingRow]
    let checklist: [ChecklistItem]
    let windowFrom: String
    let windowUntil: String
    let today: String
    let approval: ApprovalFacts?
    /// How the viewer signs an approval; nil when they may not (a vice-chairman without delegation).
    let signature: SignatureBlock?
    let chair: Bool
    let viceChairs: [SelectOption]
    let delegations: [DelegationItem]
}

extension ApprovalPage {
    /// The page of `cycle` for `viewer` (`chair`: holds province-chair), with the results now.
    init(
        _ record: CycleRecord, viewer: String, chair: Bool, status: CycleStatus, ranking: RankingReport,
        resultsHash: String, names: ActorNames, today: String
    ) {
        let delegation = record.delegations[viewer]
        self.init(
            cycle: record.opened.cycle, cycleName: Vietnamese.cycleName(record), resultsHash: resultsHash,
            rows: RankingPage(record, report: ranking).rows,
            checklist: DashboardPage.checklist(record, status: status, today: today),
            windowFrom: status.publicationWindow.from, windowUntil: status.publicationWindow.until, today: today,
            approval: ApprovalFacts(of: record, resultsHash: resultsHash, names: names),
            signature: chair
                ? SignatureBlock(signer: names.name(viewer), chair: nil, delegation: nil)
                : delegation.map {
                    SignatureBlock(signer: names.name(viewer), chair: names.name($0.by), delegation: $0.decision)
                },
            chair: chair,
            viceChairs: names.holding(.provinceViceChair).map { SelectOption(value: $0.id, label: $0.name) },
            delegations: record.delegations.sorted { $0.value.sequence < $1.value.sequence }.map {
                DelegationItem(name: names.name($0.key), decision: $0.value.decision, by: names.name($0.value.by))
            })
    }
}
