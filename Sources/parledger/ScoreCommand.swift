import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract:
            "A unit's self-assessment: scores, not-applicable marks, submission, withdrawal, explanations (unit officers).",
        subcommands: [SelfScore.self, NotApplicable.self, Sheet.self, Submit.self, Withdraw.self, Explain.self]
    )

    struct SelfScore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "self",
            abstract: "Record a self-score for one criterion, citing evidence or explaining it.",
            discussion: """
                --evidence FILE stores the document beside the ledger and cites it by its SHA-256
                (repeatable); without evidence a full --explanation of how the score was computed is required.

                Example:
                  parledger score self dien-bien-2019 so-tai-chinh 1.1.1 1 --evidence ke-hoach-cchc-2019.pdf --key officer.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The criterion code, e.g. 1.1.1.") var criterion: String
        @Argument(help: "The points, e.g. 1,5 or 0.25.") var points: String
        @Option(help: ArgumentHelp("A document cited as evidence (repeatable).", valueName: "file")) var evidence:
            [String] = []
        @Option(help: "How the score was computed (required without evidence).") var explanation: String?

        func run() throws {
            try reportingFailures {
                let scoring = try location.openScoring()
                let result = try withEvidence(evidence, unit: unit, in: scoring) { attached in
                    let row = RecordSelfAssessment.Row(
                        criterion: criterion, points: points, explanation: explanation,
                        evidence: attached.map(\.sha256))
                    let sheet = RecordSelfAssessment(cycle: cycle, unit: unit, rows: [row])
                    return try signing.perform(sheet, on: scoring, attached: attached)
                }
                print("Self-score \(criterion) = \(points) for \(unit) (event \(result.events.last?.sequence ?? 0))")
            }
        }
    }

    struct NotApplicable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "na",
            abstract: "Mark criteria not applicable this year, with their legal basis (one command).",
            discussion: """
                A criterion with sub-criteria marks all of its assessed sub-criteria; the unit's maximum
                drops by their points.

                Example:
                  parledger score na dien-bien-2019 so-tai-chinh 2.1 --legal-basis "Không được giao xây dựng VBQPPL năm 2019" --key officer.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The criterion codes.") var criteria: [String]
        @Option(help: "The regulation that exempts the unit.") var legalBasis: String

        func validate() throws {
            guard !criteria.isEmpty else { throw ValidationError("Name at least one criterion.") }
        }

        func run() throws {
            try reportingFailures {
                let rows = criteria.map {
                    RecordSelfAssessment.Row(criterion: $0, points: nil, notApplicable: legalBasis)
                }
                _ = try signing.perform(
                    RecordSelfAssessment(cycle: cycle, unit: unit, rows: rows), on: try location.openScoring())
                print("Not applicable for \(unit): \(criteria.joined(separator: ", ")) (\(legalBasis))")
            }
        }
    }

    struct Submit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit the unit's self-assessment for appraisal (every criterion scored or not applicable).",
            discussion: "Example:\n  parledger score submit dien-bien-2019 so-tai-chinh --key officer.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String

        func run() throws {
            try reportingFailures {
                _ = try signing.perform(
                    RecordSelfAssessment(cycle: cycle, unit: unit, rows: [], submit: true),
                    on: try location.openScoring())
                print("Submitted the self-assessment of \(unit)")
            }
        }
    }

    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw the unit's submitted self-assessment to edit it before the deadline.",
            discussion: """
                Allowed before the unit's deadline and while no council member has recorded anything on
                the unit. The self-scores stay: record new ones where needed and submit again.

                Example:
                  parledger score withdraw dien-bien-2019 so-tai-chinh --reason "Bổ sung tài liệu kiểm chứng tiêu chí 2.3" --key officer.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Option(help: "Why the self-assessment is withdrawn.") var reason: String

        func run() throws {
            try reportingFailures {
                _ = try signing.perform(
                    WithdrawSelfAssessment(cycle: cycle, unit: unit, reason: reason), on: try location.openScoring())
                print("Withdrew the self-assessment of \(unit); it can be edited and submitted again")
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a council member's request for an explanation (giải trình), citing documents.",
            discussion: """
                --evidence FILE stores the document beside the ledger and cites it by its SHA-256
                (repeatable). Each request is answered once, before the unit's appraisal is sealed.

                Example:
                  parledger score explain dien-bien-2019 so-tai-chinh gt-1a2b3c4d --answer "Kế hoạch ban hành ngày 15/01/2019" --evidence ke-hoach-cchc-2019.pdf --key officer.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The id of the request answered.") var request: String
        @Option(help: "The explanation.") var answer: String
        @Option(help: ArgumentHelp("A document cited (repeatable).", valueName: "file")) var evidence: [String] = []

        func run() throws {
            try reportingFailures {
                let scoring = try location.openScoring()
                let result = try withEvidence(evidence, unit: unit, in: scoring) { attached in
                    let answering = AnswerExplanation(
                        cycle: cycle, unit: unit, request: request, answer: answer, evidence: attached.map(\.sha256))
                    return try signing.perform(answering, on: scoring, attached: attached)
                }
                print("Answered request \(request) of \(unit) (event \(result.events.last?.sequence ?? 0))")
            }
        }
    }
}
