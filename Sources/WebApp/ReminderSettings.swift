import Foundation
import Ledger

/// What the reminders need that must not go into the ledger, whose bundles are public: the mail
/// server, its password, and people's e-mail addresses by actor id. Kept in the server's data directory
/// (`web/reminders.json` beside the ledger, mode 0600) and edited by the secretariat in its page.
struct ReminderSettings: Codable, Sendable, Equatable {
    /// The mail server; reminders are not sent while its host is empty.
    var smtp = SMTPServer(host: "", port: 25, user: "", password: "", sender: "")
    /// How many days before a unit's deadline the first reminder goes.
    var daysBefore = 3
    /// E-mail address by actor id.
    var addresses: [String: String] = [:]

    /// The settings file of `ledger`'s server.
    static func path(beside ledger: Ledger) -> String {
        ((ledger.path as NSString).appendingPathComponent("web") as NSString).appendingPathComponent("reminders.json")
    }

    static let format = "parledger-reminders/1"

    /// The settings kept at `path`; the defaults when the file does not exist yet.
    static func load(_ path: String) throws -> ReminderSettings {
        try DataFile<ReminderSettings>(format: format, path: path).load() ?? ReminderSettings()
    }

    /// Writes the settings to `path`, readable by the server's user only.
    func save(_ path: String) throws {
        try DataFile(format: Self.format, path: path).save(self)
    }

    /// Why `address` is not an address mail can go to; nil when it looks like one.
    static func problem(address: String) -> String? {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        let allowed = address.unicodeScalars.allSatisfy {
            $0.isASCII && $0.value > 32 && !"<>,;\"()[]\\".unicodeScalars.contains($0)
        }
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), allowed, address.count <= 254 else {
            return "Địa chỉ thư '\(address)' không hợp lệ (dạng ten@co-quan.gov.vn)."
        }
        return nil
    }
}

/// The reminders already sent, one key each (`deadline:<cycle>:<unit>:<days>`,
/// `explanation:<event sequence>`) with when: `web/reminders-sent.json`, so that a restarted server
/// never sends one twice.
struct SentReminders: Codable, Sendable {
    var sent: [String: String] = [:]

    static func path(beside ledger: Ledger) -> String {
        ((ledger.path as NSString).appendingPathComponent("web") as NSString)
            .appendingPathComponent("reminders-sent.json")
    }

    static let format = "parledger-reminders-sent/1"

    static func load(_ path: String) throws -> SentReminders {
        try DataFile<SentReminders>(format: format, path: path).load() ?? SentReminders()
    }

    func save(_ path: String) throws {
        try DataFile(format: Self.format, path: path).save(self)
    }
}
