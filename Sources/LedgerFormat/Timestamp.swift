import Foundation
import Glibc

/// A moment in UTC with millisecond precision, written as ISO 8601 (`2020-01-14T09:30:00.000Z`).
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS[.fff]Z`; nil for anything else.
    public init?(iso8601 text: String) {
        let digits = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= digits.count else { return nil }
            var value: Int64 = 0
            for byte in digits[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard digits.count >= 20, digits[4] == UInt8(ascii: "-"), digits[7] == UInt8(ascii: "-"),
            digits[10] == UInt8(ascii: "T"), digits[13] == UInt8(ascii: ":"), digits[16] == UInt8(ascii: ":"),
            digits.last == UInt8(ascii: "Z"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            year >= 1, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var millis: Int64 = 0
        if digits.count == 24, digits[19] == UInt8(ascii: "."), let fraction = number(20..<23) {
            millis = fraction
        } else if digits.count != 20 {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        guard Int64(parts.tm_mday) == day else { return nil }
        millisecondsSinceEpoch = Int64(seconds) * 1000 + millis
    }

    /// A time as an event's envelope carries it (FORMAT.md, Events): exactly
    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`, a real UTC date and time of the years 0001–9999.
    public init?(eventTime text: String) {
        guard text.utf8.count == 24, let time = Timestamp(iso8601: text),
            time.iso8601.utf8.elementsEqual(text.utf8)
        else { return nil }
        self = time
    }

    /// ISO 8601 in UTC with milliseconds.
    public var iso8601: String {
        var text: [UInt8] = []
        appendISO8601(to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends `iso8601`'s UTF-8, digit by digit: every event's envelope carries two of these.
    public func appendISO8601(to out: inout [UInt8]) {
        var seconds = time_t(millisecondsSinceEpoch.floorDivided(by: 1000))
        let millis = Int(millisecondsSinceEpoch - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func write(_ value: Int, width: Int, then separator: UInt8) {
            var digits: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
            var value = value
            withUnsafeMutableBytes(of: &digits) { buffer in
                for offset in stride(from: width - 1, through: 0, by: -1) {
                    buffer[offset] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                out.append(contentsOf: buffer.prefix(width))
            }
            out.append(separator)
        }
        let year = Int(parts.tm_year) + 1900
        if (0...9999).contains(year) {
            write(year, width: 4, then: UInt8(ascii: "-"))
        } else {
            out.append(contentsOf: "\(year)-".utf8)
        }
        write(Int(parts.tm_mon) + 1, width: 2, then: UInt8(ascii: "-"))
        write(Int(parts.tm_mday), width: 2, then: UInt8(ascii: "T"))
        write(Int(parts.tm_hour), width: 2, then: UInt8(ascii: ":"))
        write(Int(parts.tm_min), width: 2, then: UInt8(ascii: ":"))
        write(Int(parts.tm_sec), width: 2, then: UInt8(ascii: "."))
        write(millis, width: 3, then: UInt8(ascii: "Z"))
    }

    public var description: String { iso8601 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// Where the ledger gets the time it records; tests inject a fixed or stepping clock.
public protocol LedgerClock: Sendable {
    func now() -> Timestamp
}

/// The machine's real-time clock.
public struct SystemClock: LedgerClock {
    public init() {}

    public func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }
}

/// A clock that its owner moves: each reading is `step` milliseconds after the previous one, the
/// first one `step` after the time it was started or last set. Reproducible runs (the demo) and
/// tests inject it.
public final class ManualClock: LedgerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Int64
    private let step: Int64

    public init(start: Timestamp, step: Int64 = 1) {
        current = start.millisecondsSinceEpoch
        self.step = step
    }

    public func now() -> Timestamp {
        lock.lock()
        defer { lock.unlock() }
        current += step
        return Timestamp(millisecondsSinceEpoch: current)
    }

    /// Readings continue from `time`.
    public func set(_ time: Timestamp) {
        lock.lock()
        current = time.millisecondsSinceEpoch
        lock.unlock()
    }
}
