import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LedgerFormat
import PARFixtures
import Testing

@testable import WebApp

/// The reminders' settings: only the secretariat saves them, in a file beside the ledger (mode 0600)
/// and never in it; a bad address or port is refused in Vietnamese and nothing is saved; the page names
/// the unit officers and never shows the password back.
extension WebAppTests {
    private func settings(
        _ officer: String, address: String, port: Int = 2525, password: String = "bi-mat"
    ) -> ByteBuffer {
        buffer(
            .object([
                "host": .string("127.0.0.1"), "port": .integer(Int64(port)), "user": .string("vp"),
                "password": .string(password), "sender": .string("vanphong@snv.example.gov.vn"),
                "daysBefore": .integer(3), "addresses": .object([officer: .string(address)]),
            ]))
    }

    @Test func onlyTheSecretariatSavesTheRemindersSettingsAndBadOnesAreRefusedInVietnamese() async throws {
        let province = try Province(departments: 1, districts: 0)
        let path = ReminderSettings.path(beside: province.scoring.ledger)
        let officerID = province.officer("d01")
        try await withServer(province) { client in
            let secretariat = try await logIn(client, province, as: "so-noi-vu")
            let officer = try await logIn(client, province, as: officerID)
            let uri = "/api/reminder-settings"
            try await client.execute(
                uri: uri, method: .put, headers: officer, body: settings(officerID, address: "a@b.vn")
            ) {
                #expect($0.status == .forbidden)
            }
            for (body, words) in [
                (settings(officerID, address: "khong-phai-dia-chi"), "không hợp lệ"),
                (settings(officerID, address: "a@b.vn", port: 70000), "Cổng máy chủ thư"),
            ] {
                let (status, text) = try await client.execute(uri: uri, method: .put, headers: secretariat, body: body)
                {
                    ($0.status, String(buffer: $0.body))
                }
                #expect(status == .badRequest && text.contains(words), "\(text)")
            }
            #expect(!FileManager.default.fileExists(atPath: path))
            try await client.execute(
                uri: uri, method: .put, headers: secretariat, body: settings(officerID, address: "a@b.vn")
            ) {
                #expect($0.status == .noContent)
            }
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            try await client.execute(
                uri: uri, method: .put, headers: secretariat, body: settings(officerID, address: "c@d.vn", password: "")
            ) {
                #expect($0.status == .noContent)
            }
            let saved = try ReminderSettings.load(path)
            #expect(saved.smtp.password == "bi-mat" && saved.addresses == [officerID: "c@d.vn"])
            let name = try #require(try province.scoring.ledger.actor(officerID)).name
            let (status, html) = try await client.execute(
                uri: "/van-phong/thu-nhac-viec", method: .get, headers: secretariat
            ) { ($0.status, String(buffer: $0.body)) }
            #expect(status == .ok && html.contains("c@d.vn") && !html.contains("bi-mat") && html.contains(name))
        }
    }
}
