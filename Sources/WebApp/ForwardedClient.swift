import Foundation
import HTTPTypes
import Hummingbird

/// The proxies (nginx in front, README "Operations") whose `X-Forwarded-For` and `X-Forwarded-Proto`
/// the server believes. Behind a proxy every request comes from the proxy's address: without this,
/// every visitor would share one rate limit, and the server could not tell that the visitor came over TLS.
public struct TrustedProxies: Sendable {
    public let ranges: [AddressRange]

    /// Trusts no one: the peer of each connection is the client, and forwarding headers are ignored.
    public static let none = TrustedProxies(ranges: [])

    public init(ranges: [AddressRange]) { self.ranges = ranges }

    /// The ranges written as `127.0.0.1`, `::1`, `10.0.0.0/8`, …
    public init(_ texts: [String]) throws(AddressRangeError) {
        var ranges: [AddressRange] = []
        for text in texts { ranges.append(try AddressRange(text)) }
        self.ranges = ranges
    }

    public func trusts(_ address: IPAddress) -> Bool { ranges.contains { $0.contains(address) } }

    /// Who sent the request and whether it came over TLS. When the peer is not a trusted proxy, the peer
    /// is the client and the headers are ignored (anyone can write them). From a trusted proxy, the hops
    /// of `X-Forwarded-For` (every such header, in order) are read from the right: the first that is not
    /// itself a trusted proxy is the client; the left-most hops, which the client wrote, are never
    /// believed past it. A hop that is not an address stops the walk, and the hop that passed it on is
    /// the client. `X-Forwarded-Proto`'s last value says whether the proxy was reached over https.
    public func client(peer: String?, forwardedFor: [String], forwardedProto: [String]) -> ForwardedClient {
        guard let peerText = peer, let peerAddress = IPAddress(peerText) else {
            return ForwardedClient(address: peer ?? "unknown", overTLS: false)
        }
        guard trusts(peerAddress) else { return ForwardedClient(address: "\(peerAddress)", overTLS: false) }
        var client = peerAddress
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces }
        for hop in hops.reversed() {
            guard let address = IPAddress(hop) else { break }
            client = address
            if !trusts(address) { break }
        }
        let proto = forwardedProto.flatMap { $0.split(separator: ",") }.last?.trimmingSpaces.lowercased()
        return ForwardedClient(address: "\(client)", overTLS: proto == "https")
    }
}

/// The client a request came from, as the trusted proxies say: its address (what every rate limit keys
/// on) and whether it reached the proxy over TLS (then the session cookie is `Secure`).
public struct ForwardedClient: Equatable, Sendable {
    public let address: String
    public let overTLS: Bool
}

extension Substring {
    fileprivate var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}

/// Puts the real client into the context (`WebContext.client`, `overTLS`) before anything reads it.
struct ForwardedClientMiddleware: RouterMiddleware {
    typealias Context = WebContext
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        let client = proxies.client(
            peer: context.peer, forwardedFor: request.headers[values: Self.forwardedFor],
            forwardedProto: request.headers[values: Self.forwardedProto])
        context.client = client.address
        context.overTLS = client.overTLS
        context.logger[metadataKey: "client"] = "\(client.address)"
        return try await next(request, context)
    }
}
