import Foundation
import Hummingbird

/// How often one client may ask: `count` requests per `seconds`, in bursts of up to `count`.
public struct RequestRate: Sendable, Equatable {
    public let count: Int
    public let seconds: Int

    public init(count: Int, seconds: Int) {
        self.count = count
        self.seconds = seconds
    }
}

/// What anonymous visitors may ask of the server per client (the real one, `WebContext.client`):
/// pages and their API (the history, the explorer, the public page) and downloads (the certified
/// bundle, the decision's .xlsx documents, evidence), which cost the server far more than they cost a
/// script. A visitor clicking around never meets these; a script hammering the server does, and is
/// answered 429 with `Retry-After`. Signed-in people and the static files are not counted.
public struct VisitorLimits: Sendable {
    /// nil: no limit.
    public var pages: RequestRate?
    public var downloads: RequestRate?

    /// 300 requests a minute and 60 downloads an hour per client.
    public static let standard = VisitorLimits(
        pages: RequestRate(count: 300, seconds: 60), downloads: RequestRate(count: 60, seconds: 3600))

    public init(pages: RequestRate?, downloads: RequestRate?) {
        self.pages = pages
        self.downloads = downloads
    }

    /// Whether `path` is a download (`downloads` counts it, besides `pages`).
    static func isDownload(_ path: String) -> Bool {
        let segments = path.split(separator: "/")
        return path.hasSuffix(".xlsx") || path.hasPrefix("/api/evidence/")
            || (segments.count == 3 && segments[0] == "cycles" && segments[2] == "bundle")
    }
}

/// One client's allowance: `rate.count` tokens at most, refilled evenly over `rate.seconds`; each
/// request takes one. Counted exactly, in integers: a token is `rate.seconds × 1000` units, and each
/// millisecond refills `rate.count` units.
struct TokenBucket: Sendable {
    var units: Int
    var updated: Date

    init(rate: RequestRate, now: Date) {
        units = Self.capacity(rate)
        updated = now
    }

    private static func unitsPerToken(_ rate: RequestRate) -> Int { rate.seconds * 1000 }
    private static func capacity(_ rate: RequestRate) -> Int { rate.count * unitsPerToken(rate) }

    /// Takes a token: nil when there was one, else the whole seconds until there is.
    mutating func take(_ rate: RequestRate, now: Date) -> Int? {
        let elapsed = Int(max(0, now.timeIntervalSince(updated) * 1000))
        units = min(Self.capacity(rate), units + elapsed * rate.count)
        updated = now
        let token = Self.unitsPerToken(rate)
        guard units < token else {
            units -= token
            return nil
        }
        let milliseconds = (token - units + rate.count - 1) / rate.count
        return max(1, (milliseconds + 999) / 1000)
    }

    /// Whether the bucket has refilled completely by `now`, so that forgetting it changes nothing.
    func isFull(_ rate: RequestRate, now: Date) -> Bool {
        now.timeIntervalSince(updated) >= TimeInterval(rate.seconds)
    }
}

/// The buckets of every client for one `RequestRate`. Full buckets are forgotten once many clients
/// are known, so that a crowd of addresses cannot grow the server's memory for long.
actor ClientRateLimiter {
    let rate: RequestRate
    private var buckets: [String: TokenBucket] = [:]
    /// How many clients are remembered before the full buckets are swept out.
    static let sweepAt = 10_000

    init(rate: RequestRate) { self.rate = rate }

    /// nil when `client` may go on; else the seconds it must wait (nothing is taken then).
    func admit(_ client: String, now: Date = Date()) -> Int? {
        if buckets.count >= Self.sweepAt { buckets = buckets.filter { !$0.value.isFull(rate, now: now) } }
        var bucket = buckets[client] ?? TokenBucket(rate: rate, now: now)
        let wait = bucket.take(rate, now: now)
        buckets[client] = bucket
        return wait
    }

    var clients: Int { buckets.count }
}

/// Answers 429 with `Retry-After` to an anonymous client over its `VisitorLimits`.
struct VisitorRateLimit: RouterMiddleware {
    typealias Context = WebContext
    let pages: ClientRateLimiter?
    let downloads: ClientRateLimiter?

    init(_ limits: VisitorLimits) {
        pages = limits.pages.map(ClientRateLimiter.init)
        downloads = limits.downloads.map(ClientRateLimiter.init)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let path = request.uri.path
        if context.session == nil && !path.hasPrefix("/static/") {
            if let wait = await pages?.admit(context.rateKey) {
                throw Self.refusal(wait, message: "too many requests from \(context.client)")
            }
            if VisitorLimits.isDownload(path), let wait = await downloads?.admit(context.rateKey) {
                throw Self.refusal(wait, message: "too many downloads from \(context.client)")
            }
        }
        return try await next(request, context)
    }

    static func refusal(_ wait: Int, message: String) -> WebError {
        WebError(
            status: .tooManyRequests, kind: "rate-limited", message: "\(message); retry in \(wait) s",
            vi: "Có quá nhiều yêu cầu từ máy của bạn trong thời gian ngắn; hãy thử lại sau \(wait) giây.",
            retryAfter: wait)
    }
}
