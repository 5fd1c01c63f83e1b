public import Ledger

/// One kind of PAR event as a Swift type: its type name, the roles that may record it, the stream it
/// belongs to, and its payload as JSON in both directions — one JSON path, canonical by construction,
/// so that nothing outside the ledger builds an event from strings.
public protocol PAREvent: Sendable {
    /// The event type recorded in the ledger, e.g. `SelfScoreRecorded`.
    static var type: String { get }
    /// The roles that may record it (FORMAT.md, Roles).
    static var roles: [Role] { get }
    /// The stream the event belongs to.
    var stream: String { get }
    /// The payload.
    var json: JSONValue { get }
    /// Reads a payload, refusing a missing member or one of the wrong JSON type; members it does not
    /// know are ignored.
    init(payload: PayloadReader) throws(RuleViolation)
}

extension PAREvent {
    /// The draft the ledger appends.
    public var draft: EventDraft { EventDraft(stream: stream, type: Self.type, payload: json) }

    /// The payload of a recorded event of this type.
    public static func decode(_ event: RecordedEvent) throws(RuleViolation) -> Self {
        let value: JSONValue
        do { value = try event.payloadValue } catch {
            throw RuleViolation("\(type): the payload is not JSON (\(error))")
        }
        return try Self(payload: try PayloadReader(value, type: type))
    }
}

/// Every PAR event type, so that the roles table and the projector's dispatch come from the types.
public enum PAREventCatalog {
    public static let all: [any PAREvent.Type] = [
        PARPayload.FrameworkRegistered.self, PARPayload.CycleOpened.self, PARPayload.CouncilMemberAssigned.self,
        PARPayload.DeadlineExtended.self, PARPayload.UnitExcludedFromRanking.self, PARPayload.ResultsPublished.self,
        PARPayload.CorrectionRecorded.self, PARPayload.SelfScoreRecorded.self, PARPayload.NotApplicableMarked.self,
        PARPayload.SelfAssessmentSubmitted.self, PARPayload.AppraisalScoreRecorded.self,
        PARPayload.NotApplicableRejected.self,
        PARPayload.AppraisalConcluded.self, PARPayload.AppraisalReopened.self, PARPayload.AppraisalClosed.self,
        PARPayload.SpotCheckSeedCommitted.self, PARPayload.SpotCheckDrawn.self, PARPayload.SpotCheckScoreRecorded.self,
        PARPayload.SpotCheckConcluded.self, PARPayload.SurveyScoresImported.self, PARPayload.EvidenceAdded.self,
        PARPayload.SelfAssessmentWithdrawn.self, PARPayload.ExplanationRequested.self,
        PARPayload.ExplanationGiven.self, PARPayload.ObjectionFiled.self, PARPayload.ObjectionAnswered.self,
    ]

    /// The roles that may record each event type.
    public static let roles: [String: [Role]] = Dictionary(uniqueKeysWithValues: all.map { ($0.type, $0.roles) })
}

/// Reads the members of a payload object with the messages FORMAT.md's rules give: a missing member,
/// or one of the wrong JSON type, breaks the rule; `null` counts as absent for optional members.
public struct PayloadReader {
    /// The members of the object being read.
    public let members: [String: JSONValue]
    let type: String

    public init(_ value: JSONValue, type: String) throws(RuleViolation) {
        guard case .object(let members) = value else {
            throw RuleViolation("\(type): the payload is not a JSON object")
        }
        self.members = members
        self.type = type
    }

    private func missing(_ key: String) -> RuleViolation { RuleViolation("\(type) needs '\(key)'") }
    private func wrong(_ key: String) -> RuleViolation { RuleViolation("\(type): '\(key)' has the wrong type") }

    private func optional<T>(_ key: String, _ read: (JSONValue) -> T?) throws(RuleViolation) -> T? {
        guard let value = members[key], value != .null else { return nil }
        guard let read = read(value) else { throw wrong(key) }
        return read
    }

    private func required<T>(_ key: String, _ read: (JSONValue) -> T?) throws(RuleViolation) -> T {
        guard let value = try optional(key, read) else { throw missing(key) }
        return value
    }

