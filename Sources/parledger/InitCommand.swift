import ArgumentParser
import Ledger

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new, empty ledger.",
        discussion: "Example:\n  parledger init --ledger ./dien-bien-2019"
    )

    @OptionGroup var location: LedgerLocation

    func run() throws {
        try reportingFailures {
            let ledger = try Ledger.create(at: location.path)
            print("Created an empty ledger in \(ledger.path)")
        }
    }
}
