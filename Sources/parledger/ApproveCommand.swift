import ArgumentParser
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct ApproveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract:
            "Approve a cycle's results by decision of the province (its chairman, or a vice-chairman in his place).",
        discussion: """
            In a cycle of scheme 2 the province approves the results before the secretariat publishes
            them: the chairman (role province-chair) signs "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH", or a
            vice-chairman (province-vice-chair) the chairman assigned with `approve --delegate` signs
            "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH". The approval records the SHA-256 of the results as they stand;
            `publish` must then cite the same decision and date.

            Examples:
              parledger approve dien-bien-2025 --delegate pho-chu-tich --decision 15/QĐ-UBND --key chu-tich.key
              parledger approve dien-bien-2025 --decision 640/QĐ-UBND --date 2026-05-29 --key pho-chu-tich.key
            """
    )
    @OptionGroup var location: LedgerLocation
    @OptionGroup var signing: SigningOptions
    @Argument(help: "The cycle id.") var cycle: String
    @Option(help: "The decision number (of the approval, or with --delegate of the assignment).") var decision: String
    @Option(help: "The approval decision's date (YYYY-MM-DD).") var date: String?
    @Option(help: "Assign this vice-chairman to sign the approval in the chairman's place (chairman only).")
    var delegate: String?

    func validate() throws {
        if delegate == nil && date == nil { throw ValidationError("give the approval decision's --date") }
        if delegate != nil && date != nil {
            throw ValidationError("--date belongs to the approval; a delegation takes only --decision")
        }
    }

    func run() throws {
        try reportingFailures {
            let scoring = try location.openScoring()
            if let delegate {
                let result = try signing.perform(
                    DelegateSigning(cycle: cycle, delegate: delegate, decision: decision), on: scoring)
                print(
                    "'\(delegate)' signs the approval of '\(cycle)' in the chairman's place (KT. CHỦ TỊCH) under decision \(decision) (event \(result.events[0].sequence))"
                )
                return
            }
            let result = try signing.perform(
                ApproveResults(cycle: cycle, decision: decision, date: date ?? ""), on: scoring)
            let approval = try scoring.cycle(cycle)?.approval
            print(
                "Approved the results of '\(cycle)' by decision \(decision) of \(date ?? "") (event \(result.events[0].sequence)), signed \(approval?.signedAs ?? "")\(approval?.onBehalfOf.map { " for '\($0)'" } ?? ""); results \(approval?.resultsHash ?? "")"
            )
        }
    }
}
