import ArgumentParser
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a cycle's results by decision of the provincial People's Committee (secretariat).",
        discussion: """
            The publication records the SHA-256 of the canonical results (scores, indexes, classes,
            ranks); from then on only corrections citing a decision change the cycle.

            Example:
              parledger publish dien-bien-2019 --decision 640/QĐ-UBND --date 2020-05-29 --key so-noi-vu.key
            """
    )
    @OptionGroup var location: LedgerLocation
    @OptionGroup var signing: SigningOptions
    @Argument(help: "The cycle id.") var cycle: String
    @Option(help: "The decision number.") var decision: String
    @Option(help: "The decision's date (YYYY-MM-DD).") var date: String

    func run() throws {
        try reportingFailures {
            let scoring = try location.openScoring()
            let result = try signing.perform(PublishResults(cycle: cycle, decision: decision, date: date), on: scoring)
            let results = try scoring.results(cycle: cycle)
            print(
                "Published '\(cycle)' by decision \(decision) of \(date) (event \(result.events[0].sequence)); results \(results.hash)"
            )
        }
    }
}
