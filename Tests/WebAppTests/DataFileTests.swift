import Foundation
import TestSupport
import Testing

@testable import WebApp

/// The server's data files keep across upgrades: a file written before formats were is still read,
/// is written back with its format, and a file of another format is refused untouched, naming both.
@Suite struct DataFileTests {
    @Test func settingsOfThePreviousReleaseAreReadAndWrittenBackWithTheirFormat() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/reminders.json"
        try FileManager.default.copyItem(
            atPath: Repository.file("Tests/Fixtures/ledger-2026-12/web/reminders.json"), toPath: path)
        let settings = try ReminderSettings.load(path)
        #expect(settings.daysBefore == 5 && settings.smtp.port == 2525)
        #expect(settings.addresses["can-bo-stc"] == "can-bo-stc@stc.dienbien.gov.vn")
        try settings.save(path)
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written.contains("\"format\" : \"\(ReminderSettings.format)\""))
        #expect(try ReminderSettings.load(path) == settings)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aFileOfAnotherFormatIsRefusedNamingBothAndLeftAsItIs() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/reenrolment-requests.json"
        let newer = #"{"content": [], "format": "parledger-reenrolment-requests/2"}"#
        try newer.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            _ = try ReenrolmentRequests(path: path)
        } throws: { error in
            guard let refusal = error as? DataFile<[ReenrolmentRequests.Request]>.OtherFormat else { return false }
            return refusal.found == "parledger-reenrolment-requests/2" && refusal.readable == ReenrolmentRequests.format
                && refusal.vietnamese.contains("phiên bản")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == newer)
    }
}
