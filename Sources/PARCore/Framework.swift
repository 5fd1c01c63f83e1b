import Foundation
import Ledger
import LedgerFormat

/// The kinds of unit a province scores, each on its own table and ranked in its own group.
///
/// A cycle declares the kinds it scores by naming a framework for each (`CycleOpened.frameworks`);
/// which kinds a cycle may declare depends on its scheme and year (`isScored(inYear:scheme:)`).
public enum UnitKind: String, Sendable, CaseIterable {
    /// Cơ quan chuyên môn thuộc UBND tỉnh (Bảng 1).
    case department
    /// UBND huyện, thị xã, thành phố (Bảng 2): dissolved on 1 July 2025.
    case district
    /// UBND cấp xã: a commune, ward or special zone (xã, phường, đặc khu).
    case commune
    /// A provincial branch of a central agency (cơ quan ngành dọc cấp tỉnh).
    case branch
    /// A district's specialised office (phòng, ban chuyên môn thuộc UBND cấp huyện), scored by the
    /// district's own cycle one level down: gone with the districts.
    case office

    /// The last year whose cycle can still score district-level units: the district administrations
    /// were dissolved on 1 July 2025, so a cycle from 2025 scores communes and wards instead.
    public static let lastYearOfDistricts = 2024

    /// The kind in English messages, in the plural: "departments", "branches".
    public var plural: String { self == .branch ? "branches" : "\(rawValue)s" }

    /// Where the kind's group comes in results and documents: the order of the cases.
    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// The heading of the kind's ranking group, as the province's documents print it.
    public var groupName: String {
        switch self {
        case .department: "Sở, ban, ngành"
        case .district: "UBND cấp huyện"
        case .commune: "UBND cấp xã"
        case .branch: "Cơ quan ngành dọc cấp tỉnh"
        case .office: "Phòng, ban chuyên môn cấp huyện"
        }
    }

    /// Why a cycle of `year` under `scheme` cannot score this kind, or nil when it can. Scheme 1 (the
    /// 2019 Đề án) scores departments and districts only; the whole scheme scores every kind that
    /// exists in the cycle's year.
    public func problem(inYear year: Int, scheme: PAREvents.Scheme) -> String? {
        switch scheme {
        case .original where self == .department || self == .district: return nil
        case .original:
            return "scheme 1 scores departments and districts only; a cycle scoring \(plural) follows scheme 2"
        case .whole where (self == .district || self == .office) && year > Self.lastYearOfDistricts:
            return
                "districts were dissolved on 1 July 2025: a cycle of \(year) has no \(plural); it scores communes and wards"
        case .whole: return nil
        }
    }
}

/// How a criterion is scored: by the unit and the council, or by the sociological survey (ĐTXHH).
public enum ScoringMethod: String, Sendable {
    case assessed
    case survey
}

/// Points a criterion adds beyond the table's maximum or takes away from the total (điểm thưởng,
/// điểm trừ), as some provinces' tables have: scored like any assessed criterion, by the unit and
/// the council, up to the criterion's own limit, but outside the maximum the index divides by.
public enum Adjustment: String, Sendable {
    /// Added to the unit's points; the maximum is unchanged.
    case bonus
    /// Taken from the unit's points (never below 0); the maximum is unchanged.
    case penalty
}

/// One row of a scoring table: a field (lĩnh vực), criterion (tiêu chí) or sub-criterion.
public struct Criterion: Sendable, Hashable {
    public let code: String
    public let title: String
    public let maxPoints: Points
    /// Set on leaves only; parents are the sum of their children.
    public let method: ScoringMethod?
    public let children: [Criterion]
    /// How the points are given, partial credit included (hướng dẫn chấm), as the province's table
    /// words it: shown to whoever scores or appraises the criterion; nil when the table gives none.
    public let guidance: String?
    /// Set on the leaves of a bonus or penalty field (every leaf of such a field has the same).
    public let adjustment: Adjustment?

    public init(
        code: String, title: String, maxPoints: Points, method: ScoringMethod?, children: [Criterion],
        guidance: String? = nil, adjustment: Adjustment? = nil
    ) {
        self.code = code
        self.title = title.nfc
        self.maxPoints = maxPoints
        self.method = method
        self.children = children
        self.guidance = guidance?.nfc
        self.adjustment = adjustment
    }

