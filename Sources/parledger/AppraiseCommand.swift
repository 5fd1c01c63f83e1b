import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct AppraiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appraise",
        abstract: "Appraise a submitted self-assessment (council members in their fields); the chair seals it.",
        discussion: """
            'parledger appraise CYCLE UNIT …' records an appraisal score or seals the unit ('record', the
            default); 'parledger appraise ask' asks the unit for an explanation (giải trình) of a criterion.

            Example:
              parledger appraise dien-bien-2019 so-tai-chinh 1.1.1 0.5 --reason "Kế hoạch ban hành muộn" --key council.key
              parledger appraise ask dien-bien-2019 so-tai-chinh 1.1.1 --question "Kế hoạch ban hành ngày nào?" --key council.key
            """,
        subcommands: [Record.self, Ask.self],
        defaultSubcommand: Record.self
    )
}

extension AppraiseCommand {
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "record",
            abstract: "Appraise a submitted self-assessment (council members in their fields); the chair seals it.",
            discussion: """
                Departments' scores may only be recognised or lowered; districts' may be adjusted either
                way. Every adjustment needs --reason. A member appraises only the fields the secretariat
                assigned them ('council assign'), never a unit they self-assessed, and only after the
                steering committee committed to its draw ('spotcheck commit'). --conclude, by the chair,
                seals the unit's appraisal; criteria not appraised by then are recognised as self-scored.

                Example:
                  parledger appraise dien-bien-2019 so-tai-chinh 1.1.1 0.5 --reason "Kế hoạch ban hành muộn" --key council.key
                  parledger appraise dien-bien-2019 so-tai-chinh --conclude --key council.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The criterion code.") var criterion: String?
        @Argument(help: "The appraised points.") var points: String?
        @Option(help: "Why the score was adjusted.") var reason: String?
        @Option(help: ArgumentHelp("A document cited (repeatable).", valueName: "file")) var evidence: [String] = []
        @Flag(help: "Conclude the unit's appraisal.") var conclude = false
        @Option(help: "With --conclude in a cycle of scheme 2: the council meeting that agreed the results.")
        var meeting: String?

        func validate() throws {
            guard conclude == (criterion == nil && points == nil), conclude || (criterion != nil && points != nil)
            else {
                throw ValidationError("Give CRITERION and POINTS, or --conclude alone.")
            }
        }

        func run() throws {
            try reportingFailures {
                let scoring = try location.openScoring()
                if conclude {
                    _ = try signing.perform(SealUnit(cycle: cycle, unit: unit, meeting: meeting), on: scoring)
                    print("Sealed the appraisal of \(unit)")
                    return
                }
                _ = try withEvidence(evidence, unit: unit, in: scoring) { attached in
                    let appraisal = RecordAppraisal(
                        cycle: cycle, unit: unit, criterion: criterion ?? "", points: points ?? "", reason: reason,
                        evidence: attached.map(\.sha256))
                    return try signing.perform(appraisal, on: scoring, attached: attached)
                }
                print("Appraised \(criterion ?? "") of \(unit): \(points ?? "")")
            }
        }
    }
}

extension AppraiseCommand {
    struct Ask: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask a unit for an explanation (giải trình) of one criterion of its submitted self-assessment.",
            discussion: """
                A council member asks only in the fields assigned to them, never a unit they
                self-assessed, and only while the unit's appraisal is open and not sealed. The unit answers
                with 'parledger score explain', naming the request id printed here (--request, or a new
                'gt-' id when omitted).

                Example:
                  parledger appraise ask dien-bien-2019 so-tai-chinh 1.1.1 --question "Kế hoạch CCHC ban hành ngày nào?" --key council.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The criterion code, e.g. 1.1.1.") var criterion: String
        @Option(help: "What the unit is asked to explain.") var question: String
        @Option(help: ArgumentHelp("The request's id (default: gt- and a short random id).", valueName: "id"))
        var request: String?

        func run() throws {
            try reportingFailures {
                let id = request ?? "gt-" + UUID().uuidString.lowercased().prefix(8)
                let asking = RequestExplanation(
                    cycle: cycle, unit: unit, criterion: criterion, request: id, question: question)
                let result = try signing.perform(asking, on: try location.openScoring())
                print(
                    "Asked \(unit) to explain \(criterion): request \(id) (event \(result.events.last?.sequence ?? 0))")
            }
        }
    }
}
