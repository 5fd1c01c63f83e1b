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

/// Big-endian encoding of fixed-width integers, as LMDB keys and record fields use it; public for
/// the stored records of modules built on the ledger.
@inlinable
public func appendInteger<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
    var bigEndian = value.bigEndian
    withUnsafeBytes(of: &bigEndian) { out.append(contentsOf: $0) }
}

/// The big-endian bytes of `value`.
@inlinable
public func bigEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    var out: [UInt8] = []
    appendInteger(value, to: &out)
    return out
}

/// Reads fields of stored records (the ledger's and those of modules built on it), refusing to run
/// past the end.
public struct ByteReader {
    /// What is wrong with the bytes, with the offset where it went wrong.
    public struct Malformed: Error {
        public let reason: String

        public init(reason: String) {
            self.reason = reason
        }
    }

    @usableFromInline let bytes: [UInt8]
    @usableFromInline private(set) var offset = 0

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func byte() throws(Malformed) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func bytes(_ count: Int) throws(Malformed) -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    @inlinable
    public mutating func integer<T: FixedWidthInteger>(_: T.Type) throws(Malformed) -> T {
        try need(MemoryLayout<T>.size)
        var value = T.zero
        for index in offset..<offset + MemoryLayout<T>.size { value = value << 8 | T(bytes[index]) }
        offset += MemoryLayout<T>.size
        return value
    }

    @usableFromInline
    func need(_ count: Int) throws(Malformed) {
        guard count >= 0, bytes.count - offset >= count else {
            throw Malformed(reason: "truncated at byte \(offset) (wanted \(count) more of \(bytes.count - offset))")
        }
    }

    /// A field written as a UInt32 length and its bytes.
    public mutating func field() throws(Malformed) -> [UInt8] {
        try bytes(Int(try integer(UInt32.self)))
    }

    /// `field()`, returning `candidate` itself when it holds the same bytes.
    mutating func field(reusing candidate: [UInt8]?) throws(Malformed) -> [UInt8] {
        try bytes(Int(try integer(UInt32.self)), reusing: candidate)
    }

    /// `bytes(count)`, returning `candidate` itself when it holds the same bytes.
    mutating func bytes(_ count: Int, reusing candidate: [UInt8]?) throws(Malformed) -> [UInt8] {
        try need(count)
        guard let candidate, candidate.count == count, candidate[...] == bytes[offset..<offset + count] else {
            return try bytes(count)
        }
        offset += count
        return candidate
    }

    /// `text()`, returning `candidate` itself when it is the same text.
    mutating func text(reusing candidate: String?) throws(Malformed) -> String {
        guard var candidate else { return try text() }
        let start = offset
        let count = Int(try integer(UInt32.self))
        try need(count)
        let same = candidate.withUTF8 { $0.elementsEqual(bytes[offset..<offset + count]) }
        guard same else {
            offset = start
            return try text()
        }
        offset += count
        return candidate
    }

    /// A field holding UTF-8 text.
    public mutating func text() throws(Malformed) -> String {
        let start = offset
        let count = Int(try integer(UInt32.self))
        try need(count)
        let field = bytes.withUnsafeBufferPointer { buffer in
            let utf8 = UnsafeBufferPointer(rebasing: buffer[offset..<offset + count])
            // ASCII (most fields) is valid UTF-8 as it stands, without the slower general check.
            return utf8.allSatisfy { $0 < 0x80 }
                ? String(decoding: utf8, as: UTF8.self) : String(validating: utf8, as: UTF8.self)
        }
        guard let text = field else {
            throw Malformed(reason: "invalid UTF-8 in the field at byte \(start)")
        }
        offset += count
        return text
    }
}
