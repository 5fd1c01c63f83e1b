import Foundation
import LedgerFormat

/// The server's own JSON files in `web/` beside the ledger (reminder settings, reminders sent,
/// lost-key requests): not in the ledger, but kept across upgrades like it. Each is written as
/// `{"format": "parledger-<name>/<version>", "content": …}`, atomically, with mode 0600; a file
/// written before formats were (its content alone) is read as version 1's content, and a file of
/// another format is refused with both formats named, so that an older version never misreads what
/// a newer one wrote.
struct DataFile<Content: Codable>: Sendable {
    /// The format this version writes, e.g. `parledger-reminders/1`.
    let format: String
    let path: String

    /// A file of another format than this version's: the server does not start on it.
    struct OtherFormat: KindedError {
        let path: String
        let found: String
        let readable: String
        var kind: ErrorKind { .io }
        var description: String {
            "\(path) is in the format \(found), and this version of ParLedger reads \(readable): run the version that wrote it, or a newer one"
        }
        var vietnamese: String {
            "Tệp \(path) ở định dạng \(found), phiên bản ParLedger này đọc \(readable): hãy dùng phiên bản đã ghi tệp hoặc mới hơn."
        }
    }

    /// The content kept at `path`, or nil when there is no file yet.
    func load() throws -> Content? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        guard let probe = try? JSONDecoder().decode(FormatProbe.self, from: data) else {
            return try JSONDecoder().decode(Content.self, from: data)
        }
        guard probe.format == format else { throw OtherFormat(path: path, found: probe.format, readable: format) }
        return try JSONDecoder().decode(Envelope<Content>.self, from: data).content
    }

    /// Writes `content` atomically, readable by the server's user only, making its directory.
    func save(_ content: Content) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let temporary = path + ".tmp"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: try encoder.encode(Envelope(format: format, content: content)),
                attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary]) }
        guard rename(temporary, path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    private struct Envelope<Value: Codable>: Codable {
        let format: String
        let content: Value
    }

    private struct FormatProbe: Decodable {
        let format: String
    }
}

/// The formats of the server's data files, by file name in `web/`, for `parledger --version`.
public enum WebDataFormats {
    public static let all: [(file: String, format: String)] = [
        ("reminders.json", ReminderSettings.format), ("reminders-sent.json", SentReminders.format),
        ("reenrolment-requests.json", ReenrolmentRequests.format),
    ]
}
