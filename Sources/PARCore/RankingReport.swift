import Ledger
public import LedgerFormat

/// A cycle's ranking as people read it — rank, points, index, class, eligibility — with each unit's
/// change on the previous cycle computed from the published values (index points and places), the
/// one read model the CLI and the web render (JSON: schemas/read-models/ranking.schema.json).
public struct RankingReport: Sendable {
    /// A unit's change since the previous cycle.
    public struct Change: Sendable, Hashable {
        /// Published index now minus published index then, in percentage points.
        public let indexPoints: Points
        /// Places gained (positive) or lost; nil when the unit was not ranked in one of the cycles, or
        /// continues several units of the previous cycle.
        public let places: Int?
        /// The units of the previous cycle the unit is compared with, when they are not just itself
        /// (it was renamed, split off or merged from them): their index is their points together over
        /// their maxima together, as if they had been scored as one unit.
        public let comparedWith: [CycleUnit]?

        func json(decimals: Int) -> JSONValue {
            let compared: JSONValue? = comparedWith.map { .array($0.map { .string($0.id) }) }
            return payloadObject([
                "indexPoints": .string(indexPoints.formatted(decimals: decimals)),
                "places": places.map { .integer(Int64($0)) } ?? .null, "comparedWith": compared,
            ])
        }
    }

    /// One unit's line.
    public struct Row: Sendable {
        public let result: UnitResult
        /// Nil when the unit was not in the previous cycle (or was of another kind).
        public let change: Change?
    }

    public let cycle: String
    public let previousCycle: String?
    /// Departments first, then by rank (unranked last), then by unit id.
    public let rows: [Row]

    /// The ranking of `results`, of units of `kind` (all when nil), compared with `previous`: each
    /// unit with the units of the same kind it continues there, following `map` through reorganisations.
    public init(
        results: CycleResults, previous: CycleResults?, previousCycle: String?, kind: UnitKind?,
        map: UnitMap = UnitMap()
    ) {
        let before = Dictionary(uniqueKeysWithValues: (previous?.units ?? []).map { ($0.unit.id, $0) })
        cycle = results.cycle
        self.previousCycle = previousCycle
        let previousUnits = Set(before.keys)
        rows = results.units.filter { kind == nil || $0.unit.kind == kind }.map { result in
            let then = map.predecessors(of: result.unit.id, in: previousUnits).compactMap { before[$0] }
                .filter { $0.unit.kind == result.unit.kind }
            guard let first = then.first else { return Row(result: result, change: nil) }
            let index =
                then.count == 1
                ? first.publishedIndex
                : Share(
                    then.map(\.points).sum(), of: then.map(\.maxPoints).sum()
                ).percent(decimals: result.publishedDecimals)
            let places = then.count == 1 ? result.rank.flatMap { now in first.rank.map { $0 - now } } : nil
            let comparedWith = then.map(\.unit.id) == [result.unit.id] ? nil : then.map(\.unit)
            return Row(
                result: result,
                change: Change(indexPoints: result.publishedIndex - index, places: places, comparedWith: comparedWith))
        }
    }

    /// The stable JSON of the report.
    public var json: JSONValue {
        .object([
            "cycle": .string(cycle), "previousCycle": previousCycle.map(JSONValue.string) ?? .null,
            "units": .array(
                rows.map { row in
                    let result = row.result
                    return .object([
                        "unit": .string(result.unit.id), "name": .string(result.unit.name),
                        "kind": .string(result.unit.kind.rawValue),
                        "rank": result.rank.map { .integer(Int64($0)) } ?? .null,
                        "excludedFromRanking": result.excludedFromRanking.map(JSONValue.string) ?? .null,
                        "points": .string(result.points.description),
                        "maxPoints": .string(result.maxPoints.description),
                        "index": .string(result.indexText), "class": .string(result.className),
                        "fields": .array(
                            result.fields.map { field in
                                payloadObject([
                                    "code": .string(field.code), "title": .string(field.title),
                                    "points": .string(field.points.description),
                                    "maxPoints": .string(field.maxPoints.description),
                                    "adjustment": field.adjustment.map { .string($0.rawValue) },
                                ])
                            }),
                        "eligibility": .object([
                            "provincialCommendation": .bool(result.eligibility.provincialCommendation),
                            "headExcellentRating": .bool(result.eligibility.headExcellentRating),
                            "anyCommendation": .bool(result.eligibility.anyCommendation),
                            "reasons": .array(result.eligibility.reasons.map(JSONValue.string)),
                        ]),
                        "change": row.change.map { $0.json(decimals: result.publishedDecimals) } ?? .null,
                    ])
                }),
        ])
    }
}

extension ProjectionReading {
    /// The ranking of a cycle (units of `kind`, all when nil) with the change on its previous cycle.
    public func ranking(cycle cycleID: String, kind: UnitKind? = nil) throws -> RankingReport {
        guard let record = try cycle(cycleID) else {
            throw RuleViolation.notFound("no cycle '\(cycleID)'", vi: "Không có kỳ đánh giá '\(cycleID)'.")
        }
        let previousID = record.opened.previousCycle
        let previous = try previousID.map { try results(cycle: $0) }
        return RankingReport(
            results: try results(cycle: cycleID), previous: previous, previousCycle: previousID, kind: kind,
            map: try unitMap())
    }
}
