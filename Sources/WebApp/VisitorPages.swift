import Foundation
import Hummingbird
import PARCore
import PARIndex

/// A visitor's way in, without a key: `/` lists every published cycle (newest first) with the
/// province's index over the years, and `/qua-cac-nam/{unit}` follows one unit through the published
/// years. Only published results appear; when the explorer needs a login, so do these pages.
struct VisitorPages {
    let scoring: ScoringLedger
    let renderer: PageRenderer
    let explorer: Explorer

    func register(on router: Router<WebContext>) {
        router.get("qua-cac-nam") { _, context in try await offloaded { try years(context) } }
        router.get("qua-cac-nam/:unit") { _, context in try await offloaded { try unitYears(context) } }
    }

    /// The home page of a visitor (nobody logged in); the login page when the explorer needs a login.
    func home(_ context: WebContext) throws -> Response {
        guard explorer.access == .everyone else {
            return renderer.render(
                "login", header: PageHeader(title: "Đăng nhập", page: "login", signedIn: false),
                LoginPage(ledger: scoring.ledger.id))
        }
        return try years(context)
    }

    /// The published cycles and the province over the years, for anyone the explorer admits.
    func years(_ context: WebContext) throws -> Response {
        try explorer.admit(context)
        let history = try PublishedHistory(scoring)
        let header = try explorer.header(context, title: "Chỉ số cải cách hành chính của tỉnh", page: "visitor")
        return renderer.render("visitor", header: header, VisitorHomePage(history))
    }

    func unitYears(_ context: WebContext) throws -> Response {
        try explorer.admit(context)
        let id = try context.parameters.require("unit").nfc
        let history = try PublishedHistory(scoring)
        let years = history.years(of: id)
        guard let latest = years.first else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "this unit is in no published results",
                vi: "Đơn vị này không có trong kết quả nào đã công bố.")
        }
        let header = try explorer.header(context, title: "\(latest.unitName) qua các năm", page: "unit-years")
        return renderer.render("unit-years", header: header, UnitYearsPage(unit: id, years: years))
    }
}

/// The published cycles of the ledger, oldest first, each with the results its publication attested
/// and the ranking's comparison with the previous cycle (which follows units across reorganisations).
struct PublishedHistory {
    struct Year {
        let record: CycleRecord
        let results: CycleResults
        let ranking: RankingReport
    }

    let years: [Year]

    init(_ scoring: ScoringLedger) throws {
        years = try scoring.cycles().filter { $0.publication != nil }.sorted { $0.opened.year < $1.opened.year }
            .map { record in
                Year(
                    record: record, results: try scoring.publishedResults(of: record),
                    ranking: try scoring.ranking(cycle: record.opened.cycle))
            }
    }

    /// The kinds of unit ranked in any published year, in group order.
    var kinds: [UnitKind] {
        UnitKind.allCases.filter { kind in years.contains { $0.results.units.contains { $0.unit.kind == kind } } }
    }

    /// The mean of the published indexes of the ranked units of `kind` in `year` (half up to the
    /// hundredth), nil when none was ranked: a summary for the chart, not a result of the cycle.
    func average(of kind: UnitKind, in year: Year) -> Points? {
        let indexes = year.results.units.filter { $0.unit.kind == kind && $0.rank != nil }.map(\.publishedIndex)
        guard !indexes.isEmpty else { return nil }
        let count = Int64(indexes.count)
        return Points(hundredths: (indexes.map(\.hundredths).reduce(0, +) * 2 + count) / (2 * count))
    }

    /// The unit `id` in every published year it was scored in, newest first.
    func years(of id: String) -> [UnitYear] {
        years.reversed().compactMap { year in
            guard let result = year.results.units.first(where: { Array($0.unit.id.utf8) == Array(id.utf8) }) else {
                return nil
            }
            let change = year.ranking.rows.first { Array($0.result.unit.id.utf8) == Array(id.utf8) }?.change
            return UnitYear(year: year, result: result, change: change)
        }
    }
}
