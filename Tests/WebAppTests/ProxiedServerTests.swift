import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PARFixtures
import Testing

@testable import WebApp

/// The server behind a proxy, through a real socket (the test client's peer is 127.0.0.1): the client
/// named by a trusted proxy is the one limited, a peer that is not trusted cannot rename itself, and
/// the session cookie is Secure when the proxy says the client came over https.
@Suite struct ProxiedServerTests {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    func withServer(
        _ province: Province, trusting proxies: [String], pages: Int = 1000,
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let network = NetworkPolicy(
            trustedProxies: try TrustedProxies(proxies),
            visitorLimits: VisitorLimits(pages: RequestRate(count: pages, seconds: 60), downloads: nil),
            idleTimeout: .seconds(30))
        let server = WebServer(
            scoring: province.scoring, host: "127.0.0.1", port: 0, logger: Logger(label: "test"), network: network)
        try await server.application().test(.live) { client in try await body(client) }
    }

    /// The statuses of the login page asked for once per `forwardedFor`, in order.
    func statuses(_ client: any TestClientProtocol, forwardedFor: [String]) async throws -> [HTTPResponse.Status] {
        var statuses: [HTTPResponse.Status] = []
        for hops in forwardedFor {
            statuses.append(
                try await client.execute(uri: "/dang-nhap", method: .get, headers: [Self.forwardedFor: hops]) {
                    $0.status
                })
        }
        return statuses
    }

    @Test func clientsNamedByATrustedProxyAreLimitedEachOnItsOwn() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province, trusting: ["127.0.0.1"], pages: 3) { client in
            let first = try await statuses(client, forwardedFor: Array(repeating: "198.51.100.1", count: 3))
            #expect(first == [.ok, .ok, .ok])
            try await client.execute(
                uri: "/dang-nhap", method: .get, headers: [Self.forwardedFor: "198.51.100.1"]
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
                #expect(String(buffer: response.body).contains("Có quá nhiều yêu cầu"))
            }
            // Another client is served; the left-most hop is the client's own writing, so a new one there
            // does not make a new client.
            let others = try await statuses(client, forwardedFor: ["198.51.100.2", "203.0.113.9, 198.51.100.1"])
            #expect(others == [.ok, .tooManyRequests])
            // The static files are not counted.
            try await client.execute(
                uri: "/static/app.js", method: .get, headers: [Self.forwardedFor: "198.51.100.1"]
            ) { #expect($0.status == .ok) }
        }
    }

    @Test func anIPv6ClientCannotEscapeItsLimitByChangingAddressWithinItsSlash64() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province, trusting: ["127.0.0.1"], pages: 2) { client in
            let named = try await statuses(
                client, forwardedFor: ["2001:db8:0:1::1", "2001:db8:0:1::2", "2001:db8:0:1::3", "2001:db8:0:2::1"])
            #expect(named == [.ok, .ok, .tooManyRequests, .ok])
        }
    }

    @Test func aPeerThatIsNotTrustedCannotEscapeItsLimitByNamingAnotherClient() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province, trusting: ["10.0.0.0/8"], pages: 2) { client in
            let named = try await statuses(client, forwardedFor: ["198.51.100.1", "198.51.100.2", "198.51.100.3"])
            #expect(named == [.ok, .ok, .tooManyRequests])
        }
    }

    @Test func theSessionCookieIsSecureOnlyWhenATrustedProxySaysHttps() async throws {
        let province = try Province(departments: 1, districts: 0)
        let web = WebAppTests()
        for (proxies, proto, secure) in [
            (["127.0.0.1"], "https", true), (["127.0.0.1"], "http", false), (["::1"], "https", false),
        ] {
            try await withServer(province, trusting: proxies) { client in
                let body = try await web.signedChallenge(
                    client, province, key: try #require(province.keys["so-noi-vu"]))
                try await client.execute(
                    uri: "/api/session", method: .post, headers: [Self.forwardedProto: proto], body: body
                ) { response in
                    #expect(response.status == .ok)
                    let cookie = try #require(response.headers[.setCookie])
                    #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
                    #expect(cookie.contains("; Secure") == secure, "\(proxies) \(proto): \(cookie)")
                }
            }
        }
    }
}
