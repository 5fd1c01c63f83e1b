import PARCore
import PARIndex

/// The visitor's home page (`visitor.mustache`): the published cycles newest first, the province's
/// index over the years as a chart, the units to follow and where to check it all.
struct VisitorHomePage: PageModel {
    let cycles: [PublishedCycleLink]
    let latest: PublishedCycleLink?
    let chart: String?
    let groups: [UnitGroupLinks]

    init(_ history: PublishedHistory) {
        cycles = history.years.reversed().map(PublishedCycleLink.init)
        latest = cycles.first
        let kinds = history.kinds
        let series = kinds.map { kind in
            HistoryChart.Series(
                name: "Trung bình — \(Vietnamese.kind(kind.rawValue))",
                values: history.years.map { history.average(of: kind, in: $0) })
        }
        chart =
            history.years.isEmpty
            ? nil
            : HistoryChart.lines(
                years: history.years.map(\.record.opened.year), series: series,
                title: "Chỉ số CCHC trung bình của các đơn vị qua các năm (%)")
        var latestName: [String: CycleUnit] = [:]
        for year in history.years { for result in year.results.units { latestName[result.unit.id] = result.unit } }
        groups = kinds.map { kind in
            UnitGroupLinks(
                kindName: Vietnamese.kind(kind.rawValue),
                units: latestName.values.filter { $0.kind == kind }.sorted { $0.name < $1.name }
                    .map { UnitLink(id: $0.id, name: $0.name) })
        }
    }
}

/// A published cycle on the visitor's home page, leading to its public page and its documents.
struct PublishedCycleLink {
    let cycle: String
    let name: String
    let year: Int
    let decision: String
    let date: String
    let units: Int

    init(_ year: PublishedHistory.Year) {
        cycle = year.record.opened.cycle
        name = year.record.opened.name
        self.year = year.record.opened.year
        decision = year.record.publication?.decision ?? ""
        date = Vietnamese.date(year.record.publication?.date ?? "")
        units = year.results.units.count
    }
}

/// The units of one kind, by name, each leading to its years.
struct UnitGroupLinks {
    let kindName: String
    let units: [UnitLink]
}

/// A unit by its name, leading to its page over the years.
struct UnitLink {
    let id: String
    let name: String
}

/// A unit over the published years (`unit-years.mustache`): its index and rank each year, newest
/// first, with the units of the previous year it is compared with after a reorganisation.
struct UnitYearsPage: PageModel {
    let unit: String
    let rows: [UnitYearRow]
    let chart: String

    init(unit: String, years: [UnitYear]) {
        self.unit = unit
        rows = years.map(UnitYearRow.init)
        let oldestFirst = Array(years.reversed())
        chart = HistoryChart.lines(
            years: oldestFirst.map(\.year.record.opened.year),
            series: [
                HistoryChart.Series(
                    name: years.first?.result.unit.name ?? unit,
                    values: oldestFirst.map { $0.result.publishedIndex })
            ],
            title: "Chỉ số CCHC của \(years.first?.result.unit.name ?? unit) qua các năm (%)")
    }
}

/// A unit's published result in one year, with its change on the year before.
struct UnitYear {
    let year: PublishedHistory.Year
    let result: UnitResult
    let change: RankingReport.Change?

    var unitName: String { result.unit.name }
}

/// One year's line of a unit's page over the years.
struct UnitYearRow {
    let cycle: String
    let year: Int
    let name: String
    let index: String
    let `class`: String
    let rank: String
    let ranked: Int
    let changePoints: String?
    let comparedWith: [UnitLink]
    let hasComparedWith: Bool

    init(_ unitYear: UnitYear) {
        let result = unitYear.result
        cycle = unitYear.year.record.opened.cycle
        year = unitYear.year.record.opened.year
        name = result.unit.name
        index = Vietnamese.number(result.indexText)
        self.class = result.className
        rank = result.rank.map(String.init) ?? "không xếp hạng"
        ranked = unitYear.year.results.units.filter { $0.unit.kind == result.unit.kind && $0.rank != nil }.count
        changePoints = unitYear.change.map {
            Vietnamese.number($0.indexPoints.formatted(decimals: result.publishedDecimals))
        }
        comparedWith = (unitYear.change?.comparedWith ?? []).map { UnitLink(id: $0.id, name: $0.name) }
        hasComparedWith = !comparedWith.isEmpty
    }
}
