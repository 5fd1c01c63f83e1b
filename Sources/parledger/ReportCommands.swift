import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARDocuments
import PARIndex

struct ScoresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores",
        abstract:
            "A unit's scores per criterion: maximum, self, appraised, spot-check, survey, effective, and who set it.",
        discussion:
            "Example:\n  parledger scores dien-bien-2019 so-tai-chinh\n  parledger scores dien-bien-2019 so-tai-chinh --at 2147 --json"
    )
    @OptionGroup var location: LedgerLocation
    @Argument(help: "The cycle id.") var cycle: String
    @Argument(help: "The unit id.") var unit: String
    @OptionGroup var at: AtOption
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingFailures {
            let report = try at.reader(try location.openForReading()).unitScores(cycle: cycle, unit: unit)
            if json {
                print(String(decoding: CanonicalJSON.encode(report.json), as: UTF8.self))
                return
            }
            func show(_ value: Mark?) -> String { value?.points ?? "-" }
            print(
                ["code", "max", "self", "appraised", "spot-check", "survey", "effective", "set by", "title"].joined(
                    separator: "\t"))
            for line in report.lines {
                let (criterion, score, notApplicable, effective) = (
                    line.criterion, line.score, line.isNotApplicable, line.effective
                )
                let setBy =
                    notApplicable
                    ? "n/a by \(score.notApplicable?.actor ?? "?") @\(score.notApplicable?.sequence ?? 0)"
                    : effective.map { "\($0.actor) @\($0.sequence)" } ?? "-"
                print(
                    [
                        criterion.code, criterion.maxPoints.description, notApplicable ? "n/a" : show(score.selfScore),
                        show(score.appraised),
                        show(score.spotCheck), show(score.survey), notApplicable ? "n/a" : (effective?.points ?? "0"),
                        setBy,
                        String(criterion.title.prefix(60)),
                    ].joined(separator: "\t"))
            }
            for line in report.lines {
                for request in line.explanations {
                    let answer =
                        request.answer.map { "answered by \($0.by) at \($0.at): \($0.text)" } ?? "not answered yet"
                    print(
                        "Explanation \(request.request) on \(line.criterion.code), asked by \(request.askedBy) at \(request.askedAt): \(request.question) — \(answer)"
                    )
                }
            }
            if let result = report.result {
                print(
                    "Total \(result.points) of \(result.maxPoints) applicable: index \(result.indexText)%, \(result.className), rank \(result.rank.map(String.init) ?? "not ranked") (\(result.stage.rawValue))"
                )
            } else {
                print("Stage: \(report.stage.rawValue)")
            }
        }
    }
}

struct RankingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranking",
        abstract:
            "Rank a cycle's units by index, per kind, with classes, eligibility and the change on the previous cycle.",
        discussion: """
            Ties share a rank (1, 2, 2, 4). --csv writes UTF-8 with a BOM so that Excel shows Vietnamese;
            a cell that would start a formula (=, +, -, @) is prefixed with ' unless it is a number.

            Example:
              parledger ranking --cycle dien-bien-2019 --kind district --csv xep-hang-2019.csv
            """
    )
    @OptionGroup var location: LedgerLocation
    @Option(help: "The cycle id.") var cycle: String
    @Option(help: "Only one unit kind: department, district, commune, branch or office.") var kind: UnitKind?
    @Option(help: ArgumentHelp("Also write the ranking as CSV.", valueName: "file")) var csv: String?
    @OptionGroup var at: AtOption
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingFailures {
            let report = try at.reader(try location.openForReading()).ranking(cycle: cycle, kind: kind)
            func change(_ row: RankingReport.Row) -> (index: String, rank: String) {
                guard let change = row.change else { return ("", "") }
                let index = (change.indexPoints.hundredths >= 0 ? "+" : "") + change.indexPoints.formatted(decimals: 2)
                return (index, change.places.map { $0 > 0 ? "+\($0)" : "\($0)" } ?? "")
            }
            let header = [
                "kind", "rank", "unit", "name", "points", "max", "index %", "class", "commendation",
                "change (index points)", "change (places)", "compared with",
            ]
            let lines = report.rows.map { row -> [String] in
                let result = row.result
                let (indexChange, rankChange) = change(row)
                let commendation =
                    result.eligibility.provincialCommendation
                    ? "eligible"
                    : (result.eligibility.anyCommendation ? "not at provincial level" : "none") + ": "
                        + result.eligibility.reasons.joined(separator: "; ")
                return [
                    result.unit.kind.rawValue,
                    result.rank.map(String.init) ?? "not ranked (\(result.excludedFromRanking ?? ""))",
                    result.unit.id, result.unit.name, result.points.description, result.maxPoints.description,
                    result.indexText,
                    result.className, commendation, indexChange, rankChange,
                    row.change?.comparedWith?.map(\.id).joined(separator: " + ") ?? "",
                ]
            }
            if let csv {
                let text =
                    ([header] + lines).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\r\n")
                    + "\r\n"
                try FileProblem.wrap("writing the ranking to", csv) {
                    try (Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)).write(to: URL(fileURLWithPath: csv))
                }
            }
            if json {
                print(String(decoding: CanonicalJSON.encode(report.json), as: UTF8.self))
                return
            }
            print(header.joined(separator: "\t"))
            for line in lines { print(line.joined(separator: "\t")) }
            if let csv { print("Wrote \(csv)") }
        }
    }

    /// A CSV cell: neutralised against formulas, quoted when it holds a comma, a quote or a line break.
    private func csvField(_ raw: String) -> String {
        let text = SpreadsheetText.neutralised(raw)
        let needsQuotes = text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
