import Foundation
public import LedgerFormat

/// An event as the ledger recorded it: its place in the global sequence and in its stream, who
/// recorded it and when, and the hash chain that seals it.
public struct RecordedEvent: Sendable, Hashable {
    /// Global position, from 1, with no gaps.
    public let sequence: UInt64
    public let stream: String
    /// Position within the stream, from 1.
    public let streamVersion: UInt64
    public let type: String
    public let schemaVersion: Int
    /// The payload in canonical JSON (RFC 8785).
    public let payload: [UInt8]
    public let actor: String
    public let recordedAt: Timestamp
    /// The id of the command that appended this event.
    public let commandID: String
    /// What caused this event: the command's id.
    public let causationID: String
    /// The workflow this event belongs to.
    public let correlationID: String
    /// The id of the key that signed the command.
    public let keyID: String
    /// The actor's Ed25519 signature over the command's `signingBytes(ledgerID:)`.
    public let signature: [UInt8]
    /// The hash of the event before this one (`EventHash.genesis` for the first).
    public let previousHash: EventHash
    /// SHA-256 of `canonicalEnvelope()`.
    public let hash: EventHash
    /// When the signer signed the command, by its own clock; nil for events of ledgers from before
    /// format 2 (FORMAT.md).
    public let signedAt: Timestamp?
    /// The head the signer saw when signing; nil for events from before format 2.
    public let basis: CommandBasis?

    public init(
        sequence: UInt64, stream: String, streamVersion: UInt64, type: String, schemaVersion: Int, payload: [UInt8],
        actor: String, recordedAt: Timestamp, commandID: String, causationID: String, correlationID: String,
        keyID: String, signature: [UInt8], previousHash: EventHash, hash: EventHash,
        signedAt: Timestamp? = nil, basis: CommandBasis? = nil
    ) {
        self.sequence = sequence
        self.stream = stream
        self.streamVersion = streamVersion
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.actor = actor
        self.recordedAt = recordedAt
        self.commandID = commandID
        self.causationID = causationID
        self.correlationID = correlationID
        self.keyID = keyID
        self.signature = signature
        self.previousHash = previousHash
        self.hash = hash
        self.signedAt = signedAt
        self.basis = basis
    }

    /// The payload as a value.
    public var payloadValue: JSONValue {
        get throws { try JSONParser.parse(payload) }
    }

    /// The bytes the hash covers: the canonical JSON (RFC 8785) object
    /// `{"actor","causation","command","correlation","keyId","payload","prev","recordedAt","schemaVersion",
    /// "seq","signature","stream","streamVersion","type"}` with `prev` in hex, `signature` in base64 and
    /// `payload` embedded as an object.
    /// With `includingHash`, a `hash` member is added: the form exported as JSON Lines.
    public func canonicalEnvelope(includingHash: Bool = false) -> [UInt8] {
        Self.envelope(
            sequence: sequence, stream: stream, streamVersion: streamVersion, type: type,
            schemaVersion: schemaVersion, payload: payload, actor: actor, recordedAt: recordedAt,
            commandID: commandID, causationID: causationID, correlationID: correlationID,
            keyID: keyID, signature: signature, previousHash: previousHash, hash: includingHash ? hash : nil,
            signedAt: signedAt, basis: basis
        )
    }

