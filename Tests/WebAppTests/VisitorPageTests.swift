import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PARFixtures
import Testing

@testable import WebApp

/// What a visitor without a key meets: the published results and their history on the home page, one
/// unit over the years, the explorer searched by a unit's name, and error pages that say what to do.
@Suite struct VisitorPageTests {
    private func withServer(
        _ province: Province, _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let server = WebServer(scoring: province.scoring, host: "127.0.0.1", port: 0, logger: Logger(label: "test"))
        try await server.application().test(.live) { client in try await body(client) }
    }

    @Test func aVisitorsHomeShowsNothingBeforePublicationAndThePublishedCycleAfterIt() async throws {
        let province = try Province(departments: 2, districts: 0)
        try await withServer(province) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains("Chưa có kết quả nào được công bố."))
                #expect(html.contains("href=\"/dang-nhap\""))
            }
        }
        try province.publishCycle(date: "2020-05-29")
        try await withServer(province) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("href=\"/cycles/\(province.cycle)\""))
                #expect(html.contains("ngày 29/05/2020"))
                #expect(html.contains("<svg"))
                #expect(html.contains("href=\"/qua-cac-nam/d01\""))
            }
            try await client.execute(uri: "/qua-cac-nam/d01", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains("Sở số 1 qua các năm"))
                #expect(html.contains("2019"))
            }
        }
    }

    @Test func aUnitNeverPublishedHasNoPageOverTheYears() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            try await client.execute(uri: "/qua-cac-nam/d01", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("không có trong kết quả nào đã công bố"))
            }
        }
    }

    @Test func errorPagesSayInVietnameseWhatHappenedAndWhereToGo() async throws {
        let province = try Province(departments: 1, districts: 0)
        try await withServer(province) { client in
            try await client.execute(uri: "/khong-co-trang-nay", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .notFound)
                #expect(!html.contains("Not Found"))
                #expect(html.contains("Không có trang nào ở địa chỉ này."))
                #expect(html.contains("href=\"/qua-cac-nam\""))
            }
            try await client.execute(uri: "/van-phong", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .unauthorized)
                #expect(html.contains("href=\"/dang-nhap\""))
                #expect(html.contains("Hãy đăng nhập"))
            }
        }
    }

    @Test func theExplorerFindsAUnitByItsNameWithoutDiacritics() async throws {
        let province = try Province(departments: 2, districts: 0)
        try province.selfAssessFully("d01")
        try await withServer(province) { client in
            for typed in ["S%E1%BB%9F%20s%E1%BB%91%201", "so%20so%201", "d01"] {
                try await client.execute(uri: "/events?unit=\(typed)", method: .get) { response in
                    let html = String(buffer: response.body)
                    #expect(html.contains("<td>Sở số 1</td>"), "\(typed)")
                    #expect(!html.contains("<td>Sở số 2</td>"), "\(typed)")
                    #expect(html.contains("<option value=\"Sở số 2\">"))
                }
            }
        }
    }

    @Test func aTooManyRequestsPageSaysHowLongToWait() {
        let page = ErrorPage(
            WebError(
                status: .tooManyRequests, kind: "rate-limited", message: "too many", vi: "Quá nhiều", retryAfter: 90),
            signedIn: false, requestID: "r-1")
        #expect(page.advice == "Hãy chờ khoảng 2 phút rồi thử lại.")
        #expect(!page.login)
    }
}
