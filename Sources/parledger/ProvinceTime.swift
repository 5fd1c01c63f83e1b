import Foundation
import Ledger
import LedgerFormat

/// The times people type and read on the command line, in the province's time zone: UTC+07:00
/// (Asia/Ho_Chi_Minh) unless `$PARLEDGER_UTC_OFFSET` names another offset (`+08:00`). Events keep ISO
/// 8601 UTC; `--json` prints that.
enum ProvinceTime {
    static let zone: UTCOffset = {
        guard let text = ProcessInfo.processInfo.environment["PARLEDGER_UTC_OFFSET"], !text.isEmpty else {
            return .vietnam
        }
        guard let offset = UTCOffset(text) else {
            printError("PARLEDGER_UTC_OFFSET '\(text)' is not an offset such as +07:00; using +07:00", hint: nil)
            return .vietnam
        }
        return offset
    }()

    /// What every option taking a time says in its help.
    static let grammar =
        "a date (2020-01-31), a local time with its offset (2020-01-31T23:59:59+07:00) or a UTC time (2020-01-31T16:59:59Z)"

    /// Reads `text` given to `option`; a bare date is the start or the end of that day in the province.
    static func parse(_ text: String, option: String, bareDate: Timestamp.DayBoundary) throws -> Timestamp {
        guard let time = Timestamp(typed: text, zone: zone, bareDate: bareDate) else {
            throw InputError("\(option) '\(text)' is not a time", hint: "write \(grammar)")
        }
        return time
    }

    /// `time` as people in the province read it.
    static func show(_ time: Timestamp) -> String {
        time.local(in: zone)
    }

    /// A stored ISO 8601 UTC time as people in the province read it (unchanged if it is not one).
    static func show(iso8601 text: String) -> String {
        Timestamp(iso8601: text).map(show) ?? text
    }
}
