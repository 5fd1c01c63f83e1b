import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerFormat
import NIOCore
import PARFixtures
import TestSupport
import Testing

@testable import WebApp

/// A lost key: a person not logged in asks for a new one (kept beside the ledger, not in it, and
/// rate-limited); the secretariat sees the request and approves it by signing the revocation of the
/// old key and the new key in one command; the new key logs in, the old one no longer does.
extension WebAppTests {
    /// The status of a login with `key` on a fresh challenge.
    private func loginStatus(_ client: any TestClientProtocol, _ province: Province, _ key: SigningKey) async throws
        -> HTTPResponse.Status
    {
        let body = try await signedChallenge(client, province, key: key)
        return try await client.execute(uri: "/api/session", method: .post, body: body) { $0.status }
    }

    private func ask(_ actor: String, key: SigningKey) -> ByteBuffer {
        buffer(
            .object([
                "actor": .string(actor), "name": .string("Trần Văn Bình"),
                "note": .string("Máy tính hỏng, mất tệp khoá"),
                "publicKey": .string(key.publicKey.base64),
            ]))
    }

    @Test func aLostKeyIsReplacedOnlyWhenTheSecretariatSignsAndTheOldOneNoLongerLogsIn() async throws {
        let province = try Province(departments: 1, districts: 0)
        let newKey = SigningKey()
        let before = try province.scoring.ledger.head()
        try await withServer(province) { client in
            try await client.execute(uri: "/api/reenrolment", method: .post, body: ask("nobody", key: newKey)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/api/reenrolment", method: .post, body: ask("thanh-vien", key: newKey)) {
                #expect($0.status == .accepted)
            }
            #expect(try province.scoring.ledger.head() == before)
            let officer = try await logIn(client, province, as: province.officer("d01"))
            try await client.execute(uri: "/api/reenrolment", method: .get, headers: officer) {
                #expect($0.status == .forbidden)
            }
            let secretariat = try await logIn(client, province, as: "so-noi-vu")
            let waiting = try await client.execute(uri: "/api/reenrolment", method: .get, headers: secretariat) {
                try json($0)
            }
            guard case .array(let requests) = waiting else { throw StoppedTest("not a list") }
            #expect(requests.map { $0["actor"] } == [.string("thanh-vien")])
            let approve: JSONValue = .object([
                "operation": .string("replace-lost-key"), "actor": .string("thanh-vien"),
                "publicKey": .string(newKey.publicKey.base64), "reason": .string("Mất khoá: máy tính hỏng"),
            ])
            let appended = try await command(client, province, as: "so-noi-vu", headers: secretariat, approve)
            #expect(appended.status == .created)
            let old = try #require(province.keys["thanh-vien"])
            #expect(try await loginStatus(client, province, old) == .unauthorized)
            #expect(try await loginStatus(client, province, newKey) == .ok)
            let after = try await client.execute(uri: "/api/reenrolment", method: .get, headers: secretariat) {
                try json($0)
            }
            #expect(after == .array([]))
        }
    }

    @Test func requestsSurviveARestartAndAClientAskingTooOftenMustWait() async throws {
        let directory = try TemporaryDirectory()
        let path = (directory.path as NSString).appendingPathComponent("web/reenrolment-requests.json")
        let store = try ReenrolmentRequests(path: path)
        func request(_ actor: String) -> ReenrolmentRequests.Request {
            .init(id: actor, actor: actor, name: "Tên", publicKey: "k", note: "", at: "2020-01-05T02:00:00Z")
        }
        for actor in ["a", "b", "c"] { #expect(try await store.add(request(actor), from: "10.0.0.1") == nil) }
        #expect(try await store.add(request("d"), from: "10.0.0.1") != nil)
        #expect(try await store.add(request("d"), from: "10.0.0.2") == nil)
        let restarted = try ReenrolmentRequests(path: path)
        #expect(await restarted.pending.map(\.actor) == ["a", "b", "c", "d"])
    }
}
