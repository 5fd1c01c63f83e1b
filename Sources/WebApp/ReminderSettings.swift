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

    /// The settings kept at `path`; the defaults when the file does not exist yet.
    static func load(_ path: String) throws -> ReminderSettings {
        guard let data = FileManager.default.contents(atPath: path) else { return ReminderSettings() }
        return try JSONDecoder().decode(ReminderSettings.self, from: data)
    }

    /// Writes the settings to `path`, readable by the server's user only.
    func save(_ path: String) throws {
        try JSONFile.write(self, to: path)
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

    static func load(_ path: String) throws -> SentReminders {
        guard let data = FileManager.default.contents(atPath: path) else { return SentReminders() }
        return try JSONDecoder().decode(SentReminders.self, from: data)
    }

    func save(_ path: String) throws {
        try JSONFile.write(self, to: path)
    }
}

/// Writes a JSON file atomically with mode 0600, making its directory when needed.
enum JSONFile {
    static func write(_ value: some Encodable, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let temporary = path + ".tmp"
        FileManager.default.createFile(
            atPath: temporary, contents: try encoder.encode(value), attributes: [.posixPermissions: 0o600])
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