    public func string(_ key: String) throws(RuleViolation) -> String { try required(key) { $0.stringValue } }
    public func optionalString(_ key: String) throws(RuleViolation) -> String? { try optional(key) { $0.stringValue } }
    public func integer(_ key: String) throws(RuleViolation) -> Int {
        try required(key) { $0.integerValue.map(Int.init) }
    }
    public func optionalBool(_ key: String) throws(RuleViolation) -> Bool? {
        try optional(key) { if case .bool(let flag) = $0 { flag } else { nil } }
    }
    public func optionalStrings(_ key: String) throws(RuleViolation) -> [String]? {
        try optional(key) { value in
            value.arrayValue.flatMap { items in
                items.allSatisfy { $0.stringValue != nil } ? items.compactMap(\.stringValue) : nil
            }
        }
    }
    public func bool(_ key: String) throws(RuleViolation) -> Bool {
        try required(key) { if case .bool(let flag) = $0 { flag } else { nil } }
    }
    public func strings(_ key: String) throws(RuleViolation) -> [String] {
        try required(key) { value in
            value.arrayValue.flatMap { items in
                items.allSatisfy { $0.stringValue != nil } ? items.compactMap(\.stringValue) : nil
            }
        }
    }
    public func raw(_ key: String) throws(RuleViolation) -> JSONValue { try required(key) { $0 } }
    public func kind(_ key: String) throws(RuleViolation) -> UnitKind {
        guard let kind = UnitKind(rawValue: try string(key)) else {
            throw RuleViolation("\(type): '\(key)' is department or district")
        }
        return kind
    }

    /// An array of objects, each read by `read`.
    public func objects<T>(_ key: String, _ read: (PayloadReader) throws(RuleViolation) -> T) throws(RuleViolation)
        -> [T]
    {
        guard let items = try optionalObjects(key, read) else { throw missing(key) }
        return items
    }

    public func optionalObjects<T>(_ key: String, _ read: (PayloadReader) throws(RuleViolation) -> T)
        throws(RuleViolation) -> [T]?
    {
        guard let array = try optional(key, { $0.arrayValue }) else { return nil }
        var found: [T] = []
        for item in array {
            guard case .object = item else { throw wrong(key) }
            found.append(try read(try PayloadReader(item, type: type)))
        }
        return found
    }

    /// An object whose members all have one type, read by `read`.
    public func dictionary<T>(_ key: String, _ read: (JSONValue) -> T?) throws(RuleViolation) -> [String: T] {
        guard case .object(let object) = try raw(key) else { throw wrong(key) }
        var found: [String: T] = [:]
        for (name, value) in object {
            guard let item = read(value) else { throw wrong(key) }
            found[name] = item
        }
        return found
    }

    public func optionalObject<T>(_ key: String, _ read: (PayloadReader) throws(RuleViolation) -> T)
        throws(RuleViolation) -> T?
    {
        guard let value = try optional(key, { value -> JSONValue? in if case .object = value { value } else { nil } })
        else { return nil }
        return try read(try PayloadReader(value, type: type))
    }
}

extension EvidenceCitation {
    init(payload: PayloadReader) throws(RuleViolation) {
        self.init(name: try payload.string("name"), sha256: try payload.string("sha256"))
    }

    /// The citation as JSON: `{"name","sha256"}`.
    public var json: JSONValue { .object(["name": .text(name), "sha256": .string(sha256)]) }
}

/// JSON members of a payload, leaving out optional members that are absent.
private func payload(_ members: [String: JSONValue?]) -> JSONValue {
    .object(members.compactMapValues { $0 })
}

private func unitStream(_ cycle: String, _ unit: String) -> String { PAREvents.unitStream(cycle, unit) }
private func cycleStream(_ cycle: String) -> String { PAREvents.cycleStream(cycle) }

extension PARPayload.FrameworkRegistered: PAREvent {
    public static let type = "FrameworkRegistered"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { "framework/\(id)" }
    public var json: JSONValue { .object(["id": .string(id), "framework": framework]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(id: try payload.string("id"), framework: try payload.raw("framework"))
    }
}

extension PARPayload.CycleOpened: PAREvent {
    public static let type = "CycleOpened"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { cycleStream(cycle) }
    public var json: JSONValue {
        payload([
            "cycle": .text(cycle), "name": .text(name), "year": .integer(Int64(year)),
            "frameworks": .object(frameworks.mapValues(JSONValue.string)),
            "units": .array(
                units.map { .object(["id": .text($0.id), "name": .text($0.name), "kind": .string($0.kind.rawValue)]) }),
            "selfAssessmentDeadline": .string(selfAssessmentDeadline),
            "previousCycle": previousCycle.map(JSONValue.text),
            "publicationWindow": publicationWindow.map {
                .object(["from": .string($0.from), "until": .string($0.until)])
            },
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
                PARPayload.DateWindow(from: try window.string("from"), until: try window.string("until"))
            }
        )
    }
}

extension PARPayload.CouncilMemberAssigned: PAREvent {
    public static let type = "CouncilMemberAssigned"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { cycleStream(cycle) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "actor": .text(actor), "chair": .bool(chair),
            "fields": .object(fields.mapValues { .array($0.map(JSONValue.string)) }),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        let fields = try payload.dictionary("fields") { value in
            value.arrayValue.flatMap { items in
                items.allSatisfy { $0.stringValue != nil } ? items.compactMap(\.stringValue) : nil
            }
        }
        self.init(
            cycle: try payload.string("cycle"), actor: try payload.string("actor"), fieldsByKind: fields,
            chair: try payload.bool("chair"))
    }
}

extension PARPayload.DeadlineExtended: PAREvent {
    public static let type = "DeadlineExtended"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        .object(["cycle": .text(cycle), "unit": .text(unit), "until": .text(until), "reason": .text(reason)])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"), until: try payload.string("until"),
            reason: try payload.string("reason"))
    }
}

