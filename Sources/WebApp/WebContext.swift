import Hummingbird
import NIOCore

/// The per-request context: the client's address (for every rate limit), whether it came over TLS,
/// and the session the request's cookie opened, if any.
struct WebContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The address of the connection's other end (a proxy, when one is in front), or nil.
    let peer: String?
    /// The client's IP address (the peer, or whom a trusted proxy names: `ForwardedClientMiddleware`),
    /// or "unknown".
    var client: String
    /// What every rate limit counts the client under (`IPAddress.rateLimitKey`: an IPv6 client by its /64).
    var rateKey: String { IPAddress(client)?.rateLimitKey ?? client }
    /// Whether the client reached a trusted proxy over https (`X-Forwarded-Proto`): cookies are then `Secure`.
    var overTLS = false
    /// The logged-in person, set by `SessionMiddleware`.
    var session: SessionStore.Session?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress
        client = peer ?? "unknown"
    }

    /// Documents up to 32 MiB; every other body is read with its own, smaller limit.
    var maxUploadSize: Int { WebLimits.document }
}

/// The largest bodies the server reads.
enum WebLimits {
    static let document = 32 << 20
    static let json = 4 << 20
}
