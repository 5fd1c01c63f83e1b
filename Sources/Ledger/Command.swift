/// An event a command wants appended, before the ledger gives it a place in the chain.
public struct EventDraft: Sendable, Hashable {
    /// The stream the event belongs to, e.g. one per unit and cycle.
    public var stream: String
    /// What happened, e.g. `SelfScoreRecorded`.
    public var type: String
    /// The version of the payload's shape for this type.
    public var schemaVersion: Int
    /// The facts of the event.
    public var payload: JSONValue

    public init(stream: String, type: String, schemaVersion: Int = 1, payload: JSONValue) {
        self.stream = stream.nfc
        self.type = type.nfc
        self.schemaVersion = schemaVersion
        self.payload = payload
    }
}

/// What a command expects of a stream before it appends to it (optimistic concurrency).
public enum ExpectedVersion: Sendable, Hashable, CustomStringConvertible {
    /// No expectation.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream's last event must have this version (versions start at 1).
    case exactly(UInt64)

    func admits(_ actual: UInt64) -> Bool {
        switch self {
        case .any: true
        case .noStream: actual == 0
        case .exactly(let version): actual == version
        }
    }

    public var description: String {
        switch self {
        case .any: "any version"
        case .noStream: "no stream"
        case .exactly(let version): "version \(version)"
        }
    }
}

/// One intention of one actor, appended as a whole in one write transaction or not at all.
///
/// Its `id` is an idempotency key kept forever: appending a command whose id is already in the
/// ledger returns the events that command appended the first time and appends nothing.
public struct Command: Sendable, Hashable {
    public var id: String
    public var actor: String
    public var events: [EventDraft]
    /// Per stream, what its version must be before this command appends.
    public var expectedVersions: [String: ExpectedVersion]
    /// The workflow this command belongs to; the command's own id when nil.
    public var correlationID: String?

    public init(
        id: String,
        actor: String,
        events: [EventDraft],
        expectedVersions: [String: ExpectedVersion] = [:],
        correlationID: String? = nil
    ) {
        self.id = id.nfc
        self.actor = actor.nfc
        self.events = events
        self.expectedVersions = Dictionary(uniqueKeysWithValues: expectedVersions.map { ($0.key.nfc, $0.value) })
        self.correlationID = correlationID?.nfc
    }

    /// The canonical description of what this command asks for; a repeat of its id must match it.
    var digest: EventHash {
        let expectations = expectedVersions.mapValues { expected -> JSONValue in
            switch expected {
            case .any: .string("any")
            case .noStream: .string("none")
            case .exactly(let version): .integer(Int64(version))
            }
        }
        let drafts = events.map { draft -> JSONValue in
            .object([
                "stream": .string(draft.stream), "type": .string(draft.type),
                "schemaVersion": .integer(Int64(draft.schemaVersion)), "payload": draft.payload,
            ])
        }
        return EventHash.of(CanonicalJSON.encode(.object([
            "actor": .string(actor), "correlation": correlationID.map(JSONValue.string) ?? .null,
            "events": .array(drafts), "expect": .object(expectations),
        ])))
    }
}

/// What appending one command did.
public struct AppendResult: Sendable {
    /// The command's events as recorded (the earlier ones when the command was a repeat).
    public let events: [RecordedEvent]
    /// True when the command id was already in the ledger and nothing new was appended.
    public let wasAlreadyRecorded: Bool
}
