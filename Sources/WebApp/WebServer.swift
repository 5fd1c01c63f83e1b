import Foundation
import HTTPTypes
public import Hummingbird
import Ledger
import LedgerFormat
public import Logging
import NIOCore
import NIOPosix
import PARBundle
import PARCore
public import PARIndex
import ServiceLifecycle

/// `parledger serve`: the JSON API and the Vietnamese pages over one PAR ledger, until SIGINT or
/// SIGTERM ends it gracefully (requests in flight finish, then the process exits).
public struct WebServer: Sendable {
    let scoring: ScoringLedger
    let host: String
    let port: Int
    let logger: Logger
    let explorerAccess: ExplorerAccess
    let reminderInterval: Duration
    let network: NetworkPolicy
    let metrics: (registry: MetricsRegistry, access: MetricsAccess)?

    /// `reminderInterval`: how often the e-mail reminders (`ReminderService`) look for what is due;
    /// `metrics`: the registry `/metrics` shows and who may read it (no `/metrics` when nil).
    public init(
        scoring: ScoringLedger, host: String, port: Int, logger: Logger, explorer: ExplorerAccess = .everyone,
        reminderInterval: Duration = .seconds(60), network: NetworkPolicy = .standard,
        metrics: (registry: MetricsRegistry, access: MetricsAccess)? = nil
    ) {
        self.scoring = scoring
        self.host = host
        self.port = port
        self.logger = logger
        self.explorerAccess = explorer
        self.reminderInterval = reminderInterval
        self.network = network
        self.metrics = metrics
    }

    /// The application with every route and middleware; `onListening` learns the bound port (port 0
    /// picks a free one).
    public func application(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws
        -> some ApplicationProtocol
    {
        let renderer = try await PageRenderer.load()
        let sessions = SessionStore()
        let router = Router(context: WebContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ForwardedClientMiddleware(proxies: network.trustedProxies))
        router.add(middleware: RequestLog())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeaders())
        router.add(middleware: ErrorResponses(pages: renderer, scoring: scoring))
        router.add(middleware: AllowedMethods())
        router.add(middleware: SessionMiddleware(sessions: sessions))
        router.add(middleware: VisitorRateLimit(network.visitorLimits))
        Health(scoring: scoring).register(on: router)
        if let metrics {
            MetricsEndpoint(scoring: scoring, registry: metrics.registry, access: metrics.access).register(on: router)
        }
        let fingerprint = TrustPolicy.fingerprint(of: try scoring.ledger.logKey().publicKey)
        let explorer = Explorer(scoring: scoring, renderer: renderer, access: explorerAccess)
        API(scoring: scoring, sessions: sessions, logKeyFingerprint: fingerprint, explorer: explorer).register(
            on: router)
        SheetUpload(scoring: scoring, sessions: sessions).register(on: router)
        let reenrolments = try ReenrolmentRequests(path: ReenrolmentRequests.path(beside: scoring.ledger))
        Reenrolment(scoring: scoring, requests: reenrolments).register(on: router)
        let visitor = VisitorPages(scoring: scoring, renderer: renderer, explorer: explorer)
        let pages = Pages(scoring: scoring, renderer: renderer, visitor: visitor)
        pages.register(on: router)
        visitor.register(on: router)
        ReminderSettingsRoutes(scoring: scoring, pages: pages).register(on: router)
        explorer.register(on: router)
        let archives = BundleArchives(scoring: scoring)
        PublicPage(scoring: scoring, renderer: renderer, explorer: explorer, archives: archives).register(on: router)
        Documents(scoring: scoring, renderer: renderer, explorer: explorer).register(on: router)
        let assets = try StaticAssets.load()
        router.get("static/:file") { _, context in try assets.response(for: try context.parameters.require("file")) }
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: TimeAmount(network.idleTimeout))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "ParLedger"),
            services: [archives, ReminderService(scoring: scoring, logger: logger, interval: reminderInterval)],
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGINT or SIGTERM.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onListening: onListening).runService()
    }
}

/// How the server meets the network (README, "Operations"): the proxies whose forwarding headers it
/// believes, what anonymous visitors may ask, and how long a connection may stay idle, or sit in the
/// middle of a request's head, before it is closed (slow clients hold no connection for long).
public struct NetworkPolicy: Sendable {
    public var trustedProxies: TrustedProxies
    public var visitorLimits: VisitorLimits
    public var idleTimeout: Duration

    /// No trusted proxy, `VisitorLimits.standard`, 30 seconds idle.
    public static let standard = NetworkPolicy(
        trustedProxies: .none, visitorLimits: .standard, idleTimeout: .seconds(30))

    public init(trustedProxies: TrustedProxies, visitorLimits: VisitorLimits, idleTimeout: Duration) {
        self.trustedProxies = trustedProxies
        self.visitorLimits = visitorLimits
        self.idleTimeout = idleTimeout
    }
}

/// The page scripts, the ES modules they import and the style sheet: every .js and .css file of the
/// module's `Static` resources, read once and served with their hash as ETag.
struct StaticAssets: Sendable {
    let files: [String: (type: String, bytes: [UInt8])]

    /// The media type of each kind of file served; a browser runs a module script only as JavaScript.
    static let types = ["js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"]

    static func load() throws -> StaticAssets {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("Static"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path)
        else {
            throw WebError(
                status: .internalServerError, kind: "bug", message: "the static files are missing",
                vi: "Thiếu tệp tĩnh của ứng dụng; hãy báo quản trị viên.")
        }
        var files: [String: (String, [UInt8])] = [:]
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let type = types[url.pathExtension] else { continue }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw WebError(
                    status: .internalServerError, kind: "bug", message: "the static file \(name) is unreadable",
                    vi: "Không đọc được tệp tĩnh \(name); hãy báo quản trị viên.")
            }
            files[name] = (type, Array(data))
        }
        return StaticAssets(files: files)
    }

    func response(for name: String) throws -> Response {
        guard let file = files[name] else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "no file \(name)", vi: "Không có tệp \(name).")
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: file.type, .cacheControl: "no-cache",
                .eTag: "\"\(SHA256Digest.hex(file.bytes).prefix(16))\"",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}

/// Runs `body`, which blocks for long (a replay of the ledger, an export, a workbook), on NIO's thread
/// pool: request handlers run on Swift's cooperative threads, one per core, which every other request
/// needs too.
func offloaded<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(body)
}
