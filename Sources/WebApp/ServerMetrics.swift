import Foundation
import HTTPTypes
import Hummingbird
import LedgerFormat
import Metrics
import PARIndex
public import Prometheus
import Transparency

/// Who may read `/metrics`: the counts and sizes it shows leak how busy the ledger is and when people
/// work, so by default only a monitor on the server's own machine (a loopback client that came through
/// no proxy) may; `everyone` is for a network where the port is reachable by the monitor alone.
public enum MetricsAccess: String, Sendable, CaseIterable {
    case off
    case loopback
    case everyone
}

/// The Prometheus registry `/metrics` shows, and the swift-metrics backend that fills it: every
/// `Counter`, `Timer` and `Gauge` of the process (Hummingbird's request metrics and ours) lands here.
public struct MetricsRegistry: Sendable {
    let prometheus: PrometheusCollectorRegistry

    /// A fresh registry made the process's metrics backend; call it once, before serving.
    public static func bootstrap() -> MetricsRegistry {
        let registry = MetricsRegistry(prometheus: PrometheusCollectorRegistry())
        MetricsSystem.bootstrap(registry.factory())
        return registry
    }

    /// The backend over this registry. Hummingbird labels each request by its status code; here the
    /// code becomes its class (`2xx` … `5xx`), so that the series stay few.
    func factory() -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: prometheus)
        factory.nameAndLabelSanitizer = { name, labels in
            (
                name,
                labels.map { label, value in
                    label == ServerMetrics.statusLabel ? (label, "\(value.prefix(1))xx") : (label, value)
                }
            )
        }
        return factory
    }

    /// Every series in Prometheus's text format.
    func text() -> [UInt8] { prometheus.emitToBuffer() }
}

/// The server's own measures, through swift-metrics: commands appended and refused, witness
/// cosignatures got and missed, reminders sent and failed, and the ledger's size and snapshot age
/// (set when `/metrics` is read). Each label has a bounded set of values.
enum ServerMetrics {
    /// The label Hummingbird's `MetricsMiddleware` gives the response status.
    static let statusLabel = "http.response.status_code"

    static func commandAppended(events: Int) {
        Counter(label: "parledger_commands_appended_total").increment()
        Counter(label: "parledger_events_appended_total").increment(by: events)
    }

    /// A command the rules or the ledger refused, at `stage` (`prepare`: judged before signing;
    /// `append`: judged when submitted), labelled by the refusal's kind.
    static func commandRefused(_ error: any Error, stage: String) {
        let kind = (error as? any KindedError)?.kind.rawValue ?? (error as? WebError)?.kind ?? "other"
        Counter(label: "parledger_commands_refused_total", dimensions: [("kind", kind), ("stage", stage)])
            .increment()
    }

    /// What each witness answered when asked to cosign a checkpoint.
    static func cosignatures(_ outcomes: [WitnessClient.Outcome]) {
        for outcome in outcomes {
            let label =
                outcome.cosignature == nil
                ? "parledger_witness_cosignature_failures_total" : "parledger_witness_cosignatures_total"
            Counter(label: label, dimensions: [("witness", outcome.witness.key.name)]).increment()
        }
    }

    static func reminderSent() { Counter(label: "parledger_reminders_sent_total").increment() }
    static func reminderFailed() { Counter(label: "parledger_reminders_failed_total").increment() }

    /// The ledger's size and the age of its newest snapshot, as of `now`.
    static func record(_ vitals: LedgerVitals, now: Timestamp) {
        Gauge(label: "parledger_ledger_events").record(Int64(vitals.events))
        Gauge(label: "parledger_ledger_storage_used_bytes").record(vitals.storage.usedBytes)
        Gauge(label: "parledger_ledger_storage_map_bytes").record(vitals.storage.mapSize)
        Gauge(label: "parledger_ledger_storage_max_bytes").record(vitals.storage.maximumMapSize)
        let snapshot = vitals.newestSnapshot
        Gauge(label: "parledger_events_since_snapshot").record(Int64(vitals.events - (snapshot?.sequence ?? 0)))
        if let snapshot {
            let age = max(0, now.millisecondsSinceEpoch - snapshot.recordedAt.millisecondsSinceEpoch) / 1000
            Gauge(label: "parledger_snapshot_age_seconds").record(age)
        }
    }
}

/// `GET /metrics`: the registry in Prometheus's text format, to whom `access` allows.
struct MetricsEndpoint {
    let scoring: ScoringLedger
    let registry: MetricsRegistry
    let access: MetricsAccess

    func register(on router: Router<WebContext>) {
        guard access != .off else { return }
        router.get("metrics") { request, context in
            guard access == .everyone || Self.isLocal(request, context) else {
                return Health.text(
                    "metrics are read on the server's machine only, not through a proxy (parledger serve --metrics)\n",
                    status: .forbidden)
            }
            let scoring = scoring
            if let vitals = try? await offloaded({ try scoring.vitals() }) {
                ServerMetrics.record(vitals, now: scoring.ledger.now())
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.text())))
        }
    }

    /// A request from this machine that came through no proxy (a proxy on this machine names the
    /// client it forwards in `X-Forwarded-For` or `Forwarded`).
    static func isLocal(_ request: Request, _ context: WebContext) -> Bool {
        let forwarded =
            request.headers[HTTPField.Name("X-Forwarded-For")!] != nil
            || request.headers[HTTPField.Name("Forwarded")!] != nil
        return !forwarded && isLoopback(context.client)
    }

    static func isLoopback(_ address: String) -> Bool {
        address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}
