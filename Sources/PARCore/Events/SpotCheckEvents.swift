package import Ledger
public import LedgerFormat

// The steering committee's spot-check (phúc tra): the committed secret, the draw, its scores and conclusions.
// Each event type: its payload, its type name, roles, stream and canonical coding (PAREvent), and
// the rule that judges it (CycleRules+SpotCheck.swift), beside each other.

extension PAREvents {
    /// The steering committee commits to the secret of its spot-check draw before appraisal opens.
    public struct SpotCheckSeedCommitted: Sendable {
        public let cycle: String
        /// SHA-256 of the 32-byte secret, in hex.
        public let commitment: String

        public init(cycle: String, commitment: String) {
            self.cycle = cycle.nfc
            self.commitment = commitment
        }
    }
}

extension PAREvents.SpotCheckSeedCommitted: PAREvent {
    public static let type = "SpotCheckSeedCommitted"
    public static let roles: [Role] = [.steeringCommittee]
    public var stream: String { PAREvents.cycleStream(cycle) }
    public var json: JSONValue { .object(["cycle": .text(cycle), "commitment": .string(commitment)]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(cycle: try payload.string("cycle"), commitment: try payload.string("commitment"))
    }
}

extension PAREvents.SpotCheckSeedCommitted: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.commitSpotCheckSeed(event)
    }
}

extension PAREvents {
    public struct SpotCheckDrawn: Sendable {
        public let cycle: String
        public let kind: UnitKind
        /// The secret the committee committed to before appraisal opened (64 hex), revealed now.
        public let secret: String
        /// SHA-256(secret ‖ hash of the AppraisalClosed event), in hex: fixed before anyone could
        /// know the appraised results, and by nothing appended since.
        public let seed: String
        public let algorithm: String
        public let sampleSize: Int
        public let drawn: [String]
        /// Units the committee added by name, beyond the draw.
        public let added: [String]

        public init(
            cycle: String, kind: UnitKind, secret: String, seed: String, algorithm: String, sampleSize: Int,
            drawn: [String], added: [String]
        ) {
            self.cycle = cycle.nfc
            self.kind = kind
            self.secret = secret
            self.seed = seed.nfc
            self.algorithm = algorithm.nfc
            self.sampleSize = sampleSize
            self.drawn = drawn
            self.added = added
        }
    }
}

extension PAREvents.SpotCheckDrawn: PAREvent {
    public static let type = "SpotCheckDrawn"
    public static let roles: [Role] = [.steeringCommittee]
    public var stream: String { PAREvents.cycleStream(cycle) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "kind": .string(kind.rawValue), "secret": .string(secret), "seed": .string(seed),
            "algorithm": .string(algorithm), "sampleSize": .integer(Int64(sampleSize)),
            "drawn": .array(drawn.map(JSONValue.text)), "added": .array(added.map(JSONValue.text)),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), kind: try payload.kind("kind"), secret: try payload.string("secret"),
            seed: try payload.string("seed"), algorithm: try payload.string("algorithm"),
            sampleSize: try payload.integer("sampleSize"),
            drawn: try payload.strings("drawn"), added: try payload.strings("added"))
    }
}

extension PAREvents.SpotCheckDrawn: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.drawSpotCheck(event)
    }
}

extension PAREvents {
    public struct SpotCheckScoreRecorded: Sendable {
        public let cycle: String
        public let unit: String
        public let criterion: String
        /// recognise, not-recognise, raise or lower.
        public let decision: String
        public let points: String?
        public let reason: String?

        public init(cycle: String, unit: String, criterion: String, decision: String, points: String?, reason: String?)
        {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.criterion = criterion.nfc
            self.decision = decision.nfc
            self.points = points?.nfc
            self.reason = reason?.nfc
        }
    }
}

extension PAREvents.SpotCheckScoreRecorded: PAREvent {
    public static let type = "SpotCheckScoreRecorded"
    public static let roles: [Role] = [.steeringCommittee]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        payloadObject([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "decision": .text(decision),
            "points": points.map(JSONValue.text), "reason": reason.map(JSONValue.text),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            decision: try payload.string("decision"), points: try payload.optionalString("points"),
            reason: try payload.optionalString("reason"))
    }
}

extension PAREvents.SpotCheckScoreRecorded: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.recordSpotCheck(event)
    }
}

extension PAREvents {
    /// The steering committee concludes the spot-check of a drawn unit.
    public struct SpotCheckConcluded: UnitStepEvent {
        public static let type = "SpotCheckConcluded"
        public static let roles: [Role] = [.steeringCommittee]
        public let cycle: String
        public let unit: String

        public init(cycle: String, unit: String) {
            (self.cycle, self.unit) = (cycle.nfc, unit.nfc)
        }
    }
}

extension PAREvents.SpotCheckConcluded: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.concludeSpotCheck(event)
    }
}
