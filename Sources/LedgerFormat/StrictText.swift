import Foundation

/// Standard base64 (RFC 4648 §4) read strictly, as both verifiers read it (FORMAT.md, Strict text):
/// padded, no other character, and the one encoding of its bytes (spare padding bits zero). A text
/// that decodes only under a looser reading is refused, so that no two verifiers can read one
/// signature, key or hash differently.
public enum CanonicalBase64 {
    /// The bytes of `text` when it is the canonical base64 of them (of `count` bytes when given):
    /// the standard alphabet, padded to a multiple of four characters, `=` only as the padding, and
    /// the bits the padding leaves over all zero, so that one byte string has one text. Read by hand
    /// rather than by decoding and encoding again: every event of a bundle carries a signature.
    public static func decode(_ text: some StringProtocol, count: Int? = nil) -> [UInt8]? {
        var input: [UInt8] = []
        input.reserveCapacity(text.utf8.count)
        input.append(contentsOf: text.utf8)
        guard input.count % 4 == 0 else { return nil }
        let padding = input.last == equals ? (input.dropLast().last == equals ? 2 : 1) : 0
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var quantum = 0
        while quantum < input.count {
            let last = quantum + 4 == input.count
            var value: UInt32 = 0
            for offset in 0..<4 {
                let character = input[quantum + offset]
                if last && offset >= 4 - padding {
                    value <<= 6
                    continue
                }
                let digit = alphabet[Int(character)]
                guard digit < 64 else { return nil }
                value = value << 6 | UInt32(digit)
            }
            out.append(UInt8(value >> 16))
            if !(last && padding == 2) { out.append(UInt8(value >> 8 & 0xFF)) }
            if !(last && padding >= 1) { out.append(UInt8(value & 0xFF)) }
            if last && (padding == 1 && value & 0xFF != 0 || padding == 2 && value & 0xFFFF != 0) { return nil }
            quantum += 4
        }
        guard count.map({ out.count == $0 }) ?? true else { return nil }
        return out
    }

    private static let equals = UInt8(ascii: "=")

    /// Each byte's value as a base64 digit, or 64 when it is none.
    private static let alphabet: [UInt8] = {
        var table = [UInt8](repeating: 64, count: 256)
        for (digit, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = UInt8(digit)
        }
        return table
    }()
}

/// Unicode White_Space (FORMAT.md, Strict text), listed here rather than taken from the runtime's
/// tables, so that "blank" means the same on every machine and in both verifiers.
public enum WhiteSpace {
    public static func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}

extension StringProtocol {
    /// Empty, or made only of White_Space: what a rule that needs text (a reason, an answer, a
    /// decision number) refuses.
    public var isBlank: Bool { unicodeScalars.allSatisfy(WhiteSpace.contains) }
}

extension StringProtocol {
    /// The text without White_Space (the explicit list of `WhiteSpace`) at either end.
    public var trimmingWhiteSpace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !WhiteSpace.contains($0) }),
            let last = scalars.lastIndex(where: { !WhiteSpace.contains($0) })
        else { return "" }
        var trimmed = String.UnicodeScalarView()
        trimmed.append(contentsOf: scalars[first...last])
        return String(trimmed)
    }
}

extension StringProtocol {
    /// The pieces between each `separator`, read scalar by scalar as every other verifier reads text:
    /// Swift's `split` works on characters, and a space or `+` followed by a combining mark is one
    /// character with it, so it would not be split there.
    public func splitScalars(_ separator: Unicode.Scalar, maxSplits: Int = .max) -> [String] {
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == separator && pieces.count < maxSplits {
                pieces.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        pieces.append(String(current))
        return pieces
    }

    /// Whether the text's first scalars are `prefix`'s, compared scalar by scalar (not by character).
    public func startsWithScalars(_ prefix: String) -> Bool {
        unicodeScalars.starts(with: prefix.unicodeScalars)
    }
}
