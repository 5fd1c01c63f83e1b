import Ledger
public import LedgerFormat

/// One field's result for a unit: points against the applicable maximum; for a bonus or penalty
/// field, the points it adds or takes away, up to its limit.
public struct FieldResult: Sendable, Hashable {
    public let code: String
    public let title: String
    public let points: Points
    public let maxPoints: Points
    public let adjustment: Adjustment?

    /// The unit's points from its fields: the fields counted in the maximum, plus the bonus fields,
    /// minus the penalty fields, never below 0.
    public static func total(_ fields: [FieldResult]) -> Points {
        let added = fields.filter { $0.adjustment != .penalty }.map(\.points).sum()
        let taken = fields.filter { $0.adjustment == .penalty }.map(\.points).sum()
        return added > taken ? Points(hundredths: added.hundredths - taken.hundredths) : .zero
    }

    /// The maximum the index divides by: the fields counted in it (bonus and penalty fields are not).
    public static func maximum(_ fields: [FieldResult]) -> Points {
        fields.filter { $0.adjustment == nil }.map(\.maxPoints).sum()
    }
}

/// What the index means for commendations (DOMAIN.md, "Consequences").
public struct Eligibility: Sendable, Hashable {
    /// Commendation at provincial level or above, for the unit and its head and deputies.
    public let provincialCommendation: Bool
    /// The head may be rated "Hoàn thành xuất sắc nhiệm vụ".
    public let headExcellentRating: Bool
    /// Commendation at any level.
    public let anyCommendation: Bool
    /// Why not, when not.
    public let reasons: [String]
}

/// A unit's result in a cycle, computed from the projections.
public struct UnitResult: Sendable {
    public let unit: CycleUnit
    public let stage: UnitStage
    public let fields: [FieldResult]
    public let points: Points
    public let maxPoints: Points
    public let index: Share
    public let className: String
    public let eligibility: Eligibility
    /// Nil when the unit is left out of the ranking.
    public let rank: Int?
    public let excludedFromRanking: String?
    public let spotChecked: Bool
    public let publishedDecimals: Int

    public var indexText: String { index.percentText(decimals: publishedDecimals) }

    /// The index in per cent as published (rounded half-up to the framework's published decimals).
    public var publishedIndex: Points { index.percent(decimals: publishedDecimals) }
}

/// The results of a cycle: every unit's points, index, class, eligibility and rank, with ranks
/// per unit kind (ties share a rank: 1, 2, 2, 4). Exact until displayed.
public struct CycleResults: Sendable {
    public let cycle: String
    /// By kind (departments first), then rank, then unit id.
    public let units: [UnitResult]

    /// The canonical JSON of the results, which a publication attests.
    public var json: JSONValue {
        .object([
            "cycle": .string(cycle),
            "units": .array(
                units.map { result in
                    .object([
                        "unit": .string(result.unit.id), "name": .string(result.unit.name),
                        "kind": .string(result.unit.kind.rawValue),
                        "points": .string(result.points.description),
                        "maxPoints": .string(result.maxPoints.description),
                        "index": .string(result.indexText), "class": .string(result.className),
                        "rank": result.rank.map { .integer(Int64($0)) } ?? .null,
                        "excludedFromRanking": result.excludedFromRanking.map(JSONValue.string) ?? .null,
                        "fields": .array(
                            result.fields.map { field in
                                payloadObject([
                                    "code": .string(field.code), "points": .string(field.points.description),
                                    "maxPoints": .string(field.maxPoints.description),
                                    "adjustment": field.adjustment.map { .string($0.rawValue) },
                                ])
                            }),
                        "eligibility": .object([
                            "provincialCommendation": .bool(result.eligibility.provincialCommendation),
                            "headExcellentRating": .bool(result.eligibility.headExcellentRating),
                            "anyCommendation": .bool(result.eligibility.anyCommendation),
                        ]),
                    ])
                }),
        ])
    }

