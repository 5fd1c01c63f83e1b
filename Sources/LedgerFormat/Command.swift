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

    package func admits(_ actual: UInt64) -> Bool {
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

/// The ledger head a signer saw when signing a command: the command must land after it, so the log
/// operator cannot move it before what its signer had seen (FORMAT.md, Events).
public struct CommandBasis: Sendable, Hashable {
    /// The number of events the signer saw (0 on an empty ledger).
    public let sequence: UInt64
    /// The hash of event `sequence` (`EventHash.genesis` for 0).
    public let hash: EventHash

    public init(sequence: UInt64, hash: EventHash) {
        self.sequence = sequence
        self.hash = hash
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
    /// The workflow this command belongs to; the command's own id unless given.
    public var correlationID: String

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
        self.correlationID = (correlationID ?? id).nfc
        self.signature = nil
        self.signedAt = nil
        self.basis = nil
    }

    /// Who signed the command; the ledger refuses unsigned commands.
    public var signature: CommandSignature?
    /// When the signer signed it, by the signer's clock; set by `SigningKey.sign`.
    public var signedAt: Timestamp?
    /// The head the signer saw; set by `SigningKey.sign`.
    public var basis: CommandBasis?

    /// The bytes an actor signs: the canonical JSON of
    /// `{"actor","basis":{"hash","seq"},"correlation","events":[{"payload","schemaVersion","stream","type"}…],
    /// "id","ledger","signedAt"}`, where `ledger` is the id of the ledger the command is meant for (so it
    /// cannot be replayed on another). Everything in it is recorded in the command's events, so it can
    /// be rebuilt from them. Commands of ledgers from before format 2 had neither `basis` nor `signedAt`.
    public func signingBytes(ledgerID: String) -> [UInt8] {
        signingBytes(ledgerID: ledgerID, payloads: events.map { CanonicalJSON.encode($0.payload) })
    }

    /// The signing bytes with the events' payloads already in canonical JSON, in order.
    package func signingBytes(ledgerID: String, payloads: [[UInt8]]) -> [UInt8] {
        Self.signingBytes(
            id: id, actor: actor, correlationID: correlationID, ledgerID: ledgerID, signedAt: signedAt, basis: basis,
            events: zip(events, payloads).map { ($0.stream, $0.type, $0.schemaVersion, $1) }
        )
    }

    /// The signing bytes from the parts events record, with payloads already in canonical JSON.
    package static func signingBytes(
        id: String, actor: String, correlationID: String, ledgerID: String, signedAt: Timestamp?, basis: CommandBasis?,
        events: [(stream: String, type: String, schemaVersion: Int, payload: [UInt8])]
    ) -> [UInt8] {
        var out = Array(#"{"actor":"#.utf8)
        CanonicalJSON.writeString(actor, into: &out)
        if let basis {
            out.append(contentsOf: #","basis":{"hash":"#.utf8)
            CanonicalJSON.writeString(basis.hash.hex, into: &out)
            out.append(contentsOf: #","seq":\#(basis.sequence)}"#.utf8)
        }
        out.append(contentsOf: #","correlation":"#.utf8)
        CanonicalJSON.writeString(correlationID, into: &out)
        out.append(contentsOf: #","events":["#.utf8)
        for (index, event) in events.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"payload":"#.utf8)
            out.append(contentsOf: event.payload)
            out.append(contentsOf: #","schemaVersion":\#(event.schemaVersion),"stream":"#.utf8)
            CanonicalJSON.writeString(event.stream, into: &out)
            out.append(contentsOf: #","type":"#.utf8)
            CanonicalJSON.writeString(event.type, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"id":"#.utf8)
        CanonicalJSON.writeString(id, into: &out)
        out.append(contentsOf: #","ledger":"#.utf8)
        CanonicalJSON.writeString(ledgerID, into: &out)
        if let signedAt {
            out.append(contentsOf: #","signedAt":"#.utf8)
            CanonicalJSON.writeString(signedAt.iso8601, into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