    /// The adjustment of a field: the one its leaves share, nil for a field counted in the maximum.
    public var fieldAdjustment: Adjustment? { children.first?.fieldAdjustment ?? adjustment }

    public var isLeaf: Bool { children.isEmpty }

    /// This criterion and everything below it, depth first.
    public var allCriteria: [Criterion] { [self] + children.flatMap(\.allCriteria) }
}

/// A classification band: at least `minimumPercent` per cent of the maximum earns `name`.
public struct ClassBand: Sendable, Hashable {
    public let name: String
    public let minimumPercent: Points
}

/// What a province decides beyond the table: class bands, commendation thresholds, the direction
/// appraisal may move a score, the spot-check share, and how many decimals results are published with.
public struct ScoringSettings: Sendable, Hashable {
    /// Highest band first.
    public let classes: [ClassBand]
    /// Below this index: no commendation at provincial level or above.
    public let provincialCommendationPercent: Points
    /// A field below this share of its maximum has the same consequence.
    public let fieldMinimumPercent: Points
    /// Below this index: no commendation at any level.
    public let anyCommendationPercent: Points
    /// Whether the appraisal council may raise a self-score (districts) or only lower it (departments).
    public let appraisalMayRaise: Bool
    /// The share of units spot-checked at least, in per cent.
    public let spotCheckPercent: Points
    public let publishedDecimals: Int

    /// Điện Biên's rules (QĐ 1026/QĐ-UBND, 2019) for `kind`.
    public static func dienBien(for kind: UnitKind) -> ScoringSettings {
        ScoringSettings(
            classes: [
                ClassBand(name: "Rất tốt", minimumPercent: Points(hundredths: 9_000)),
                ClassBand(name: "Tốt", minimumPercent: Points(hundredths: 7_000)),
                ClassBand(name: "Trung bình", minimumPercent: Points(hundredths: 5_000)),
                ClassBand(name: "Yếu", minimumPercent: Points(hundredths: 4_000)),
                ClassBand(name: "Kém", minimumPercent: .zero),
            ],
            provincialCommendationPercent: Points(hundredths: 7_000),
            fieldMinimumPercent: Points(hundredths: 5_000),
            anyCommendationPercent: Points(hundredths: 5_000),
            appraisalMayRaise: kind == .district,
            spotCheckPercent: Points(hundredths: 1_000),
            publishedDecimals: 2
        )
    }

    /// The band a share falls in.
    public func classify(_ share: Share) -> String {
        classes.first { share.isAtLeast(percent: $0.minimumPercent) }?.name ?? classes.last?.name ?? ""
    }
}

/// A scoring table with its settings: what a cycle scores its units on.
///
/// Its id is the SHA-256 of its canonical JSON, so a cycle that names a framework names exactly
/// that content, and changing a framework makes a new one.
public struct Framework: Sendable, Hashable {
    public let name: String
    public let unitKind: UnitKind
    /// Where it comes from, in words (document, table, corrections).
    public let source: String
    /// The assessed and survey maxima the source document states.
    public let statedAssessed: Points
    public let statedSurvey: Points
    public let settings: ScoringSettings
    /// The fields, in order.
    public let fields: [Criterion]
    /// Every criterion by code (kept, not recomputed: the rules look criteria up on every event).
    public let criteriaByCode: [String: Criterion]
    /// The leaves (what is actually scored), in order.
    public let leaves: [Criterion]

    public init(
        name: String, unitKind: UnitKind, source: String, statedAssessed: Points, statedSurvey: Points,
        settings: ScoringSettings, fields: [Criterion]
    ) {
        self.name = name.nfc
        self.unitKind = unitKind
        self.source = source.nfc
        self.statedAssessed = statedAssessed
        self.statedSurvey = statedSurvey
        self.settings = settings
        self.fields = fields
        let all = fields.flatMap(\.allCriteria)
        criteriaByCode = Dictionary(all.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        leaves = all.filter(\.isLeaf)
    }

    /// The framework's id: SHA-256 of its canonical JSON, in hex.
    public var id: String { SHA256Digest.hex(CanonicalJSON.encode(json)) }

    /// The code of the field a criterion belongs to.
    public static func field(of code: String) -> String {
        String(code.split(separator: ".").first ?? Substring(code))
    }
}
