/// A fixed offset from UTC: the province's time zone, in which people type and read times
/// (Vietnam: UTC+7, no daylight saving time, so a fixed offset is exact).
public struct UTCOffset: Sendable, Hashable, CustomStringConvertible {
    /// Minutes east of UTC.
    public let minutes: Int

    /// Asia/Ho_Chi_Minh: UTC+07:00 all year.
    public static let vietnam = UTCOffset(validMinutes: 7 * 60)
    public static let utc = UTCOffset(validMinutes: 0)

    private init(validMinutes: Int) {
        minutes = validMinutes
    }

    /// Reads `+07:00`, `-03:30` or `Z`; nil for anything else or an offset beyond ±14:00.
    public init?(_ text: String) {
        if text == "Z" {
            minutes = 0
            return
        }
        let bytes = Array(text.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes[3] == UInt8(ascii: ":"),
            let hours = Int(String(decoding: bytes[1..<3], as: UTF8.self)),
            let extra = Int(String(decoding: bytes[4..<6], as: UTF8.self)),
            bytes[1...2].allSatisfy({ (48...57).contains($0) }), bytes[4...5].allSatisfy({ (48...57).contains($0) }),
            extra < 60, hours * 60 + extra <= 14 * 60
        else { return nil }
        minutes = (bytes[0] == UInt8(ascii: "-") ? -1 : 1) * (hours * 60 + extra)
    }

    /// `+07:00`; `Z` for UTC.
    public var description: String {
        if minutes == 0 { return "Z" }
        let magnitude = abs(minutes)
        let hours = magnitude / 60
        let rest = magnitude % 60
        return (minutes < 0 ? "-" : "+") + (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
    }

    package var milliseconds: Int64 { Int64(minutes) * 60_000 }
}

extension Timestamp {
    /// Which moment of a day a bare date (`2020-01-31`) stands for.
    public enum DayBoundary: Sendable {
        /// 00:00:00.000 of that day: where a range starts (`--since`).
        case start
        /// 23:59:59.999 of that day: a deadline, the end of a range, "as of that day" (`--until`, `--at`).
        case end
    }

    /// Reads a time as a person types it, the one grammar of every time the CLI takes:
    /// - a date, `2020-01-31`: that day in the province's time zone `zone`, its start or its end;
    /// - a local time with its offset, `2020-01-31T23:59:59+07:00` (seconds may carry `.fff`);
    /// - a UTC time, `2020-01-31T16:59:59Z` or `2020-01-31T16:59:59.999Z`.
    /// A time without an offset is refused (nil), since it would not say which zone it means.
    public init?(typed text: String, zone: UTCOffset, bareDate: DayBoundary) {
        if text.utf8.count == 10 {
            guard let midnightUTC = Timestamp(iso8601: text + "T00:00:00Z") else { return nil }
            let start = midnightUTC.millisecondsSinceEpoch - zone.milliseconds
            self.init(millisecondsSinceEpoch: bareDate == .start ? start : start + 86_400_000 - 1)
            return
        }
        if let utc = Timestamp(iso8601: text) {
            self = utc
            return
        }
        guard text.utf8.count >= 25, let offset = UTCOffset(String(text.suffix(6))),
            let local = Timestamp(iso8601: String(text.dropLast(6)) + "Z")
        else { return nil }
        self.init(millisecondsSinceEpoch: local.millisecondsSinceEpoch - offset.milliseconds)
    }

    /// The time as people read it in `zone`: `2020-01-31T23:59:59+07:00`, with `.fff` only when the
    /// milliseconds are not zero; `Timestamp(typed:)` reads it back.
    public func local(in zone: UTCOffset) -> String {
        let shifted = Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + zone.milliseconds).iso8601
        let withoutZ = shifted.dropLast()
        let trimmed = withoutZ.hasSuffix(".000") ? withoutZ.dropLast(4) : withoutZ
        return trimmed + (zone.minutes == 0 ? "Z" : zone.description)
    }
}
