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

/// What the IT office watches: `/healthz` and `/readyz`, `/metrics` in Prometheus's format (requests by
/// route pattern and status class, commands appended and refused by kind), and the request id that a
/// response, an error body and an error page carry.
@Suite struct ObservabilityTests {
    /// The process's metrics backend, bootstrapped once for every test of the process (swift-metrics
    /// allows one bootstrap).
    static let registry = MetricsRegistry.bootstrap()

    func withServer(
        _ province: Province, metrics access: MetricsAccess = .loopback,
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let server = WebServer(
            scoring: province.scoring, host: "127.0.0.1", port: 0, logger: Logger(label: "test"),
            metrics: (Self.registry, access))
        try await server.application().test(.live) { client in try await body(client) }
    }

    func vitals(events: UInt64 = 10, used: Int = 1 << 20, state: UInt64 = 10) -> LedgerVitals {
        LedgerVitals(
            events: events, storage: StorageUse(usedBytes: used, mapSize: 64 << 20, maximumMapSize: 1 << 30),
            stateSequence: state, newestSnapshot: nil)
    }

    @Test func aLedgerThatCanBeReadAndWrittenAtItsHeadIsReady() {
        let disk = DiskSpace(freeBytes: 10 << 30, readOnly: false)
        #expect(Readiness.problems(vitals(), disk: disk, readOnly: false).isEmpty)
    }

    @Test func eachReasonNotToTakeTrafficIsSaid() {
        let disk = DiskSpace(freeBytes: 10 << 30, readOnly: false)
        let full = Readiness.problems(vitals(used: 1 << 30 - 1 << 20), disk: disk, readOnly: false)
        #expect(full == ["the ledger fills 99% of the largest map LMDB may grow to"])
        let behind = Readiness.problems(vitals(events: 12, state: 10), disk: disk, readOnly: false)
        #expect(behind == ["the scoring state is at event 10, behind the ledger's head (12)"])
        let readOnlyDisk = DiskSpace(freeBytes: 10 << 20, readOnly: true)
        #expect(
            Readiness.problems(vitals(), disk: readOnlyDisk, readOnly: true) == [
                "the ledger is open read-only", "the file system holding the ledger is read-only",
                "only 10 MiB free on the disk holding the ledger",
            ])
    }

    @Test func healthAndReadinessAnswerWithoutALogin() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok\n")
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ready\n")
            }
        }
    }

    @Test func onlyAShortPlainRequestIdIsTakenFromTheCaller() {
        #expect(RequestLog.acceptable("3f2a9c0e-ab12.x_y"))
        #expect(!RequestLog.acceptable(""))
        #expect(!RequestLog.acceptable(String(repeating: "a", count: 65)))
        #expect(!RequestLog.acceptable("a b"))
        #expect(!RequestLog.acceptable("id\nforged=1"))
    }

    @Test func theRequestIdComesBackInTheHeaderTheErrorBodyAndTheErrorPage() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            let given: HTTPFields = [RequestLog.header: "ticket-42"]
            try await client.execute(uri: "/api/cycles/none", method: .get, headers: given) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[RequestLog.header] == "ticket-42")
                let requestID = try json(response)["error"]?["requestId"]?.stringValue
                #expect(requestID == "ticket-42")
            }
            let unsafe: HTTPFields = [RequestLog.header: "a b"]
            try await client.execute(uri: "/khong-co", method: .get, headers: unsafe) { response in
                let id = try #require(response.headers[RequestLog.header])
                #expect(id != "a b" && RequestLog.acceptable(id))
                #expect(String(buffer: response.body).contains("<code>\(id)</code>"))
            }
        }
    }

    @Test func metricsShowRequestsByRoutePatternAndRefusedCommandsByKind() async throws {
        let province = try Province(departments: 1, districts: 0)
        try province.selfAssessFully("d01")
        try await withServer(province) { client in
            let headers = try await WebAppTests().logIn(client, province, as: "thanh-vien")
            try await client.execute(uri: "/api/cycles/\(province.cycle)", method: .get, headers: headers) {
                #expect($0.status == .ok)
            }
            let outside: JSONValue = .object([
                "operation": .string("appraise"), "cycle": .string(province.cycle), "unit": .string("d01"),
                "criterion": .string("2.1.1"), "points": .string("0"), "reason": .string("Thiếu tài liệu"),
            ])
            try await client.execute(
                uri: "/api/commands/prepare", method: .post, headers: headers, body: buffer(outside)
            ) { #expect($0.status == .forbidden) }
            let events = try province.scoring.ledger.head().count
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                let request = text.split(separator: "\n").first {
                    $0.hasPrefix("http_server_request_duration_bucket")
                        && $0.contains(#"http_route="/api/cycles/{cycle}""#)
                        && $0.contains(#"http_response_status_code="2xx""#)
                }
                #expect(request != nil, "\(text)")
                let refused = text.split(separator: "\n").first {
                    $0.hasPrefix("parledger_commands_refused_total{") && $0.contains(#"kind="forbidden""#)
                        && $0.contains(#"stage="prepare""#)
                }
                #expect(refused != nil, "\(text)")
                #expect(text.contains("parledger_ledger_events \(events)"))
                #expect(text.contains("parledger_ledger_storage_used_bytes "))
            }
        }
    }

    @Test func metricsAreRefusedThroughAProxyAndAbsentWhenOff() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            let proxied: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "203.0.113.9"]
            try await client.execute(uri: "/metrics", method: .get, headers: proxied) { response in
                #expect(response.status == .forbidden)
            }
        }
        try await withServer(province, metrics: .off) { client in
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .notFound) }
        }
    }
}
