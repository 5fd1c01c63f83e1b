import Crypto

/// A SHA-256 digest that links and seals events; written as 64 lowercase hex digits.
public struct EventHash: Sendable, Hashable, CustomStringConvertible {
    /// The 32 bytes of the digest.
    public let bytes: [UInt8]

    /// The hash that the first event links back to: 32 zero bytes.
    public static let genesis = EventHash(unchecked: [UInt8](repeating: 0, count: 32))

    package init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A hash from 32 bytes; nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// A hash from 64 hex digits; nil for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for pair in stride(from: 0, to: 64, by: 2) {
            guard let high = hexValue(digits[pair]), let low = hexValue(digits[pair + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    /// The SHA-256 digest of `data`.
    public static func of(_ data: [UInt8]) -> EventHash {
        EventHash(unchecked: Array(SHA256.hash(data: data)))
    }

    /// Lowercase hex.
    public var hex: String { hexString(bytes) }

    public var description: String { hex }
}

private func hexValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    default: nil
    }
}

/// Appends `bytes` as lowercase hex digits.
package func appendHex(_ bytes: [UInt8], to out: inout [UInt8]) {
    let digits: StaticString = "0123456789abcdef"
    for byte in bytes {
        out.append(digits.utf8Start[Int(byte >> 4)])
        out.append(digits.utf8Start[Int(byte & 0x0F)])
    }
}

/// Appends `bytes` in base64 (RFC 4648, with padding), as `Data.base64EncodedString()` writes it.
package func appendBase64(_ bytes: [UInt8], to out: inout [UInt8]) {
    let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    func append(_ group: UInt32, symbols: Int) {
        for shift in stride(from: 18, through: 0, by: -6).prefix(symbols) {
            out.append(alphabet.utf8Start[Int((group >> UInt32(shift)) & 0x3F)])
        }
        for _ in symbols..<4 { out.append(UInt8(ascii: "=")) }
    }
    var index = 0
    while index + 3 <= bytes.count {
        append(UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]), symbols: 4)
        index += 3
    }
    switch bytes.count - index {
    case 1: append(UInt32(bytes[index]) << 16, symbols: 2)
    case 2: append(UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8, symbols: 3)
    default: break
    }
}

/// Bytes as lowercase hex digits.
public func hexString(_ sequence: some Sequence<UInt8>) -> String {
    let bytes = Array(sequence)
    return String(unsafeUninitializedCapacity: bytes.count * 2) { text in
        let digits: StaticString = "0123456789abcdef"
        var position = 0
        for byte in bytes {
            text[position] = digits.utf8Start[Int(byte >> 4)]
            text[position + 1] = digits.utf8Start[Int(byte & 0x0F)]
            position += 2
        }
        return position
    }
}
