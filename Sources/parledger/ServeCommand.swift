import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import Logging
import PARCore
import PARIndex
import WebApp

/// `parledger serve`: the web app and its JSON API over one ledger (Sources/WebApp).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the web app (Vietnamese pages) and its JSON API over the ledger, until Ctrl-C.",
        discussion: """
            People log in with their own key, kept in their browser; every command is signed in the page
            and the server never sees a private key. The API is described in schemas/openapi.yaml.
            Logs go to standard error, one line per request (method, path, route, status, milliseconds) under its request id, with key=value metadata; /healthz, /readyz and /metrics are logged at debug only.

            /healthz answers 200 while the process runs; /readyz answers 200 when the ledger can be read and written and its scoring state is at the head, else 503 with the reason. /metrics shows Prometheus metrics (request latency by route, commands appended and refused, witness cosignatures, ledger size, snapshot age, reminders) to whom --metrics allows: they reveal how busy the ledger is, so the default lets only this machine read them, not through a proxy.

            Behind nginx (README, Operations), name the proxy with --trusted-proxy: only a request whose connection comes from a trusted proxy is read for X-Forwarded-For (its right-most address that is not itself a trusted proxy is the client, for every rate limit) and X-Forwarded-Proto (https: the session cookie is Secure); any other peer is the client itself and its forwarding headers are ignored.

            Example:
              parledger serve --ledger demo/ledger --port 8080
              parledger serve --ledger /var/lib/parledger/ledger --trusted-proxy 127.0.0.1 --trusted-proxy ::1
            """
    )
    @OptionGroup var location: LedgerLocation
    @Option(help: "The address to listen on (127.0.0.1: this machine only).") var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: any free port).") var port = 8080
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Option(
        help: ArgumentHelp(
            "Who may read the history, the public pages and evidence: everyone (no key needed) or signed-in.",
            valueName: "everyone|signed-in"))
    var explorer = "everyone"
    @Option(help: "How often, in seconds, the e-mail reminders look for what is due (see README, Reminders).")
    var reminderInterval = 60
    @Option(
        help: ArgumentHelp(
            "A proxy whose X-Forwarded-For and X-Forwarded-Proto are believed: an address or a CIDR range (repeat for several).",
            valueName: "address|range"))
    var trustedProxy: [String] = []
    @Option(
        help: "Requests a minute one anonymous client may make (pages, history, explorer and their API); 0: no limit.")
    var pageLimit = 300
    @Option(help: "Downloads an hour one anonymous client may make (bundles, .xlsx documents, evidence); 0: no limit.")
    var downloadLimit = 60
    @Option(help: "Seconds a connection may stay idle, or take to send a request's head, before it is closed.")
    var idleTimeout = 30
    @Option(
        help: ArgumentHelp(
            "Who may read /metrics: off, loopback (this machine, not through a proxy) or everyone.",
            valueName: "off|loopback|everyone"))
    var metrics = "loopback"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level is one of trace, debug, info, notice, warning, error")
        }
        guard let access = ExplorerAccess(rawValue: explorer) else {
            throw ValidationError("--explorer is everyone or signed-in")
        }
        guard let metricsAccess = MetricsAccess(rawValue: metrics) else {
            throw ValidationError("--metrics is off, loopback or everyone")
        }
        guard reminderInterval > 0 else {
            throw ValidationError("--reminder-interval is a number of seconds, 1 or more")
        }
        let network = try networkPolicy()
        let scoring = try reportingFailures { try location.openScoring() }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "parledger.serve")
        let host = host
        let server = WebServer(
            scoring: scoring, host: host, port: port, logger: logger, explorer: access,
            reminderInterval: .seconds(reminderInterval), network: network,
            metrics: (MetricsRegistry.bootstrap(), metricsAccess))
        try await server.run { port in
            FileHandle.standardOutput.write(
                Data("ParLedger is serving \(location.path) at http://\(host):\(port)/ (Ctrl-C to stop)\n".utf8))
        }
    }

    /// The options about the network, checked: the trusted proxies, the visitors' limits, the idle timeout.
    func networkPolicy() throws -> NetworkPolicy {
        let proxies: TrustedProxies
        do {
            proxies = try TrustedProxies(trustedProxy)
        } catch {
            throw ValidationError("--trusted-proxy: \(error)")
        }
        guard pageLimit >= 0, downloadLimit >= 0 else {
            throw ValidationError("--page-limit and --download-limit are numbers of requests, 0 (no limit) or more")
        }
        guard idleTimeout > 0 else {
            throw ValidationError("--idle-timeout is a number of seconds, 1 or more")
        }
        return NetworkPolicy(
            trustedProxies: proxies,
            visitorLimits: VisitorLimits(
                pages: pageLimit > 0 ? RequestRate(count: pageLimit, seconds: 60) : nil,
                downloads: downloadLimit > 0 ? RequestRate(count: downloadLimit, seconds: 3600) : nil),
            idleTimeout: .seconds(idleTimeout))
    }
}
