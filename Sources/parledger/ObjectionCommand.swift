import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct ObjectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objection",
        abstract:
            "Objections (kiến nghị) to published results: a unit files, the secretariat answers, anyone lists them.",
        subcommands: [File.self, Answer.self, List.self]
    )

    struct File: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "File the unit's objection to its published result, optionally about one criterion (unit officer).",
            discussion: """
                Allowed once the cycle is published, until the end of the 30th day after the publication's
                decision date (Vietnam time). The secretariat answers with 'parledger objection answer',
                naming the objection id printed here (--objection, or a new 'kn-' id when omitted); a
                correction resolving it cites it with 'parledger correct … --objection ID'.

                Example:
                  parledger objection file dien-bien-2019 so-y-te --criterion 3.4.1 --reason "Tài liệu kiểm chứng đã nộp đúng hạn nhưng không được ghi nhận" --key officer.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Option(help: "Why the unit objects.") var reason: String
        @Option(help: "The criterion objected to, e.g. 3.4.1 (none: the whole result).") var criterion: String?
        @Option(help: ArgumentHelp("The objection's id (default: kn- and a short random id).", valueName: "id"))
        var objection: String?

        func run() throws {
            try reportingFailures {
                let id = objection ?? "kn-" + UUID().uuidString.lowercased().prefix(8)
                let filing = FileObjection(
                    cycle: cycle, unit: unit, objection: id, criterion: criterion, reason: reason)
                let result = try signing.perform(filing, on: try location.openScoring())
                print(
                    "Filed objection \(id) of \(unit)\(criterion.map { " on \($0)" } ?? "") (event \(result.events[0].sequence))"
                )
            }
        }
    }

    struct Answer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer a unit's objection: accepted or rejected, with the answer's text (secretariat).",
            discussion: """
                Each objection is answered once. An accepted objection is resolved by a correction citing it
                ('parledger correct … --objection ID').

                Example:
                  parledger objection answer dien-bien-2019 so-y-te kn-1a2b3c4d --decision accepted --answer "Hội đồng phúc khảo chấp nhận; điểm được điều chỉnh theo Quyết định 815/QĐ-UBND" --key so-noi-vu.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The id of the objection answered.") var objection: String
        @Option(help: "accepted or rejected.") var decision: String
        @Option(help: "The answer.") var answer: String

        func run() throws {
            try reportingFailures {
                let answering = AnswerObjection(
                    cycle: cycle, unit: unit, objection: objection, decision: decision, answer: answer)
                let result = try signing.perform(answering, on: try location.openScoring())
                print("Answered objection \(objection) of \(unit): \(decision) (event \(result.events[0].sequence))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A cycle's objections in filing order, with their answers and the corrections citing them.",
            discussion:
                "Example:\n  parledger objection list dien-bien-2019\n  parledger objection list dien-bien-2019 --json"
        )
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The cycle id.") var cycle: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let report = try location.openForReading().objectionsReport(cycle: cycle)
                if json {
                    print(String(decoding: CanonicalJSON.encode(report.json), as: UTF8.self))
                    return
                }
                if let deadline = report.deadline {
                    print(
                        "Cycle \(report.cycle), published by decision \(report.publishedBy ?? "?"): objections until \(ProvinceTime.show(deadline))"
                    )
                } else {
                    print("Cycle \(report.cycle) is not published: no objections yet")
                }
                for objection in report.objections {
                    let about = objection.criterion.map { " on \($0)" } ?? ""
                    print(
                        "\(objection.objection)\t\(objection.unit)\(about), filed by \(objection.filedBy) at \(ProvinceTime.show(iso8601: objection.filedAt)) (event \(objection.filedSequence)): \(objection.reason)"
                    )
                    if let answer = objection.answer {
                        print(
                            "  \(answer.decision) by \(answer.by) at \(ProvinceTime.show(iso8601: answer.at)) (event \(answer.sequence)): \(answer.text)"
                        )
                    } else {
                        print("  not answered yet")
                    }
                    if !objection.correctedBy.isEmpty {
                        print("  corrected by event \(objection.correctedBy.map(String.init).joined(separator: ", "))")
                    }
                }
            }
        }
    }
}
