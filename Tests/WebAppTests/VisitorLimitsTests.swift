import Foundation
import Testing

@testable import WebApp

/// The anonymous visitors' limits: a burst up to the rate's count, then one request per share of its
/// period, each client on its own, and the downloads told from the pages.
@Suite struct VisitorLimitsTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aClientMayBurstUpToTheCountThenWaitsForTheNextToken() async {
        // 2 tokens refilled over 64 s: one every 32 s (figures exact in binary).
        let limiter = ClientRateLimiter(rate: RequestRate(count: 2, seconds: 64))
        for _ in 0..<2 { #expect(await limiter.admit("198.51.100.1", now: start) == nil) }
        #expect(await limiter.admit("198.51.100.1", now: start) == 32)
        #expect(await limiter.admit("198.51.100.1", now: start.addingTimeInterval(16)) == 16)
        #expect(await limiter.admit("198.51.100.1", now: start.addingTimeInterval(32)) == nil)
        #expect(await limiter.admit("198.51.100.1", now: start.addingTimeInterval(33)) == 31)
    }

    @Test func eachClientHasItsOwnAllowance() async {
        let limiter = ClientRateLimiter(rate: RequestRate(count: 2, seconds: 60))
        for _ in 0..<2 { #expect(await limiter.admit("198.51.100.1", now: start) == nil) }
        #expect(await limiter.admit("198.51.100.1", now: start) != nil)
        #expect(await limiter.admit("198.51.100.2", now: start) == nil)
    }

    @Test func aLongPauseRefillsNoMoreThanTheCount() async {
        let limiter = ClientRateLimiter(rate: RequestRate(count: 2, seconds: 60))
        #expect(await limiter.admit("c", now: start) == nil)
        let later = start.addingTimeInterval(86_400)
        for _ in 0..<2 { #expect(await limiter.admit("c", now: later) == nil) }
        #expect(await limiter.admit("c", now: later) != nil)
    }

    @Test func fullBucketsAreForgottenOnceManyClientsAreKnown() async {
        let limiter = ClientRateLimiter(rate: RequestRate(count: 5, seconds: 60))
        for index in 0..<ClientRateLimiter.sweepAt { _ = await limiter.admit("client-\(index)", now: start) }
        #expect(await limiter.clients == ClientRateLimiter.sweepAt)
        _ = await limiter.admit("late", now: start.addingTimeInterval(61))
        #expect(await limiter.clients == 1)
    }

    @Test func downloadsAreToldFromPages() {
        for path in [
            "/cycles/2025/bundle", "/cycles/2025/annex.xlsx", "/cycles/2025/units/so-tu-phap/council-report.xlsx",
            "/api/evidence/ab12",
        ] {
            #expect(VisitorLimits.isDownload(path), "\(path)")
        }
        for path in ["/cycles/2025", "/events/3", "/qua-cac-nam", "/cycles/2025/annex", "/api/explorer/events/1"] {
            #expect(!VisitorLimits.isDownload(path), "\(path)")
        }
    }
}
