import ArgumentParser
import Foundation
import Ledger
import PARIndex

struct ScoresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores",
        abstract: "A unit's scores per criterion: maximum, self, appraised, spot-check, survey, effective, and who set it.",
        discussion: "Example:\n  parledger scores dien-bien-2019 so-tai-chinh\n  parledger scores dien-bien-2019 so-tai-chinh --at 2147 --json"
    )
    @OptionGroup var location: LedgerLocation
    @Argument(help: "The cycle id.") var cycle: String
    @Argument(help: "The unit id.") var unit: String
    @OptionGroup var at: AtOption
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingFailures {
            let scoring = try at.reader(try location.openForReading())
            let rows = try scoring.scores(cycle: cycle, unit: unit)
            let result = try scoring.results(cycle: cycle).units.first { $0.unit.id == unit.nfc }
            func mark(_ value: Mark?) -> JSONValue {
                guard let value else { return .null }
                var object: [String: JSONValue] = ["actor": .string(value.actor), "sequence": .integer(Int64(value.sequence)), "at": .string(value.at)]
                if let points = value.points { object["points"] = .string(points) }
                if let reason = value.reason { object["reason"] = .string(reason) }
                if let decision = value.decision { object["decision"] = .string(decision) }
                if let evidence = value.evidence, !evidence.isEmpty {
                    object["evidence"] = .array(evidence.map { .object(["name": .string($0.name), "sha256": .string($0.sha256)]) })
                }
                return .object(object)
            }
            if json {
                let criteria: [JSONValue] = rows.map { criterion, score in
                    let effective = score.notApplicable == nil || score.correction != nil ? score.effective(method: criterion.method ?? .assessed) : nil
                    return .object([
                        "code": .string(criterion.code), "title": .string(criterion.title), "maxPoints": .string(criterion.maxPoints.description),
                        "method": .string(criterion.method?.rawValue ?? ""), "self": mark(score.selfScore), "notApplicable": mark(score.notApplicable),
                        "appraised": mark(score.appraised), "spotCheck": mark(score.spotCheck), "survey": mark(score.survey),
                        "correction": mark(score.correction), "effective": mark(effective),
                    ])
                }
                var object: [String: JSONValue] = ["cycle": .string(cycle), "unit": .string(unit), "criteria": .array(criteria)]
                if let result {
                    object["points"] = .string(result.points.description)
                    object["maxPoints"] = .string(result.maxPoints.description)
                    object["index"] = .string(result.indexText)
                    object["class"] = .string(result.className)
                    object["rank"] = result.rank.map { .integer(Int64($0)) } ?? .null
                }
                print(String(decoding: CanonicalJSON.encode(.object(object)), as: UTF8.self))
                return
            }
            func show(_ value: Mark?) -> String { value?.points ?? "-" }
            print(["code", "max", "self", "appraised", "spot-check", "survey", "effective", "set by", "title"].joined(separator: "\t"))
            for (criterion, score) in rows {
                let notApplicable = score.notApplicable != nil && score.correction == nil
                let effective = notApplicable ? nil : score.effective(method: criterion.method ?? .assessed)
                let setBy = notApplicable ? "n/a by \(score.notApplicable?.actor ?? "?") @\(score.notApplicable?.sequence ?? 0)"
                    : effective.map { "\($0.actor) @\($0.sequence)" } ?? "-"
                print([criterion.code, criterion.maxPoints.description, notApplicable ? "n/a" : show(score.selfScore), show(score.appraised),
                       show(score.spotCheck), show(score.survey), notApplicable ? "n/a" : (effective?.points ?? "0"), setBy,
                       String(criterion.title.prefix(60))].joined(separator: "\t"))
            }
            if let result {
                print("Total \(result.points) of \(result.maxPoints) applicable: index \(result.indexText)%, \(result.className), rank \(result.rank.map(String.init) ?? "not ranked") (\(result.stage.rawValue))")
            }
        }
    }
}

