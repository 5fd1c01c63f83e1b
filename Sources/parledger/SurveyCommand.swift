import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct SurveyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survey",
        abstract: "Survey (ĐTXHH) scores from the independent contractor.",
        subcommands: [Import.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import survey scores from CSV (unit,criterion,points) as one signed command.",
            discussion: """
                UTF-8 with or without BOM; points with a decimal dot, or a decimal comma in quotes ("1,5").
                One bad row and nothing is imported; every bad row is listed with its line number.

                Example:
                  parledger survey import dien-bien-2019 dtxhh-2019.csv --key contractor.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Do not show progress.") var quiet = false

        func run() throws {
            try reportingFailures {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw InputError("cannot read \(file)", hint: "check the path")
                }
                let scoring = try location.openScoring()
                guard let record = try scoring.cycle(cycle) else {
                    throw RuleViolation("no cycle '\(cycle)'", vi: "Không có kỳ đánh giá '\(cycle)'.")
                }
                let rows: [String: [PAREvents.SurveyScore]]
                switch SurveyImport.read(Array(data), cycle: record, frameworks: try scoring.frameworks(of: record)) {
                case .failure(let error):
                    throw InputError("\(file): \(error)", hint: "correct the rows and import the whole file again")
                case .success(let value): rows = value
                }
                let source = SHA256Digest.hex(Array(data))
                let result = try signing.perform(
                    ImportSurvey(cycle: cycle, csv: String(decoding: data, as: UTF8.self)), on: scoring)
                let count = rows.values.map(\.count).reduce(0, +)
                print(
                    "Imported \(count) survey scores for \(rows.count) units (events \(result.events.first?.sequence ?? 0)–\(result.events.last?.sequence ?? 0)), file \(source.prefix(16))…"
                )
            }
        }
    }
}
