package import Ledger
public import LedgerFormat

// The events that set a province and its cycles up: documents, frameworks, a cycle's opening, a unit's deadline and its exclusion from the ranking.
// Each event type: its payload, its type name, roles, stream and canonical coding (PAREvent), and
// the rule that judges it (CycleRules+Opening.swift), beside each other.

extension PAREvents {
    /// A span of calendar dates, both ends included, written `YYYY-MM-DD`.
    public struct DateWindow: Sendable, Hashable {
        public let from: String
        public let until: String

        public init(from: String, until: String) {
            self.from = from
            self.until = until
        }

        /// Whether `date` (`YYYY-MM-DD`) is a real date within the window.
        public func contains(_ date: String) -> Bool {
            Self.isDate(date) && from <= date && date <= until
        }

        /// Whether `text` is a real calendar date written `YYYY-MM-DD`.
        public static func isDate(_ text: String) -> Bool {
            Timestamp(iso8601: text + "T00:00:00Z") != nil && text.utf8.count == 10
        }
    }
}

extension PAREvents {
    /// A document (tài liệu kiểm chứng) stored content-addressed beside the ledger.
    public struct EvidenceAdded: Sendable {
        public let sha256: String
        public let name: String
        public let size: Int
        /// The unit the document is about, when it is about one (a unit officer's must be).
        public let unit: String?

        public init(sha256: String, name: String, size: Int, unit: String?) {
            self.sha256 = sha256
            self.name = name.nfc
            self.size = size
            self.unit = unit?.nfc
        }
    }
}

extension PAREvents.EvidenceAdded {
    /// How a score cites this document.
    public var citation: EvidenceCitation { EvidenceCitation(name: name, sha256: sha256) }
}

extension PAREvents.EvidenceAdded: PAREvent {
    public static let type = "EvidenceAdded"
    public static let roles: [Role] = [.unitOfficer, .councilMember, .steeringCommittee, .secretariat]
    public var stream: String { "evidence/\(sha256)" }
    public var json: JSONValue {
        payloadObject([
            "sha256": .string(sha256), "name": .text(name), "size": .integer(Int64(size)),
            "unit": unit.map(JSONValue.text),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            sha256: try payload.string("sha256"), name: try payload.string("name"), size: try payload.integer("size"),
            unit: try payload.optionalString("unit"))
    }
}

extension PAREvents.EvidenceAdded: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.addEvidence(event)
    }
}

extension PAREvents {
    public struct FrameworkRegistered: Sendable {
        public let id: String
        /// The framework document as registered (`schemas/framework.schema.json`).
        public let framework: JSONValue

        public init(id: String, framework: JSONValue) {
            self.id = id.nfc
            self.framework = framework
        }

        /// The registration of `framework`: its content hash and its whole content.
        public init(framework: Framework) {
            self.init(id: framework.id, framework: framework.json)
        }
    }
}

extension PAREvents.FrameworkRegistered: PAREvent {
    public static let type = "FrameworkRegistered"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { "framework/\(id)" }
    public var json: JSONValue { .object(["id": .string(id), "framework": framework]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(id: try payload.string("id"), framework: try payload.raw("framework"))
    }
}

extension PAREvents.FrameworkRegistered: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.registerFramework(event)
    }
}

extension PAREvents {
    /// The versions of the scheme's rules a cycle may follow (FORMAT.md, `CycleOpened`): the rules
    /// change between versions, never within a cycle, so that a ledger's past cycles are judged by
    /// the rules they were recorded under.
    public enum Scheme: Int, Sendable, CaseIterable {
        /// The rules as first recorded (cycles 2019–2020 of the demo): the unit's officer submits.
        case original = 1
        /// The whole scheme: the unit's head signs its submission and its withdrawal.
        case whole = 2
    }
}

extension PAREvents {
    public struct CycleOpened: Sendable, Hashable {
        public let cycle: String
        public let name: String
        public let year: Int
        /// Framework id per unit kind (`department`, `district`).
        public let frameworks: [String: String]
        public let units: [CycleUnit]
        /// Self-assessments are refused after this moment (ISO 8601, UTC) unless extended for a unit.
        public let selfAssessmentDeadline: String
        /// The cycle this one is compared with (the year before).
        public let previousCycle: String?
        /// The dates a publication decision may bear; Q2 of the year after `year` when not given.
        public let publicationWindow: DateWindow?
        /// The version of the scheme's rules the cycle follows, as written (absent: 1); see `Scheme`.
        public let scheme: Int?

