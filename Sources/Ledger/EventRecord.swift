import LedgerFormat

/// The stored form of an event in the `events` database (the key is the big-endian sequence number).
///
/// Layout, version 1: `0x01`, stream version (UInt64), schema version (UInt32), recorded-at in
/// milliseconds (Int64), previous hash (32 bytes), hash (32 bytes), then stream, type, actor, command,
/// causation, correlation, key id, signature and payload, each as a UInt32 length and UTF-8 bytes.
/// Version 2 (events signed with a time and a basis) adds, after recorded-at: signed-at in
/// milliseconds (Int64), the basis sequence (UInt64) and the basis hash (32 bytes). Integers are big-endian.
enum EventRecord {
    static let legacyFormatVersion: UInt8 = 1
    static let formatVersion: UInt8 = 2

    static func encode(_ event: RecordedEvent) -> [UInt8] {
        let signed = event.signedAt.flatMap { time in event.basis.map { (time, $0) } }
        var out: [UInt8] = [signed == nil ? legacyFormatVersion : formatVersion]
        out.reserveCapacity(event.payload.count + 250)
        appendInteger(event.streamVersion, to: &out)
        appendInteger(UInt32(truncatingIfNeeded: event.schemaVersion), to: &out)
        appendInteger(UInt64(bitPattern: event.recordedAt.millisecondsSinceEpoch), to: &out)
        if let (signedAt, basis) = signed {
            appendInteger(UInt64(bitPattern: signedAt.millisecondsSinceEpoch), to: &out)
            appendInteger(basis.sequence, to: &out)
            out.append(contentsOf: basis.hash.bytes)
        }
        out.append(contentsOf: event.previousHash.bytes)
        out.append(contentsOf: event.hash.bytes)
        for field in [
            event.stream, event.type, event.actor, event.commandID, event.causationID, event.correlationID, event.keyID,
        ] {
            appendField(field.utf8, to: &out)
        }
        appendField(event.signature, to: &out)
        appendField(event.payload, to: &out)
        return out
    }

    /// Decodes a stored record; the reason in the error says what is wrong with it. Fields equal to
    /// those of `previous` (the event before it, when read in order: the same command, signer and
    /// signature, its hash as this one's link) share their storage instead of being copied again.
    static func decode(_ bytes: [UInt8], sequence: UInt64, previous earlier: RecordedEvent? = nil) throws(LedgerError)
        -> RecordedEvent
    {
        var reader = ByteReader(bytes: bytes)
        do throws(ByteReader.Malformed) {
            let version = try reader.byte()
            guard version == formatVersion || version == legacyFormatVersion else {
                throw ByteReader.Malformed(reason: "unknown record format \(version)")
            }
            let streamVersion = try reader.integer(UInt64.self)
            let schemaVersion = Int(try reader.integer(UInt32.self))
            let recordedAt = Int64(bitPattern: try reader.integer(UInt64.self))
            var signedAt: Timestamp?
            var basis: CommandBasis?
            if version == formatVersion {
                signedAt = Timestamp(millisecondsSinceEpoch: Int64(bitPattern: try reader.integer(UInt64.self)))
                let basisSequence = try reader.integer(UInt64.self)
                let basisHash = try reader.bytes(32, reusing: earlier?.basis?.hash.bytes)
                basis = CommandBasis(sequence: basisSequence, hash: EventHash(unchecked: basisHash))
            }
            let previous = EventHash(unchecked: try reader.bytes(32, reusing: earlier?.hash.bytes))
            let hash = EventHash(unchecked: try reader.bytes(32))
            let stream = try reader.text(reusing: earlier?.stream)
            let type = try reader.text(reusing: earlier?.type)
            let actor = try reader.text(reusing: earlier?.actor)
            let command = try reader.text(reusing: earlier?.commandID)
            let causation = try reader.text(reusing: command)
            let correlation = try reader.text(reusing: earlier?.correlationID)
            let keyID = try reader.text(reusing: earlier?.keyID)
            let signature = try reader.field(reusing: earlier?.signature)
            let payload = try reader.field()
            guard reader.isAtEnd else { throw ByteReader.Malformed(reason: "trailing bytes after the payload") }
            return RecordedEvent(
                sequence: sequence, stream: stream, streamVersion: streamVersion, type: type,
                schemaVersion: schemaVersion, payload: payload, actor: actor,
                recordedAt: Timestamp(millisecondsSinceEpoch: recordedAt), commandID: command,
                causationID: causation, correlationID: correlation, keyID: keyID,
                signature: signature, previousHash: previous, hash: hash, signedAt: signedAt, basis: basis
            )
        } catch {
            throw .corruptEvent(sequence: sequence, reason: error.reason)
        }
    }

}

/// Appends a field as ByteReader's `field()` reads it: a big-endian UInt32 length, then the bytes.
public func appendField(_ field: some Collection<UInt8>, to out: inout [UInt8]) {
    appendInteger(UInt32(field.count), to: &out)
    out.append(contentsOf: field)
}