extension PARPayload.UnitExcludedFromRanking: PAREvent {
    public static let type = "UnitExcludedFromRanking"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue { .object(["cycle": .text(cycle), "unit": .text(unit), "reason": .text(reason)]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"), reason: try payload.string("reason"))
    }
}

extension PARPayload.ResultsPublished: PAREvent {
    public static let type = "ResultsPublished"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { cycleStream(cycle) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "decision": .text(decision), "date": .text(date),
            "resultsHash": .string(resultsHash),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), decision: try payload.string("decision"),
            date: try payload.string("date"),
            resultsHash: try payload.string("resultsHash"))
    }
}

extension PARPayload.CorrectionRecorded: PAREvent {
    public static let type = "CorrectionRecorded"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        payload([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "points": .text(points),
            "decision": .text(decision), "reason": .text(reason), "objection": objection.map(JSONValue.text),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            points: try payload.string("points"), decision: try payload.string("decision"),
            reason: try payload.string("reason"), objection: try payload.optionalString("objection"))
    }
}

extension PARPayload.ObjectionFiled: PAREvent {
    public static let type = "ObjectionFiled"
    public static let roles: [Role] = [.unitOfficer]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        payload([
            "cycle": .text(cycle), "unit": .text(unit), "objection": .text(objection),
            "criterion": criterion.map(JSONValue.text), "reason": .text(reason),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            objection: try payload.string("objection"), criterion: try payload.optionalString("criterion"),
            reason: try payload.string("reason"))
    }
}

extension PARPayload.ObjectionAnswered: PAREvent {
    public static let type = "ObjectionAnswered"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "objection": .text(objection), "decision": .text(decision),
            "answer": .text(answer),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            objection: try payload.string("objection"), decision: try payload.string("decision"),
            answer: try payload.string("answer"))
    }
}

extension PARPayload.SelfScoreRecorded: PAREvent {
    public static let type = "SelfScoreRecorded"
    public static let roles: [Role] = [.unitOfficer]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        payload([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "points": .text(points),
            "evidence": .array(evidence.map(\.json)), "explanation": explanation.map(JSONValue.text),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            points: try payload.string("points"),
            evidence: try payload.objects("evidence", EvidenceCitation.init(payload:)),
            explanation: try payload.optionalString("explanation"))
    }
}

extension PARPayload.NotApplicableMarked: PAREvent {
    public static let type = "NotApplicableMarked"
    public static let roles: [Role] = [.unitOfficer]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "legalBasis": .text(legalBasis),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            legalBasis: try payload.string("legalBasis"))
    }
}

extension PARPayload.SelfAssessmentWithdrawn: PAREvent {
    public static let type = "SelfAssessmentWithdrawn"
    public static let roles: [Role] = [.unitOfficer]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue { .object(["cycle": .text(cycle), "unit": .text(unit), "reason": .text(reason)]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"), reason: try payload.string("reason"))
    }
}

extension PARPayload.ExplanationRequested: PAREvent {
    public static let type = "ExplanationRequested"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "request": .text(request),
            "question": .text(question),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"), request: try payload.string("request"),
            question: try payload.string("question"))
    }
}

extension PARPayload.ExplanationGiven: PAREvent {
    public static let type = "ExplanationGiven"
    public static let roles: [Role] = [.unitOfficer]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "request": .text(request), "answer": .text(answer),
            "evidence": .array(evidence.map(JSONValue.string)),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            request: try payload.string("request"),
            answer: try payload.string("answer"), evidence: try payload.strings("evidence"))
    }
}

