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

    @usableFromInline package let bytes: [UInt8]
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
    package func need(_ count: Int) throws(Malformed) {
        guard count >= 0, bytes.count - offset >= count else {
            throw Malformed(reason: "truncated at byte \(offset) (wanted \(count) more of \(bytes.count - offset))")
        }
    }

    /// A field written as a UInt32 length and its bytes.
    public mutating func field() throws(Malformed) -> [UInt8] {
        try bytes(Int(try integer(UInt32.self)))
    }

    /// `field()`, returning `candidate` itself when it holds the same bytes.
    package mutating func field(reusing candidate: [UInt8]?) throws(Malformed) -> [UInt8] {
        try bytes(Int(try integer(UInt32.self)), reusing: candidate)
    }

    /// `bytes(count)`, returning `candidate` itself when it holds the same bytes.
    package mutating func bytes(_ count: Int, reusing candidate: [UInt8]?) throws(Malformed) -> [UInt8] {
        try need(count)
        guard let candidate, candidate.count == count, candidate[...] == bytes[offset..<offset + count] else {
            return try bytes(count)
        }
        offset += count
        return candidate
    }

    /// `text()`, returning `candidate` itself when it is the same text.
    package mutating func text(reusing candidate: String?) throws(Malformed) -> String {
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
