import Hummingbird
import NIOCore

/// The per-request context: the client's address (for the login rate limit) and the session the
/// request's cookie opened, if any.
struct WebContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The client's IP address, or "unknown".
    let client: String
    /// The logged-in person, set by `SessionMiddleware`.
    var session: SessionStore.Session?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Documents up to 32 MiB; every other body is read with its own, smaller limit.
    var maxUploadSize: Int { WebLimits.document }
}

/// The largest bodies the server reads.
enum WebLimits {
    static let document = 32 << 20
    static let json = 4 << 20
}
