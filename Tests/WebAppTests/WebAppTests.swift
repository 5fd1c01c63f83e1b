import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import LedgerFormat
import Logging
import NIOCore
import PARCore
import PARFixtures
import PARIndex
import TestSupport
import Testing

@testable import WebApp

/// The web front end over a real ledger, through a real HTTP server on a free port: logging in with a
/// signed challenge, the session cookie and CSRF token, commands prepared by the server and signed by
/// the person's key, refusals mapped to statuses with Vietnamese titles and nothing appended, and the
/// headers that keep pages from running injected script.
@Suite struct WebAppTests {
    /// A live server over `province`'s ledger.
    func withServer(
        _ province: Province, _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let server = WebServer(scoring: province.scoring, host: "127.0.0.1", port: 0, logger: Logger(label: "test"))
        try await server.application().test(.live) { client in try await body(client) }
    }

    /// The body of a login with `key`: a fresh challenge, signed.
    func signedChallenge(_ client: any TestClientProtocol, _ province: Province, key: SigningKey) async throws
        -> ByteBuffer
    {
        let challenge = try await client.execute(uri: "/api/session/challenge", method: .post) { try json($0) }
        let text = try #require(challenge["challenge"]?.stringValue)
        let signature = key.signature(for: API.loginMessage(ledgerID: province.scoring.ledger.id, challenge: text))
        return buffer(
            .object([
                "publicKey": .string(key.publicKey.base64), "challenge": .string(text),
                "signature": .string(Data(signature).base64EncodedString()),
            ]))
    }

