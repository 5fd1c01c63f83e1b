import ArgumentParser
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct ReorganiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reorganise",
        abstract: "Record units merged, renamed, split or dissolved by a decision (secretariat).",
        discussion: """
            The file: {"decision":"Nghị quyết 1661/NQ-UBTVQH15","date":"2025-07-01","changes":[
              {"change":"merged","from":["so-tai-nguyen-moi-truong","so-nong-nghiep"],"to":["so-nong-nghiep-moi-truong"]},
              {"change":"renamed","from":["ban-dan-toc"],"to":["so-dan-toc-ton-giao"]},
              {"change":"split","from":["so-a"],"to":["so-b","so-c"]},
              {"change":"dissolved","from":["huyen-dien-bien"],"to":[]}]}
            A unit that changes is one a cycle scored or an earlier change made, and has not ended
            since; a merger may keep the id of one of the units it merges. The ranking's change on
            the previous cycle follows each unit back through these changes; a unit made of several
            is compared with their points together over their maxima together.

            Example:
              parledger reorganise --file sap-xep-2025.json --key so-noi-vu.key
            """
    )
    @OptionGroup var location: LedgerLocation
    @OptionGroup var signing: SigningOptions
    @Option(help: ArgumentHelp("The decision, its date and the changes (JSON).", valueName: "file")) var file: String

    func run() throws {
        try reportingFailures {
            let reorganised: PAREvents.UnitsReorganised
            do {
                reorganised = try PAREvents.UnitsReorganised(
                    payload: PayloadReader(try readJSON(file), type: "the reorganisation file"))
            } catch let problem as RuleViolation {
                throw InputError("\(file) does not describe a reorganisation: \(problem.reason)")
            }
            let operation = ReorganiseUnits(
                decision: reorganised.decision, date: reorganised.date,
                changes: reorganised.changes.map { .init(change: $0.change, from: $0.from, to: $0.to) })
            let result = try signing.perform(operation, on: try location.openScoring())
            let counts = PAREvents.UnitChange.Kind.allCases.compactMap { kind in
                let count = reorganised.changes.filter { $0.change == kind.rawValue }.count
                return count == 0 ? nil : "\(count) \(kind.rawValue)"
            }
            print(
                "Recorded the reorganisation by \(reorganised.decision) of \(reorganised.date): \(counts.joined(separator: ", ")) (event \(result.events[0].sequence))"
            )
        }
    }
}
