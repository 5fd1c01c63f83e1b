import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARDocuments
import PARIndex

extension ScoreCommand {
    /// A unit's whole self-assessment from the sheet its officer filled in: one signed command that
    /// still records one event per criterion, so that trace and appraisal work criterion by criterion.
    struct Sheet: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Record a unit's whole self-assessment sheet (CSV or XLSX) as one signed command, one event per criterion.",
            discussion: """
                The sheet: CSV (UTF-8, with or without a BOM) or the first sheet of an XLSX workbook. Its
                first row names the columns, in any order: criterion, points, evidence, explanation,
                not-applicable. One row per criterion:
                  criterion       the code, e.g. 1.1.1 (required)
                  points          the self-score: 2,5 or 2.5 (signed as 2.5); empty when not applicable
                  evidence        documents cited, separated by ';', as paths relative to the sheet;
                                  each is stored beside the ledger as with 'score self --evidence'
                  explanation     how the score was computed (required without evidence)
                  not-applicable  the legal basis exempting the unit this year: the row marks the
                                  criterion (and its sub-criteria) not applicable, with no points
                Every row is checked first: one bad row and nothing is appended, and every bad row is
                listed with its row number. --submit also submits the self-assessment for appraisal in
                the same command. A sample: schemas/examples/so-tai-chinh-2019.csv.

                Example:
                  parledger score sheet dien-bien-2019 so-tai-chinh tu-danh-gia-2019.xlsx --submit --key officer.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The sheet: a .csv or .xlsx file.") var file: String
        @Flag(
            help: "Also submit the self-assessment for appraisal (every assessed criterion scored or not applicable).")
        var submit = false

        /// Sheets are a few hundred rows; a larger file is not one.
        static let sizeLimit = 16 << 20

        func run() throws {
            try reportingFailures {
                let bytes = try readPrivateFile(file, limit: Self.sizeLimit)
                let scoring = try location.openScoring()
                guard let record = try scoring.cycle(cycle) else {
                    throw RuleViolation("no cycle '\(cycle)'", vi: "Không có kỳ đánh giá '\(cycle)'.")
                }
                guard let member = record.unit(unit.nfc) else {
                    throw RuleViolation(
                        "unit '\(unit)' is not part of cycle '\(cycle)'; its units are: \(record.opened.units.map(\.id).joined(separator: ", "))",
                        vi: "Đơn vị '\(unit)' không thuộc kỳ đánh giá \(record.opened.name)."
                    )
                }
                guard let framework = try scoring.frameworks(of: record)[member.kind] else {
                    throw RuleViolation(
                        "cycle '\(cycle)' has no framework for \(member.kind.plural)",
                        vi:
                            "Kỳ đánh giá \(record.opened.name) không có bộ tiêu chí cho \(VietnameseText.units(member.kind))."
                    )
                }
                let table: SheetTable
                do {
                    table = try SheetTable.read(bytes)
                } catch let error as SheetTable.Unreadable {
                    throw InputError("\(file): \(error)", hint: "save the sheet as CSV (UTF-8) or XLSX")
                }
                let directory = (file as NSString).deletingLastPathComponent
                func resolved(_ path: String) -> String {
                    path.hasPrefix("/") || directory.isEmpty
                        ? path : (directory as NSString).appendingPathComponent(path)
                }
                let sheet: SelfAssessmentSheet
                switch SelfAssessmentSheet.read(
                    table, unit: unit, framework: framework,
                    evidenceProblem: { path in
                        var isDirectory: ObjCBool = false
                        let found =
                            FileManager.default.fileExists(atPath: resolved(path), isDirectory: &isDirectory)
                            && !isDirectory.boolValue
                        return found ? nil : "the evidence file '\(path)' is not a file beside the sheet"
                    })
                {
                case .failure(let error):
                    throw InputError("\(file): \(error)", hint: "correct the rows and record the whole sheet again")
                case .success(let value): sheet = value
                }
                var paths: [String] = []
                for path in sheet.scores.flatMap(\.evidence).map(resolved) where !paths.contains(path) {
                    paths.append(path)
                }
                let result = try withEvidence(paths, unit: unit, in: scoring) { attached in
                    let cited = Dictionary(uniqueKeysWithValues: zip(paths, attached.map(\.sha256)))
                    let recording = RecordSelfAssessment(
                        cycle: cycle, unit: unit, rows: sheet.rows { cited[resolved($0)] }, submit: submit)
                    return try signing.perform(recording, on: scoring, attached: attached)
                }
                let events = result.events
                print(
                    "Recorded the sheet of \(unit): \(sheet.scores.count) self-scores, \(sheet.notApplicable.count) not-applicable marks, "
                        + "\(paths.count) evidence documents (events \(events.first?.sequence ?? 0)–\(events.last?.sequence ?? 0))"
                        + (submit ? "; submitted for appraisal" : ""))
            }
        }
    }
}
