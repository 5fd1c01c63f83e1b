public import Ledger
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
        /// The unit's place: its result's rank once every unit submitted its self-assessment; before
        /// that (a provisional ranking) its place among the units that did, nil for those that did not.
        public var rank: Int?
        /// The unit submitted its self-assessment: a unit that never did is not ranked on its survey
        /// points as if it had been assessed.
        public var selfAssessed: Bool { result.stage != .selfAssessment }
    }

    public let cycle: String
    public let previousCycle: String?
    /// Departments first, then by rank (unranked last), then by unit id.
    public private(set) var rows: [Row]

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
            guard let first = then.first else { return Row(result: result, change: nil, rank: result.rank) }
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
                change: Change(indexPoints: result.publishedIndex - index, places: places, comparedWith: comparedWith),
                rank: result.rank)
        }
        rankAmongSelfAssessed()
    }

    /// Ranks each kind of unit again among the units that submitted their self-assessment, when some did
    /// not (ties share a place, as in `CycleResults`); a published cycle's units all did.
    private mutating func rankAmongSelfAssessed() {
        guard rows.contains(where: { !$0.selfAssessed }) else { return }
        let competing = rows.filter { $0.selfAssessed && $0.result.rank != nil }
        for position in rows.indices {
            let result = rows[position].result
            guard rows[position].selfAssessed, result.rank != nil else {
                rows[position].rank = nil
                continue
            }
            rows[position].rank =
                1 + competing.filter { $0.result.unit.kind == result.unit.kind && $0.result.index > result.index }.count
        }
        rows.sort { lhs, rhs in
            if lhs.result.unit.kind != rhs.result.unit.kind {
                return lhs.result.unit.kind.order < rhs.result.unit.kind.order
            }
            if lhs.rank != rhs.rank { return (lhs.rank ?? .max) < (rhs.rank ?? .max) }
            return lhs.result.unit.id < rhs.result.unit.id
        }
    }

    /// What a person holding `grants` may read of this ranking: all of it once `published`; before,
    /// all of it for the roles the scheme gives provisional results to (`Role.readsProvisionalResults`),
    /// and for a unit's own people only their unit's row.
    public func readable(by grants: [RoleGrant], published: Bool) -> RankingReport {
        var report = self
        report.rows = rows.filter {
            ResultsAccess.mayRead($0.result.unit.id, grants: grants, published: published)
        }
        return report
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
                        "rank": row.rank.map { .integer(Int64($0)) } ?? .null,
                        "selfAssessed": .bool(row.selfAssessed),
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

/// Who reads a cycle's results before they are published (the ranking, a unit's scores and their
/// trace): one answer for the pages, the JSON API and any other front end.
public enum ResultsAccess {
    /// Whether a person holding `grants` may read `unit`'s results: anyone once `published`; before,
    /// the roles the scheme gives provisional results to (`Role.readsProvisionalResults`), and a unit's
    /// own officer or head for that unit.
    public static func mayRead(_ unit: String, grants: [RoleGrant], published: Bool) -> Bool {
        published
            || grants.contains { grant in
                guard let role = Role(rawValue: grant.role) else { return false }
                return role.readsProvisionalResults || (role.needsUnitScope && grant.scope == unit)
            }
    }
}