    /// SHA-256 of the canonical results, in hex.
    public var hash: String { SHA256Digest.hex(CanonicalJSON.encode(json)) }

    /// The results from a framework by id, a unit's record and a unit's criterion scores, wherever
    /// they are kept (the projections or a `ProvinceState`).
    package static func compute(
        cycle: CycleRecord, framework frameworkOf: (String) throws -> Framework?,
        unitRecord unitRecordOf: (String) throws -> UnitRecord?,
        scoresOf: (String) throws -> [String: CriterionScore]
    ) throws -> CycleResults {
        var computed: [UnitResult] = []
        for kind in UnitKind.allCases {
            let units = cycle.opened.units.filter { $0.kind == kind }
            guard !units.isEmpty, let frameworkID = cycle.frameworkID(for: kind),
                let framework = try frameworkOf(frameworkID)
            else { continue }
            var unranked: [(CycleUnit, UnitRecord, [FieldResult], Points, Points)] = []
            for unit in units {
                let record = try unitRecordOf(unit.id) ?? UnitRecord()
                let scores = try scoresOf(unit.id)
                let fields = framework.fields.map { field in
                    var points = Points.zero
                    var maximum = Points.zero
                    for leaf in field.allCriteria where leaf.isLeaf {
                        let score = scores[leaf.code] ?? CriterionScore()
                        if score.notApplicable != nil && score.correction == nil { continue }
                        maximum += leaf.maxPoints
                        points += score.effective(method: leaf.method ?? .assessed)?.value ?? .zero
                    }
                    return FieldResult(
                        code: field.code, title: field.title, points: points, maxPoints: maximum,
                        adjustment: field.fieldAdjustment)
                }
                unranked.append((unit, record, fields, FieldResult.total(fields), FieldResult.maximum(fields)))
            }
            let ranked = unranked.filter { $0.1.excludedFromRanking == nil }.map { Share($0.3, of: $0.4) }
            for (unit, record, fields, points, maximum) in unranked {
                let index = Share(points, of: maximum)
                let rank = record.excludedFromRanking == nil ? 1 + ranked.filter { $0 > index }.count : nil
                computed.append(
                    UnitResult(
                        unit: unit, stage: record.stage, fields: fields, points: points, maxPoints: maximum,
                        index: index,
                        className: framework.settings.classify(index),
                        eligibility: eligibility(index: index, fields: fields, settings: framework.settings),
                        rank: rank, excludedFromRanking: record.excludedFromRanking, spotChecked: record.spotChecked,
                        publishedDecimals: framework.settings.publishedDecimals
                    ))
            }
        }
        computed.sort { lhs, rhs in
            if lhs.unit.kind != rhs.unit.kind { return lhs.unit.kind.order < rhs.unit.kind.order }
            if lhs.rank != rhs.rank { return (lhs.rank ?? .max) < (rhs.rank ?? .max) }
            return lhs.unit.id < rhs.unit.id
        }
        return CycleResults(cycle: cycle.opened.cycle, units: computed)
    }

    package static func eligibility(index: Share, fields: [FieldResult], settings: ScoringSettings) -> Eligibility {
        var reasons: [String] = []
        let weakFields = fields.filter {
            $0.adjustment == nil && $0.maxPoints.hundredths > 0
                && !Share($0.points, of: $0.maxPoints).isAtLeast(percent: settings.fieldMinimumPercent)
        }
        if !index.isAtLeast(percent: settings.provincialCommendationPercent) {
            reasons.append("index below \(settings.provincialCommendationPercent)%")
        }
        for field in weakFields {
            reasons.append("field \(field.code) below \(settings.fieldMinimumPercent)% of its maximum")
        }
        let any = index.isAtLeast(percent: settings.anyCommendationPercent)
        if !any { reasons.append("index below \(settings.anyCommendationPercent)%: no commendation at any level") }
        let provincial = reasons.isEmpty
        return Eligibility(
            provincialCommendation: provincial, headExcellentRating: provincial, anyCommendation: any, reasons: reasons)
    }
}
