import Ledger
import LedgerFormat

/// Dates and times as people in Vietnam read them (UTC+07:00, day/month/year), for the documents
/// and pages the province issues; events keep ISO 8601 UTC.
public enum VietnamTime {
    /// "2021-05-29" as "29/05/2021"; anything else unchanged.
    public static func date(_ date: String) -> String {
        let parts = date.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4 else { return date }
        return "\(parts[2])/\(parts[1])/\(parts[0])"
    }

    /// A stored ISO 8601 UTC time's day and clock in Vietnam: ("15/01/2021", "08:30"); nil for
    /// anything that is not such a time.
    public static func parts(_ iso8601: String) -> (date: String, clock: String)? {
        guard let time = Timestamp(iso8601: iso8601) else { return nil }
        let local = time.local(in: .vietnam)
        return (date(String(local.prefix(10))), String(local.dropFirst(11).prefix(5)))
    }

    /// "15/01/2021 08:30", as documents print it; anything else unchanged.
    public static func dateAndTime(_ iso8601: String) -> String {
        parts(iso8601).map { "\($0.date) \($0.clock)" } ?? iso8601
    }
}
