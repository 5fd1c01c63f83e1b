import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import LedgerFormat
import Logging
import PARCore
import PARIndex

/// A refusal as the web front end answers it: the ones it makes itself (not logged in, bad CSRF
/// token, too many logins, …) and every other error turned into one (`ErrorResponses.refusal`).
/// `message` is English (the JSON API's `message`, the logs); `vi` is what a person reads.
struct WebError: Error {
    let status: HTTPResponse.Status
    let kind: String
    let message: String
    let vi: String
    var retryAfter: Int? = nil

    /// Not logged in, or the login did not hold.
    static func unauthenticated(
        _ message: String = "log in first", vi: String = "Hãy đăng nhập bằng khoá của bạn trước."
    ) -> WebError {
        WebError(status: .unauthorized, kind: "unauthenticated", message: message, vi: vi)
    }
}

/// Headers every response carries: a Content-Security-Policy that allows no inline script and no
/// other origin, and the usual hardening headers.
struct SecurityHeaders: RouterMiddleware {
    typealias Context = WebContext
    static let policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Answers 405 with `Allow` to a method an API path does not take, before anything else looks at
/// the request (the router alone would say 404, and the session check 401). HEAD is answered wherever
/// GET is (the router generates it).
struct AllowedMethods: RouterMiddleware {
    typealias Context = WebContext
    /// Every API path (`*` for one segment) and its methods; schemas/openapi.yaml lists the same
    /// (WebAppTests checks that it does).
    static let api: [(path: String, methods: [HTTPRequest.Method])] = [
        ("/api/ledger", [.get]), ("/api/session/challenge", [.post]), ("/api/session", [.get, .post, .delete]),
        ("/api/cycles", [.get]), ("/api/cycles/*", [.get]), ("/api/cycles/*/ranking", [.get]),
        ("/api/cycles/*/units/*", [.get]), ("/api/cycles/*/units/*/trace", [.get]),
        ("/api/cycles/*/units/*/sheet", [.post]), ("/api/reenrolment", [.get, .post]),
        ("/api/reenrolment/*", [.delete]), ("/api/reminder-settings", [.put]),
        ("/api/evidence", [.post]),
        ("/api/evidence/*", [.get]), ("/api/commands/prepare", [.post]), ("/api/commands", [.post]),
        ("/api/explorer/events/*", [.get]), ("/api/explorer/cycles/*/units/*", [.get]),
    ]

    /// The paths for monitors (`Health`, `MetricsEndpoint`), also in schemas/openapi.yaml.
    static let operations: [(path: String, methods: [HTTPRequest.Method])] = [
        ("/healthz", [.get]), ("/readyz", [.get]), ("/metrics", [.get]),
    ]

    static func methods(for path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return (api + operations).first { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == segments.count
                && zip(pattern, segments).allSatisfy { $0 == "*" ? !$1.isEmpty : $0 == $1 }
        }?.methods
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let methods = Self.methods(for: request.uri.path), !methods.contains(request.method),
            !(request.method == .head && methods.contains(.get))
        {
            let allowed = (methods.contains(.get) ? methods + [.head] : methods).map(\.rawValue)
            var response = JSONResponse.make(
                .object([
                    "error": .object([
                        "kind": .string("method-not-allowed"),
                        "message": .string("\(request.uri.path) takes \(allowed.joined(separator: ", "))"),
                        "title": .text(Vietnamese.title(ofKind: "method-not-allowed")),
                        "requestId": .string(context.id),
                    ])
                ]), status: .methodNotAllowed)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        }
        return try await next(request, context)
    }
}

/// Reads the session cookie into the context and refuses a state-changing request without the
/// session's CSRF token (`X-CSRF-Token`), but for the two login requests, which carry a signed challenge,
/// and the request for a new key of a person who lost theirs.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebContext
    static let cookieName = "parledger-session"
    static let csrfHeader = HTTPField.Name("X-CSRF-Token")!
    let sessions: SessionStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        if let token = request.cookies[Self.cookieName]?.value {
            context.session = await sessions.session(token)
        }
        let changesState = ![.get, .head, .options].contains(request.method)
        let isLogin =
            request.uri.path == "/api/session/challenge"
            || (request.uri.path == "/api/session" && request.method == .post)
            // A person who lost their key asks for a new one without a session (rate-limited, kept off the ledger).
            || (request.uri.path == "/api/reenrolment" && request.method == .post)
        if changesState && !isLogin {
            guard let session = context.session else {
                throw WebError.unauthenticated()
            }
            guard request.headers[Self.csrfHeader] == session.csrf else {
                throw WebError(
                    status: .forbidden, kind: "csrf", message: "the request lacks this session's CSRF token",
                    vi: "Yêu cầu thiếu mã chống giả mạo của phiên làm việc; hãy tải lại trang.")
            }
        }
        return try await next(request, context)
    }
}