    /// Logs in with `key`; returns the cookie and CSRF headers of the session.
    func logIn(_ client: any TestClientProtocol, _ province: Province, as actor: String) async throws
        -> HTTPFields
    {
        let body = try await signedChallenge(client, province, key: try #require(province.keys[actor]))
        return try await client.execute(uri: "/api/session", method: .post, body: body) { response in
            #expect(response.status == .ok)
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let session = try #require(cookie.split(separator: ";").first.map(String.init))
            let csrf = try #require(try json(response)["csrf"]?.stringValue)
            return [.cookie: session, HTTPField.Name("X-CSRF-Token")!: csrf]
        }
    }

    /// Prepares `intent`, signs the document with `actor`'s key and submits it.
    func command(
        _ client: any TestClientProtocol, _ province: Province, as actor: String, headers: HTTPFields,
        _ intent: JSONValue, alter: (String) -> String = { $0 }
    ) async throws -> TestResponse {
        let prepared = try await client.execute(
            uri: "/api/commands/prepare", method: .post, headers: headers, body: buffer(intent)
        ) { response in
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            return try json(response)
        }
        let document = try #require(prepared["document"]?.stringValue)
        let signature = try #require(province.keys[actor]).signature(for: Array(document.utf8))
        let body: JSONValue = .object([
            "document": .string(alter(document)), "signature": .string(Data(signature).base64EncodedString()),
        ])
        return try await client.execute(uri: "/api/commands", method: .post, headers: headers, body: buffer(body))
    }

    @Test func aChallengeSignedByAnEnrolledKeyOpensAnHttpOnlyStrictSession() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            let headers = try await logIn(client, province, as: "so-noi-vu")
            try await client.execute(uri: "/api/session", method: .get, headers: headers) { response in
                let actor = try json(response)["actor"]?.stringValue
                #expect(response.status == .ok)
                #expect(actor == "so-noi-vu")
            }
        }
    }

    @Test func aLoginByAnUnknownKeyOrWithAUsedChallengeIsRefused() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            let challenge = try await client.execute(uri: "/api/session/challenge", method: .post) { try json($0) }
            let text = try #require(challenge["challenge"]?.stringValue)
            let stranger = SigningKey()
            func attempt(_ key: SigningKey) -> JSONValue {
                .object([
                    "publicKey": .string(key.publicKey.base64), "challenge": .string(text),
                    "signature": .string(
                        Data(
                            key.signature(for: API.loginMessage(ledgerID: province.scoring.ledger.id, challenge: text))
                        )
                        .base64EncodedString()),
                ])
            }
            try await client.execute(uri: "/api/session", method: .post, body: buffer(attempt(stranger))) {
                #expect($0.status == .unauthorized)
                #expect($0.headers[.setCookie] == nil)
            }
            // The challenge was spent by the failed attempt: even the right key cannot reuse it.
            let secretariat = try #require(province.keys["so-noi-vu"])
            try await client.execute(uri: "/api/session", method: .post, body: buffer(attempt(secretariat))) {
                #expect($0.status == .unauthorized)
            }
        }
    }

    @Test func repeatedFailedLoginsMustWaitBeforeTryingAgain() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            let wrong: JSONValue = .object([
                "publicKey": .string(SigningKey().publicKey.base64), "challenge": .string("nope"),
                "signature": .string(Data(count: 64).base64EncodedString()),
            ])
            for _ in 0..<SessionStore.failureLimit {
                try await client.execute(uri: "/api/session", method: .post, body: buffer(wrong)) {
                    #expect($0.status == .unauthorized)
                }
            }
            try await client.execute(uri: "/api/session", method: .post, body: buffer(wrong)) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
                let kind = try json(response)["error"]?["kind"]?.stringValue
                #expect(kind == "rate-limited")
            }
        }
    }

    @Test func aCommandSignedWithThePersonsKeyIsAppendedWithItsReceipt() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            let officer = province.officer("d01")
            let headers = try await logIn(client, province, as: officer)
            let before = try province.scoring.ledger.head().count
            let intent: JSONValue = .object([
                "operation": .string("self-assessment"), "cycle": .string(province.cycle), "unit": .string("d01"),
                "rows": .array([
                    .object([
                        "criterion": .string("1.1.1"), "points": .string("0,5"),
                        "explanation": .string("Kế hoạch CCHC ban hành đúng hạn"),
                    ])
                ]),
            ])
            let response = try await command(client, province, as: officer, headers: headers, intent)
            #expect(response.status == .created, "\(String(buffer: response.body))")
            let answer = try json(response)
            #expect(answer["events"]?.arrayValue?.count == 1)
            #expect(answer["receipt"]?["format"]?.stringValue == Receipt.format)
            #expect(try province.scoring.ledger.head().count == before + 1)
            let score = try province.scoring.scores(cycle: province.cycle, unit: "d01").first { $0.0.code == "1.1.1" }
            #expect(score?.1.selfScore?.points == "0.5")
            #expect(score?.1.selfScore?.actor == officer)
        }
    }

    @Test func aDocumentAlteredAfterSigningOrNotCanonicalIsRefusedAndAppendsNothing() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            let officer = province.officer("d01")
            let headers = try await logIn(client, province, as: officer)
            let before = try province.scoring.ledger.head()
            let intent: JSONValue = .object([
                "operation": .string("self-assessment"), "cycle": .string(province.cycle), "unit": .string("d01"),
                "rows": .array([
                    .object(["criterion": .string("1.1.1"), "points": .string("0.5"), "explanation": .string("Đủ")])
                ]),
            ])
            let altered = try await command(client, province, as: officer, headers: headers, intent) {
                $0.replacingOccurrences(of: #""points":"0.5""#, with: #""points":"1""#)
            }
            #expect(altered.status == .badRequest || altered.status == .forbidden)
            let spaced = try await command(client, province, as: officer, headers: headers, intent) {
                $0.replacingOccurrences(of: #"{"actor""#, with: #"{ "actor""#)
            }
            #expect(spaced.status == .badRequest)
            #expect(try json(spaced)["error"]?["message"]?.stringValue?.contains("canonical") == true)
            #expect(try province.scoring.ledger.head() == before)
        }
    }

    @Test func aStateChangingRequestWithoutTheSessionsCSRFTokenIsRefused() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            var headers = try await logIn(client, province, as: "so-noi-vu")
            headers[HTTPField.Name("X-CSRF-Token")!] = "0"
            let intent: JSONValue = .object(["operation": .string("close-appraisal"), "cycle": .string(province.cycle)])
            try await client.execute(
                uri: "/api/commands/prepare", method: .post, headers: headers, body: buffer(intent)
            ) { response in
                #expect(response.status == .forbidden)
                let kind = try json(response)["error"]?["kind"]?.stringValue
                #expect(kind == "csrf")
            }
        }
    }

    @Test func aMemberAppraisingOutsideTheirFieldsIsRefusedBeforeSigningInVietnameseAndAppendsNothing() async throws {
        let province = try Province(departments: 1, districts: 0)
        try province.selfAssessFully("d01")
        try await withServer(province) { client in
            let headers = try await logIn(client, province, as: "thanh-vien")
            let before = try province.scoring.ledger.head()
            let intent: JSONValue = .object([
                "operation": .string("appraise"), "cycle": .string(province.cycle), "unit": .string("d01"),
                "criterion": .string("2.1.1"), "points": .string("0"), "reason": .string("Thiếu tài liệu"),
            ])
            // The rules judge the command when it is prepared: no document is given to sign.
            let response = try await client.execute(
                uri: "/api/commands/prepare", method: .post, headers: headers, body: buffer(intent))
            #expect(response.status == .forbidden)
            #expect(try json(response)["document"] == nil)
            let error = try json(response)["error"]
            #expect(error?["kind"]?.stringValue == "forbidden")
            #expect(error?["title"]?.stringValue == "Không được phép")
            #expect(error?["message"]?.stringValue?.contains("not field 2") == true)
            #expect(try province.scoring.ledger.head() == before)
        }
    }

    @Test func theServedPathsAndMethodsAreThoseOfTheOpenAPIDescription() throws {
        let text = try String(contentsOfFile: Repository.file("schemas/openapi.yaml"), encoding: .utf8)
        var described: [String: Set<String>] = [:]
        var path: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast()).replacing(#/\{[^}]+\}/#, with: "*")
            } else if let path, let method = line.wholeMatch(of: #/    (get|post|put|patch|delete):/#)?.1 {
                described[path, default: []].insert(method.uppercased())
            }
        }
        let served = Dictionary(
            uniqueKeysWithValues: (AllowedMethods.api + AllowedMethods.operations).map {
                ($0.path, Set($0.methods.map(\.rawValue)))
            })
        #expect(described == served)
    }

    @Test func aMethodAPathDoesNotTakeGets405WithWhatItTakes() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            try await client.execute(uri: "/api/ledger", method: .put) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET, HEAD")
            }
            try await client.execute(uri: "/api/ledger", method: .head) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/commands", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
        }
    }

    @Test func everyResponseCarriesAPolicyThatAllowsNoInlineScript() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            for uri in ["/", "/dang-nhap", "/api/ledger", "/khong-co", "/api/cycles", "/static/app.js"] {
                try await client.execute(uri: uri, method: .get) { response in
                    let policy = response.headers[.contentSecurityPolicy] ?? ""
                    #expect(policy.contains("script-src 'self'"), "\(uri)")
                    #expect(!policy.contains("unsafe-inline"), "\(uri)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(uri)")
                }
            }
        }
    }

    @Test func beforePublicationAUnitsOfficerReadsOnlyTheirUnitsResultsInTheAPIAndThePage() async throws {
        let province = try Province(departments: 2, districts: 0)
        try province.selfAssessFully("d01")
        try await withServer(province) { client in
            let officer = try await logIn(client, province, as: province.officer("d02"))
            let ranking = try await client.execute(
                uri: "/api/cycles/\(province.cycle)/ranking", method: .get, headers: officer
            ) { try json($0) }
            #expect(ranking["units"]?.arrayValue?.compactMap { $0["unit"]?.stringValue } == ["d02"])
            #expect(ranking["units"]?.arrayValue?.first?["selfAssessed"] == .bool(false))
            try await client.execute(
                uri: "/api/cycles/\(province.cycle)/units/d01", method: .get, headers: officer
            ) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/ket-qua/\(province.cycle)", method: .get, headers: officer) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Sở số 2") && !html.contains("Sở số 1"))
                #expect(html.contains("Chưa nộp tự đánh giá"))
            }
            let chair = try await logIn(client, province, as: "hoi-dong")
            let all = try await client.execute(
                uri: "/api/cycles/\(province.cycle)/ranking", method: .get, headers: chair
            ) { try json($0) }
            #expect(all["units"]?.arrayValue?.count == 2)
        }
    }

    @Test func pagesEscapeWhatPeopleWroteAndRefuseOtherRoles() async throws {
        let province = try Province(departments: 1, districts: 0)
        try province.selfAssessFully("d01")
        try province.issue(
            by: "hoi-dong", [province.appraise("d01", "1.2", "0", reason: "<img src=x onerror=alert(1)> \"thiếu\"")])
        try await withServer(province) { client in
            let chair = try await logIn(client, province, as: "hoi-dong")
            try await client.execute(uri: "/hoi-dong/\(province.cycle)/d01", method: .get, headers: chair) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(!html.contains("<img src=x"))
                #expect(html.contains("&lt;img src=x onerror=alert(1)&gt; &quot;thiếu&quot;"))
            }
            let headers = try await logIn(client, province, as: province.officer("d01"))
            try await client.execute(uri: "/van-phong", method: .get, headers: headers) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("Không được phép"))
            }
        }
    }
}

func buffer(_ value: JSONValue) -> ByteBuffer {
    ByteBuffer(bytes: CanonicalJSON.encode(value))
}

func json(_ response: TestResponse) throws -> JSONValue {
    try JSONParser.parse(Array(response.body.readableBytesView))
}