    static func envelope(
        sequence: UInt64, stream: String, streamVersion: UInt64, type: String, schemaVersion: Int,
        payload: [UInt8], actor: String, recordedAt: Timestamp, commandID: String, causationID: String,
        correlationID: String, keyID: String, signature: [UInt8], previousHash: EventHash, hash: EventHash?,
        signedAt: Timestamp?, basis: CommandBasis?
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 400)
        func member(_ key: StaticString, first: Bool = false) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        // Hex, base64 and timestamps never need escaping.
        func quoted(_ write: () -> Void) {
            out.append(UInt8(ascii: "\""))
            write()
            out.append(UInt8(ascii: "\""))
        }
        member("actor", first: true)
        CanonicalJSON.writeString(actor, into: &out)
        if let basis {
            member("basis")
            out.append(contentsOf: #"{"hash":""#.utf8)
            appendHex(basis.hash.bytes, to: &out)
            out.append(contentsOf: #"","seq":\#(basis.sequence)}"#.utf8)
        }
        member("causation")
        CanonicalJSON.writeString(causationID, into: &out)
        member("command")
        CanonicalJSON.writeString(commandID, into: &out)
        member("correlation")
        CanonicalJSON.writeString(correlationID, into: &out)
        if let hash {
            member("hash")
            quoted { appendHex(hash.bytes, to: &out) }
        }
        member("keyId")
        CanonicalJSON.writeString(keyID, into: &out)
        member("payload")
        out.append(contentsOf: payload)
        member("prev")
        quoted { appendHex(previousHash.bytes, to: &out) }
        member("recordedAt")
        quoted { recordedAt.appendISO8601(to: &out) }
        member("schemaVersion")
        out.append(contentsOf: String(schemaVersion).utf8)
        member("seq")
        out.append(contentsOf: String(sequence).utf8)
        member("signature")
        quoted { appendBase64(signature, to: &out) }
        if let signedAt {
            member("signedAt")
            quoted { signedAt.appendISO8601(to: &out) }
        }
        member("stream")
        CanonicalJSON.writeString(stream, into: &out)
        member("streamVersion")
        out.append(contentsOf: String(streamVersion).utf8)
        member("type")
        CanonicalJSON.writeString(type, into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }
}

extension RecordedEvent {
    /// The members of an envelope from before format 2; format 2 adds `signedAt` and `basis`.
    static let envelopeMembers: Set<String> = [
        "actor", "causation", "command", "correlation", "hash", "keyId", "payload", "prev", "recordedAt",
        "schemaVersion", "seq", "signature", "stream", "streamVersion", "type",
    ]

    /// Reads an event from its exported form (`canonicalEnvelope(includingHash: true)` parsed).
    public init(envelope value: JSONValue) throws(LedgerError) {
        guard case .object(let members) = value,
            Set(members.keys) == Self.envelopeMembers
                || Set(members.keys) == Self.envelopeMembers.union(["signedAt", "basis"])
        else {
            throw .invalidCommand(reason: "the event's members are not those of an event envelope")
        }
        func text(_ key: String) throws(LedgerError) -> String {
            guard let text = value[key]?.stringValue else {
                throw .invalidCommand(reason: "the event has no string '\(key)'")
            }
            return text
        }
        func number(_ key: String) throws(LedgerError) -> Int64 {
            guard let number = value[key]?.integerValue, number >= 1 else {
                throw .invalidCommand(reason: "the event has no number '\(key)'")
            }
            return number
        }
        guard let payload = value["payload"], case .object = payload else {
            throw .invalidCommand(reason: "the event has no payload object")
        }
        guard let previous = EventHash(hex: try text("prev")), let hash = EventHash(hex: try text("hash")) else {
            throw .invalidCommand(reason: "the event's prev or hash is not 64 hex digits")
        }
        guard let recordedAt = Timestamp(eventTime: try text("recordedAt")) else {
            throw .invalidCommand(reason: "the event's recordedAt is not YYYY-MM-DDTHH:MM:SS.mmmZ")
        }
        guard let signature = CanonicalBase64.decode(try text("signature")) else {
            throw .invalidCommand(reason: "the event's signature is not canonical base64")
        }
        var signedAt: Timestamp?
        var basis: CommandBasis?
        if value["signedAt"] != nil || value["basis"] != nil {
            guard let time = Timestamp(eventTime: try text("signedAt")) else {
                throw .invalidCommand(reason: "the event's signedAt is not YYYY-MM-DDTHH:MM:SS.mmmZ")
            }
            guard let seen = value["basis"], case .object(let basisMembers) = seen,
                Set(basisMembers.keys) == ["hash", "seq"],
                let basisHash = seen["hash"]?.stringValue.flatMap(EventHash.init(hex:)),
                let basisSequence = seen["seq"]?.integerValue, basisSequence >= 0
            else {
                throw .invalidCommand(reason: "the event's basis is not {\"hash\": 64 hex digits, \"seq\": a number}")
            }
            signedAt = time
            basis = CommandBasis(sequence: UInt64(basisSequence), hash: basisHash)
        }
        self.init(
            sequence: UInt64(try number("seq")), stream: try text("stream"),
            streamVersion: UInt64(try number("streamVersion")),
            type: try text("type"), schemaVersion: Int(try number("schemaVersion")),
            payload: CanonicalJSON.encode(payload),
            actor: try text("actor"), recordedAt: recordedAt, commandID: try text("command"),
            causationID: try text("causation"),
            correlationID: try text("correlation"), keyID: try text("keyId"), signature: Array(signature),
            previousHash: previous, hash: hash, signedAt: signedAt, basis: basis
        )
    }
}

/// What appending one command did.
public struct AppendResult: Sendable {
    /// The command's events as recorded (the earlier ones when the command was a repeat).
    public let events: [RecordedEvent]
    /// True when the command id was already in the ledger and nothing new was appended.
    public let wasAlreadyRecorded: Bool
}
