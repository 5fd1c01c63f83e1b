import Foundation

/// A number of points as an exact decimal with at most two decimals (stored as hundredths).
///
/// The source documents write "1,5" and sometimes "0.5"; both are read. No binary floating point
/// is ever involved: sums, differences and comparisons are integer arithmetic on hundredths.
public struct Points: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The value in hundredths of a point.
    public let hundredths: Int64

    public init(hundredths: Int64) {
        self.hundredths = hundredths
    }

    public static let zero = Points(hundredths: 0)

    /// Why a text is not a number of points.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let text: String
        public let reason: String
        /// `reason` in Vietnamese.
        public let vietnameseReason: String
        public var description: String { "'\(text)' is not a number of points: \(reason)" }
        /// The error in Vietnamese, for the person who typed the points.
        public var vietnamese: String { "'\(text)' không phải là số điểm hợp lệ: \(vietnameseReason)." }
    }

    /// Reads "2", "1,5", "0.25"; refuses signs, more than two decimals, and anything else.
    public init(parsing text: String) throws(ParseError) {
        if let plain = Self.plainDecimal(text.utf8) {
            hundredths = plain
            return
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: trimmed.contains(",") ? "," : ".", omittingEmptySubsequences: false)
        guard !trimmed.isEmpty, parts.count <= 2, let whole = parts.first, !whole.isEmpty,
            whole.allSatisfy(\.isASCIIDigit), whole.count <= 9
        else {
            throw ParseError(
                text: text, reason: "write a non-negative decimal such as 1,5 or 0.25",
                vietnameseReason: "hãy viết số thập phân không âm, ví dụ 1,5 hoặc 0,25")
        }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.allSatisfy(\.isASCIIDigit), parts.count == 1 || !fraction.isEmpty else {
            throw ParseError(
                text: text, reason: "write a non-negative decimal such as 1,5 or 0.25",
                vietnameseReason: "hãy viết số thập phân không âm, ví dụ 1,5 hoặc 0,25")
        }
        guard fraction.count <= 2 else {
            throw ParseError(
                text: text, reason: "points have at most two decimals",
                vietnameseReason: "điểm có tối đa hai chữ số thập phân")
        }
        fraction += String(repeating: "0", count: 2 - fraction.count)
        hundredths = (Int64(whole) ?? 0) * 100 + (Int64(fraction) ?? 0)
    }

    /// The hundredths of a text made only of digits with at most one separator and two decimals
    /// (what stored points always are); nil for anything else, which the full parser then judges.
    private static func plainDecimal(_ bytes: String.UTF8View) -> Int64? {
        var whole: Int64 = 0
        var wholeDigits = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var separated = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int64(byte - UInt8(ascii: "0"))
                if separated {
                    fractionDigits += 1
                    fraction = fraction * 10 + digit
                } else {
                    wholeDigits += 1
                    whole = whole * 10 + digit
                }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                guard !separated else { return nil }
                separated = true
            default:
                return nil
            }
        }
        guard wholeDigits > 0, wholeDigits <= 9, fractionDigits <= 2, !separated || fractionDigits > 0 else {
            return nil
        }
        return whole * 100 + (fractionDigits == 1 ? fraction * 10 : fraction)
    }

    /// The shortest exact decimal: "2", "1.5", "0.25".
    public var description: String {
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// With exactly `decimals` (0…2) decimals, as published.
    public func formatted(decimals: Int = 2) -> String {
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        let sign = hundredths < 0 ? "-" : ""
        switch decimals {
        case 0: return "\(sign)\(whole)"
        case 1: return "\(sign)\(whole).\(fraction / 10)"
        default: return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
        }
    }

    public static func + (lhs: Points, rhs: Points) -> Points { Points(hundredths: lhs.hundredths + rhs.hundredths) }
    public static func - (lhs: Points, rhs: Points) -> Points { Points(hundredths: lhs.hundredths - rhs.hundredths) }
    public static func += (lhs: inout Points, rhs: Points) { lhs = lhs + rhs }
    public static func -= (lhs: inout Points, rhs: Points) { lhs = lhs - rhs }
    public static func < (lhs: Points, rhs: Points) -> Bool { lhs.hundredths < rhs.hundredths }
}

extension Sequence where Element == Points {
    /// The exact sum.
    public func sum() -> Points { reduce(.zero, +) }
}

/// An exact share, `part / whole`, of which only the display is ever rounded.
public struct Share: Sendable, Comparable, CustomStringConvertible {
    public let part: Points
    public let whole: Points

    public init(_ part: Points, of whole: Points) {
        self.part = part
        self.whole = whole
    }

    /// Whether the share is at least `percent` per cent (`percent` in hundredths of a per cent).
    public func isAtLeast(percent: Points) -> Bool {
        guard whole.hundredths > 0 else { return true }
        return part.hundredths * 10_000 >= percent.hundredths * whole.hundredths
    }

    /// The share in per cent, rounded half-up to two decimals (only for display and publication).
    public var percent: Points {
        guard whole.hundredths > 0 else { return .zero }
        let scaled = part.hundredths * 10_000
        return Points(hundredths: (2 * scaled + whole.hundredths) / (2 * whole.hundredths))
    }

    /// The share in per cent rounded half-up to `decimals` (0…2) decimals: the published value.
    public func percent(decimals: Int) -> Points {
        guard whole.hundredths > 0 else { return .zero }
        let unit: Int64 = decimals == 0 ? 100 : (decimals == 1 ? 10 : 1)
        let scaled = part.hundredths * 10_000
        return Points(hundredths: (2 * scaled + unit * whole.hundredths) / (2 * unit * whole.hundredths) * unit)
    }

    /// The share in per cent rounded half-up to `decimals` (0…2) decimals, as text ("87.53").
    public func percentText(decimals: Int) -> String {
        percent(decimals: decimals).formatted(decimals: decimals)
    }

    public var description: String { percentText(decimals: 2) + "%" }

    /// Exact comparison by cross-multiplication.
    public static func < (lhs: Share, rhs: Share) -> Bool {
        lhs.part.hundredths * rhs.whole.hundredths < rhs.part.hundredths * lhs.whole.hundredths
    }

    /// Equal as numbers (1/2 == 2/4), which is what ties in a ranking mean.
    public static func == (lhs: Share, rhs: Share) -> Bool {
        lhs.part.hundredths * rhs.whole.hundredths == rhs.part.hundredths * lhs.whole.hundredths
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
