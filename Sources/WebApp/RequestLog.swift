import HTTPTypes
import Hummingbird
import Logging

/// One log line per request once it is answered (method, path, route, status, milliseconds, client),
/// under the request's id: Hummingbird's (`hb.request.id`), or the caller's `X-Request-Id` when it is
/// short and plain (a proxy's, so that both logs name the request alike). The id goes back in the
/// response's `X-Request-Id` and, through the context's logger, into every other line the request
/// logs and into error pages and API error bodies, for a person to quote to the IT office.
struct RequestLog: RouterMiddleware {
    typealias Context = WebContext
    static let header = HTTPField.Name("X-Request-Id")!
    static let idKey = "hb.request.id"
    /// What monitors ask every few seconds: logged at debug, not info.
    static let quiet: Set<String> = ["/healthz", "/readyz", "/metrics"]

    /// Whether a caller's id may stand for the request: 1 to 64 ASCII letters, digits, `-`, `_` or `.`.
    static func acceptable(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                    true
                default: false
                }
            }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        if let given = request.headers[Self.header], Self.acceptable(given) {
            context.logger[metadataKey: Self.idKey] = .string(given)
        }
        let id = context.id
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[Self.header] = id
        let elapsed = ContinuousClock.now - start
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        context.logger.log(
            level: Self.quiet.contains(request.uri.path) ? .debug : .info, "request",
            metadata: [
                "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                "route": .string(context.endpointPath ?? "none"), "status": .stringConvertible(response.status.code),
                "ms": .stringConvertible(milliseconds), "client": .string(context.client),
            ])
        return response
    }
}