/// Turns every error into a response: JSON `{"error": {kind, message, title}}` for the API, a page in
/// Vietnamese for people. An error nobody expected is logged and answered 500 without its details.
struct ErrorResponses: RouterMiddleware {
    typealias Context = WebContext
    let pages: PageRenderer
    /// The ledger whose enrolled people a refusal names (`KindedError.actors`).
    let scoring: ScoringLedger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let names = ActorNames((try? scoring.ledger.allActors()) ?? [])
            let refusal = Self.refusal(error, naming: names.known)
            if refusal.status.code >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            } else {
                context.logger.info(
                    "request refused",
                    metadata: [
                        "path": "\(request.uri.path)", "kind": "\(refusal.kind)", "status": "\(refusal.status.code)",
                    ])
            }
            var response: Response
            if request.uri.path.hasPrefix("/api/") {
                var error: [String: JSONValue] = [
                    "kind": .string(refusal.kind), "message": .text(refusal.message),
                    "title": .text(Vietnamese.title(ofKind: refusal.kind)),
                ]
                error["detail"] = .text(refusal.vi)
                error["requestId"] = .string(context.id)
                response = JSONResponse.make(.object(["error": .object(error)]), status: refusal.status)
            } else {
                response = pages.errorPage(refusal, session: context.session, requestID: context.id)
            }
            if let wait = refusal.retryAfter { response.headers[.retryAfter] = String(wait) }
            return response
        }
    }

    static func status(of kind: ErrorKind) -> HTTPResponse.Status {
        switch kind {
        case .invalidInput: .badRequest
        case .forbidden: .forbidden
        case .conflict: .conflict
        case .notFound: .notFound
        case .integrity: .internalServerError
        case .io: .serviceUnavailable
        }
    }

    /// `error` as the refusal a person reads: its Vietnamese text with the people it mentions named by
    /// `name`; an error that is not one of ours (a bug) as a generic Vietnamese refusal.
    static func refusal(_ error: any Error, naming name: (String) -> String?) -> WebError {
        switch error {
        case let error as WebError:
            return error
        case let error as any HTTPResponseError:
            let kind =
                error.status == .notFound ? "not-found" : error.status.code == 413 ? "too-large" : "invalid-input"
            let vi =
                switch kind {
                case "not-found": "Không có trang nào ở địa chỉ này."
                case "too-large": "Tệp gửi lên quá lớn."
                default: "Yêu cầu chưa hợp lệ."
                }
            return WebError(status: error.status, kind: kind, message: error.status.reasonPhrase, vi: vi)
        case let error as RuleViolation:
            return WebError(
                status: status(of: error.kind), kind: error.kind.rawValue, message: error.reason,
                vi: error.vietnamese(naming: name))
        case let error as FrameworkFormatError:
            return WebError(
                status: .badRequest, kind: "invalid-input", message: "the framework is malformed: \(error)",
                vi: error.vietnamese)
        case let error as any KindedError:
            return WebError(
                status: status(of: error.kind), kind: error.kind.rawValue, message: error.description,
                vi: error.vietnamese(naming: name))
        case let error as JSONParseError:
            return WebError(
                status: .badRequest, kind: "invalid-input", message: "the body is not JSON: \(error)",
                vi: "Nội dung gửi lên không phải JSON hợp lệ.")
        default:
            return WebError(
                status: .internalServerError, kind: "bug", message: "an unexpected error; it was logged",
                vi: "Đã xảy ra lỗi không lường trước; hệ thống đã ghi nhật ký, hãy báo quản trị viên.")
        }
    }
}

/// JSON responses, in the ledger's canonical JSON.
enum JSONResponse {
    static func make(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(value))))
    }
}