        public init(
            cycle: String, name: String, year: Int, frameworks: [UnitKind: String], units: [CycleUnit],
            selfAssessmentDeadline: Timestamp, previousCycle: String?, publicationWindow: DateWindow? = nil,
            scheme: PAREvents.Scheme? = nil
        ) {
            self.init(
                cycle: cycle, name: name, year: year,
                frameworks: Dictionary(uniqueKeysWithValues: frameworks.map { ($0.key.rawValue, $0.value) }),
                units: units,
                selfAssessmentDeadline: selfAssessmentDeadline.iso8601, previousCycle: previousCycle,
                publicationWindow: publicationWindow, scheme: scheme?.rawValue)
        }

        /// The payload as written, before any rule checked it (framework ids by kind name, the deadline as text).
        public init(
            cycle: String, name: String, year: Int, frameworks: [String: String], units: [CycleUnit],
            selfAssessmentDeadline: String, previousCycle: String?, publicationWindow: DateWindow?, scheme: Int? = nil
        ) {
            self.cycle = cycle.nfc
            self.name = name.nfc
            self.year = year
            self.frameworks = frameworks
            self.units = units
            self.selfAssessmentDeadline = selfAssessmentDeadline
            self.previousCycle = previousCycle?.nfc
            self.publicationWindow = publicationWindow
            self.scheme = scheme
        }

        /// The scheme the cycle follows: 1 when the opening names none.
        public var effectiveScheme: PAREvents.Scheme { scheme.flatMap(PAREvents.Scheme.init(rawValue:)) ?? .original }

        /// The window publication dates must fall in: the one given, or April to June of the next year.
        public var effectivePublicationWindow: DateWindow {
            publicationWindow
                ?? DateWindow(
                    from: String(format: "%04d-04-01", year + 1), until: String(format: "%04d-06-30", year + 1))
        }
    }
}

extension PAREvents.CycleOpened: PAREvent {
    public static let type = "CycleOpened"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { PAREvents.cycleStream(cycle) }
    public var json: JSONValue {
        payloadObject([
            "cycle": .text(cycle), "name": .text(name), "year": .integer(Int64(year)),
            "frameworks": .object(frameworks.mapValues(JSONValue.string)),
            "units": .array(
                units.map { .object(["id": .text($0.id), "name": .text($0.name), "kind": .string($0.kind.rawValue)]) }),
            "selfAssessmentDeadline": .string(selfAssessmentDeadline),
            "previousCycle": previousCycle.map(JSONValue.text),
            "publicationWindow": publicationWindow.map {
                .object(["from": .string($0.from), "until": .string($0.until)])
            },
            "scheme": scheme.map { .integer(Int64($0)) },
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), name: try payload.string("name"), year: try payload.integer("year"),
            frameworks: try payload.dictionary("frameworks") { $0.stringValue },
            units: try payload.objects("units") { (unit) throws(RuleViolation) in
                CycleUnit(id: try unit.string("id"), name: try unit.string("name"), kind: try unit.kind("kind"))
            },
            selfAssessmentDeadline: try payload.string("selfAssessmentDeadline"),
            previousCycle: try payload.optionalString("previousCycle"),
            publicationWindow: try payload.optionalObject("publicationWindow") { (window) throws(RuleViolation) in
                PAREvents.DateWindow(from: try window.string("from"), until: try window.string("until"))
            },
            scheme: try payload.optionalInteger("scheme")
        )
    }
}

extension PAREvents.CycleOpened: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws { try rules.openCycle(event) }
}

extension PAREvents {
    public struct DeadlineExtended: Sendable {
        public let cycle: String
        public let unit: String
        public let until: String
        public let reason: String

        public init(cycle: String, unit: String, until: String, reason: String) {
            self.cycle = cycle.nfc
            self.unit = unit.nfc
            self.until = until.nfc
            self.reason = reason.nfc
        }
    }
}

extension PAREvents.DeadlineExtended: PAREvent {
    public static let type = "DeadlineExtended"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { PAREvents.unitStream(cycle, unit) }
    public var json: JSONValue {
        .object(["cycle": .text(cycle), "unit": .text(unit), "until": .text(until), "reason": .text(reason)])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"), until: try payload.string("until"),
            reason: try payload.string("reason"))
    }
}

extension PAREvents.DeadlineExtended: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.extendDeadline(event)
    }
}

extension PAREvents {
    /// The secretariat scores a unit but leaves it out of the ranking, with the reason.
    public struct UnitExcludedFromRanking: UnitReasonEvent {
        public static let type = "UnitExcludedFromRanking"
        public static let roles: [Role] = [.secretariat]
        public let cycle: String
        public let unit: String
        public let reason: String

        public init(cycle: String, unit: String, reason: String) {
            (self.cycle, self.unit, self.reason) = (cycle.nfc, unit.nfc, reason.nfc)
        }
    }
}

extension PAREvents.UnitExcludedFromRanking: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws { try rules.exclude(event) }
}