struct RankingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ranking",
        abstract: "Rank a cycle's units by index, per kind, with classes, eligibility and the change on the previous cycle.",
        discussion: """
            Ties share a rank (1, 2, 2, 4). --csv writes UTF-8 with a BOM so that Excel shows Vietnamese;
            a cell that would start a formula (=, +, -, @) is prefixed with ' unless it is a number.

            Example:
              parledger ranking --cycle dien-bien-2019 --kind district --csv xep-hang-2019.csv
            """
    )
    @OptionGroup var location: LedgerLocation
    @Option(help: "The cycle id.") var cycle: String
    @Option(help: "Only department or district.") var kind: UnitKind?
    @Option(help: ArgumentHelp("Also write the ranking as CSV.", valueName: "file")) var csv: String?
    @OptionGroup var at: AtOption
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingFailures {
            let scoring = try at.reader(try location.openForReading())
            guard let record = try scoring.cycle(cycle) else { throw RuleViolation("no cycle '\(cycle)'") }
            let units = try scoring.results(cycle: cycle).units.filter { kind == nil || $0.unit.kind == kind }
            var previous: [String: UnitResult] = [:]
            if let previousCycle = record.opened.previousCycle {
                for result in try scoring.results(cycle: previousCycle).units { previous[result.unit.id] = result }
            }
            func change(_ result: UnitResult) -> (index: String, rank: String) {
                guard let before = previous[result.unit.id], before.unit.kind == result.unit.kind else { return ("", "") }
                let delta = Points(parsing: result.indexText, or: .zero) - Points(parsing: before.indexText, or: .zero)
                let places = (before.rank ?? 0) - (result.rank ?? 0)
                let rank = (before.rank == nil || result.rank == nil) ? "" : (places > 0 ? "+\(places)" : "\(places)")
                return ((delta.hundredths >= 0 ? "+" : "") + delta.formatted(decimals: 2), rank)
            }
            let header = ["kind", "rank", "unit", "name", "points", "max", "index %", "class", "commendation", "change (index points)", "change (places)"]
            let lines = units.map { result -> [String] in
                let (indexChange, rankChange) = change(result)
                let commendation = result.eligibility.provincialCommendation ? "eligible"
                    : (result.eligibility.anyCommendation ? "not at provincial level" : "none") + ": " + result.eligibility.reasons.joined(separator: "; ")
                return [result.unit.kind.rawValue, result.rank.map(String.init) ?? "not ranked (\(result.excludedFromRanking ?? ""))",
                        result.unit.id, result.unit.name, result.points.description, result.maxPoints.description, result.indexText,
                        result.className, commendation, indexChange, rankChange]
            }
            if let csv {
                let text = ([header] + lines).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
                try FileProblem.wrap("writing the ranking to", csv) {
                    try (Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)).write(to: URL(fileURLWithPath: csv))
                }
            }
            if json {
                let value: JSONValue = .array(units.map { result in
                    let (indexChange, rankChange) = change(result)
                    return .object([
                        "kind": .string(result.unit.kind.rawValue), "rank": result.rank.map { .integer(Int64($0)) } ?? .null,
                        "unit": .string(result.unit.id), "name": .string(result.unit.name), "points": .string(result.points.description),
                        "maxPoints": .string(result.maxPoints.description), "index": .string(result.indexText), "class": .string(result.className),
                        "provincialCommendation": .bool(result.eligibility.provincialCommendation),
                        "anyCommendation": .bool(result.eligibility.anyCommendation),
                        "reasons": .array(result.eligibility.reasons.map(JSONValue.string)),
                        "indexChange": indexChange.isEmpty ? .null : .string(indexChange), "rankChange": rankChange.isEmpty ? .null : .string(rankChange),
                    ])
                })
                print(String(decoding: CanonicalJSON.encode(value), as: UTF8.self))
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

extension Points {
    init(parsing text: String, or fallback: Points) {
        self = (try? Points(parsing: text)) ?? fallback
    }
}
