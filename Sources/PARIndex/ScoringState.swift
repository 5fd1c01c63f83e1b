import Foundation

/// Who set a value, when, and why: every point in the projections traces back to one event.
public struct Mark: Codable, Sendable, Hashable {
    public let points: String?
    public let actor: String
    public let sequence: UInt64
    public let at: String
    public let reason: String?
    public let evidence: [EvidenceCitation]?
    public let decision: String?

    public var value: Points? { points.flatMap { try? Points(parsing: $0) } }
}

/// The projection of one criterion of one unit in one cycle: each stage's mark.
public struct CriterionScore: Codable, Sendable, Hashable {
    public var selfScore: Mark?
    public var notApplicable: Mark?
    public var appraised: Mark?
    public var spotCheck: Mark?
    public var survey: Mark?
    public var correction: Mark?

    public init() {}

    /// The points that count: a correction, else the spot-check, else the appraisal, else (before
    /// appraisal) the self-score; for survey criteria the survey's.
    public func effective(method: ScoringMethod) -> Mark? {
        if let correction { return correction }
        if method == .survey { return survey }
        return spotCheck ?? appraised ?? selfScore
    }
}

/// Where a unit stands in its cycle.
public enum UnitStage: String, Codable, Sendable {
    case selfAssessment = "self-assessment"
    case submitted
    case appraised
}

/// The projection of one unit in one cycle.
public struct UnitRecord: Codable, Sendable, Hashable {
    public var stage: UnitStage = .selfAssessment
    public var deadlineExtendedUntil: String?
    public var excludedFromRanking: String?
    public var spotChecked = false

    public init() {}
}

/// The projection of one cycle.
public struct CycleRecord: Codable, Sendable, Hashable {
    public let opened: PARPayload.CycleOpened
    public let openedBy: String
    public let openedAt: UInt64
    public var draws: [String: DrawRecord] = [:]
    public var publication: PublicationRecord?

    public struct DrawRecord: Codable, Sendable, Hashable {
        public let units: [String]
        public let sequence: UInt64
    }

    public struct PublicationRecord: Codable, Sendable, Hashable {
        public let decision: String
        public let date: String
        public let resultsHash: String
        public let sequence: UInt64
    }

    public func unit(_ id: String) -> CycleUnit? { opened.units.first { $0.id == id } }

    public func frameworkID(for kind: UnitKind) -> String? { opened.frameworks[kind.rawValue] }
}

/// Deterministic JSON for the projections: sorted keys, so a rebuild writes the same bytes.
enum StateCoding {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