/// Which step a `PARPayload.UnitStep` is: its event type and the roles that may record it.
public protocol UnitStepKind: Sendable {
    static var type: String { get }
    static var roles: [Role] { get }
}

/// The kinds of unit steps.
public enum UnitStepKinds {
    public enum Submission: UnitStepKind {
        public static let type = "SelfAssessmentSubmitted"
        public static let roles: [Role] = [.unitOfficer]
    }

    public enum Seal: UnitStepKind {
        public static let type = "AppraisalConcluded"
        public static let roles: [Role] = [.councilMember]
    }

    public enum SpotCheckConclusion: UnitStepKind {
        public static let type = "SpotCheckConcluded"
        public static let roles: [Role] = [.steeringCommittee]
    }
}

extension PARPayload.UnitStep: PAREvent {
    public static var type: String { Kind.type }
    public static var roles: [Role] { Kind.roles }
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue { .object(["cycle": .text(cycle), "unit": .text(unit)]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(cycle: try payload.string("cycle"), unit: try payload.string("unit"))
    }
}

extension PARPayload.AppraisalScoreRecorded: PAREvent {
    public static let type = "AppraisalScoreRecorded"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        payload([
            "cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "points": .text(points),
            "reason": reason.map(JSONValue.text), "evidence": evidence.map { .array($0.map(\.json)) },
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            points: try payload.string("points"), reason: try payload.optionalString("reason"),
            evidence: try payload.optionalObjects("evidence", EvidenceCitation.init(payload:)))
    }
}

extension PARPayload.NotApplicableRejected: PAREvent {
    public static let type = "NotApplicableRejected"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        .object(["cycle": .text(cycle), "unit": .text(unit), "criterion": .text(criterion), "reason": .text(reason)])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            criterion: try payload.string("criterion"),
            reason: try payload.string("reason"))
    }
}

extension PARPayload.AppraisalReopened: PAREvent {
    public static let type = "AppraisalReopened"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue { .object(["cycle": .text(cycle), "unit": .text(unit), "reason": .text(reason)]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"), reason: try payload.string("reason"))
    }
}

extension PARPayload.AppraisalClosed: PAREvent {
    public static let type = "AppraisalClosed"
    public static let roles: [Role] = [.councilMember]
    public var stream: String { cycleStream(cycle) }
    public var json: JSONValue { .object(["cycle": .text(cycle)]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(cycle: try payload.string("cycle"))
    }
}

extension PARPayload.SpotCheckSeedCommitted: PAREvent {
    public static let type = "SpotCheckSeedCommitted"
    public static let roles: [Role] = [.steeringCommittee]
    public var stream: String { cycleStream(cycle) }
    public var json: JSONValue { .object(["cycle": .text(cycle), "commitment": .string(commitment)]) }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(cycle: try payload.string("cycle"), commitment: try payload.string("commitment"))
    }
}

extension PARPayload.SpotCheckDrawn: PAREvent {
    public static let type = "SpotCheckDrawn"
    public static let roles: [Role] = [.steeringCommittee]
    public var stream: String { cycleStream(cycle) }
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

extension PARPayload.SpotCheckScoreRecorded: PAREvent {
    public static let type = "SpotCheckScoreRecorded"
    public static let roles: [Role] = [.steeringCommittee]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        payload([
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

extension PARPayload.SurveyScoresImported: PAREvent {
    public static let type = "SurveyScoresImported"
    public static let roles: [Role] = [.surveyContractor]
    public var stream: String { unitStream(cycle, unit) }
    public var json: JSONValue {
        .object([
            "cycle": .text(cycle), "unit": .text(unit), "source": .string(source),
            "scores": .array(scores.map { .object(["criterion": .text($0.criterion), "points": .text($0.points)]) }),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), unit: try payload.string("unit"),
            scores: try payload.objects("scores") { (row) throws(RuleViolation) in
                PARPayload.SurveyScore(criterion: try row.string("criterion"), points: try row.string("points"))
            },
            source: try payload.string("source"))
    }
}

extension PARPayload.EvidenceAdded {
    /// How a score cites this document.
    public var citation: EvidenceCitation { EvidenceCitation(name: name, sha256: sha256) }
}

extension PARPayload.EvidenceAdded: PAREvent {
    public static let type = "EvidenceAdded"
    public static let roles: [Role] = [.unitOfficer, .councilMember, .steeringCommittee, .secretariat]
    public var stream: String { "evidence/\(sha256)" }
    public var json: JSONValue {
        payload([
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
