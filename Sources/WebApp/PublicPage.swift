import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import LedgerFormat
import PARBundle
import PARIndex
import ServiceLifecycle

/// The public transparency page of a cycle (`/cycles/{cycle}`): the published rankings of both
/// groups with index, class, points per field, change on the previous cycle and what follows for
/// commendation; charts drawn here as SVG; the published results beside the corrected ones; the
/// certified bundle, the trust policy and how to verify them. No key needed (unless the explorer is
/// limited to people logged in).
struct PublicPage {
    let scoring: ScoringLedger
    let renderer: PageRenderer
    let explorer: Explorer
    let archives: BundleArchives
    /// The page as an anonymous visitor sees it, made once per cycle and ledger head.
    let anonymousPages = CycleCache<LedgerHead, String>()

    func register(on router: Router<WebContext>) {
        router.get("cycles/:cycle") { _, context in try await offloaded { try page(context) } }
        router.get("cycles/:cycle/bundle") { _, context in try await bundle(context) }
    }

    func page(_ context: WebContext) throws -> Response {
        try explorer.admit(context)
        let cycleID = try context.parameters.require("cycle")
        guard let cycle = try scoring.cycle(cycleID) else {
            throw WebError(status: .notFound, kind: "not-found", message: "Không có kỳ đánh giá '\(cycleID)'.")
        }
        guard context.session == nil else { return PageRenderer.response(try html(of: cycle, context)) }
        let head = try scoring.ledger.head()
        if let kept = anonymousPages.value(of: cycle.opened.cycle, at: head) { return PageRenderer.response(kept) }
        let html = try html(of: cycle, context)
        anonymousPages.keep(html, of: cycle.opened.cycle, at: head)
        return PageRenderer.response(html)
    }

    /// The page of `cycle` for the visitor of `context`.
    private func html(of cycle: CycleRecord, _ context: WebContext) throws -> String {
        var data = try explorer.common(context, cycle.opened.name, "public")
        data["cycle"] = cycle.opened.cycle
        data["fingerprint"] = TrustPolicy.fingerprint(of: try scoring.ledger.logKey().publicKey)
        guard let publication = cycle.publication else {
            data["unpublished"] = true
            return renderer.html("public", data)
        }
        data["decision"] = publication.decision
        data["date"] = publication.date
        data["resultsHash"] = publication.resultsHash
        data["publishedAt"] = Int(publication.sequence)
        let published = try scoring.publishedResults(of: cycle)
        let publishedIndex = Dictionary(uniqueKeysWithValues: published.units.map { ($0.unit.id, $0) })
        var groups: [[String: Any]] = []
        var corrected: [[String: Any]] = []
        for kind in UnitKind.allCases where cycle.opened.units.contains(where: { $0.kind == kind }) {
            let report = try scoring.ranking(cycle: cycle.opened.cycle, kind: kind)
            let rows: [[String: Any]] = report.rows.map { row in
                let result = row.result
                return pageData([
                    "rank": result.rank.map(String.init) ?? "—", "name": result.unit.name, "unit": result.unit.id,
                    "points": Vietnamese.number(result.points.description),
                    "maxPoints": Vietnamese.number(result.maxPoints.description),
                    "index": Vietnamese.number(result.indexText), "class": result.className,
                    "fields": result.fields.map { ["points": Vietnamese.number($0.points.description)] },
                    "changePoints": row.change.map {
                        Vietnamese.number($0.indexPoints.formatted(decimals: result.publishedDecimals))
                    },
                    "changePlaces": row.change?.places.map { $0 > 0 ? "+\($0)" : String($0) },
                    "commendation": result.eligibility.provincialCommendation,
                    "excellent": result.eligibility.headExcellentRating,
                    "reasons": result.eligibility.reasons.map(Vietnamese.eligibility).joined(separator: "; "),
                    "excluded": result.excludedFromRanking,
                ])
            }
            for row in report.rows {
                guard let before = publishedIndex[row.result.unit.id], before.indexText != row.result.indexText else {
                    continue
                }
                corrected.append([
                    "name": row.result.unit.name, "published": Vietnamese.number(before.indexText),
                    "now": Vietnamese.number(row.result.indexText),
                    "publishedRank": before.rank.map(String.init) ?? "—",
                    "nowRank": row.result.rank.map(String.init) ?? "—",
                ])
            }
            let fields = report.rows.first?.result.fields ?? []
            groups.append([
                "kind": kind.rawValue, "kindName": Vietnamese.kind(kind.rawValue), "rows": rows,
                "fieldHeaders": fields.map { ["code": $0.code, "title": $0.title] },
                "indexChart": Charts.indexBars(
                    report.rows.map(\.result), title: "Chỉ số CCHC — \(Vietnamese.kind(kind.rawValue))"),
                "fieldChart": Charts.fieldStacks(
                    report.rows.map(\.result), title: "Điểm theo lĩnh vực — \(Vietnamese.kind(kind.rawValue))"),
            ])
        }
        data["groups"] = groups
        data["objections"] = Pages.objections(try scoring.objectionsReport(cycle: cycle.opened.cycle), cycle: cycle)
        data["corrected"] = corrected
        data["hasCorrections"] = !corrected.isEmpty
        data["published"] = true
        return renderer.html("public", data)
    }

    func bundle(_ context: WebContext) async throws -> Response {
        try explorer.admit(context)
        let cycleID = try context.parameters.require("cycle")
        guard try scoring.cycle(cycleID)?.publication != nil else {
            throw WebError(status: .notFound, kind: "not-found", message: "Kỳ '\(cycleID)' chưa công bố.")
        }
        let (path, head) = await archives.latest()
        let bytes = try await offloaded { try Data(contentsOf: URL(fileURLWithPath: path)) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zip",
                .contentDisposition: "attachment; filename=\"parledger-\(scoring.ledger.id)-\(head.count).zip\"",
                .cacheControl: "no-cache",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The certified bundle of the ledger as a zip archive, made by the server itself (at start, then
/// whenever the ledger has grown, at most every `interval`) and kept in the temporary directory while
/// it runs: a visitor's download only reads the last archive made, so no request writes to disk.
/// Until the first archive is ready, downloads wait for it.
actor BundleArchives: Service {
    let scoring: ScoringLedger
    let interval: Duration
    private var current: (head: LedgerHead, path: String)?
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(scoring: ScoringLedger, interval: Duration = .seconds(60)) {
        self.scoring = scoring
        self.interval = interval
    }

    /// The last archive made and the head it holds, waiting for the first when none is made yet.
    func latest() async -> (path: String, head: LedgerHead) {
        while current == nil { await withCheckedContinuation { waiting.append($0) } }
        return (current!.path, current!.head)
    }

    func run() async throws {
        defer { if let path = current?.path { try? FileManager.default.removeItem(atPath: path) } }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await refresh()
            } catch {
                // Tried again after the interval; a download meanwhile gets the last archive made.
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }

    /// Makes an archive of the ledger as it is now, unless the last one already holds this head.
    private func refresh() async throws {
        let head = try scoring.ledger.head()
        if let current, current.head == head, FileManager.default.fileExists(atPath: current.path) { return }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("parledger-serve-\(getpid())-\(head.hash.hex.prefix(16)).zip").path
        try? FileManager.default.removeItem(atPath: path)
        let scoring = self.scoring
        try await offloaded { _ = try CertifiedBundle.exportArchive(scoring, to: path, withEvidence: false) }
        if let old = current?.path, old != path { try? FileManager.default.removeItem(atPath: old) }
        current = (head, path)
        for continuation in waiting { continuation.resume() }
        waiting.removeAll()
    }
}

/// Charts drawn as SVG on the server (no script), with every label escaped; lengths in integer
/// arithmetic on hundredths, never binary floating point.
enum Charts {
    static let width = 720
    static let labelWidth = 230
    static let rowHeight = 22
    static let palette = [
        "#0b5cad", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a", "#8ab17d", "#b56576", "#355070",
    ]

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Horizontal bars of each unit's index (0–100 %), in ranking order.
    static func indexBars(_ results: [UnitResult], title: String) -> String {
        let span = width - labelWidth - 60
        var svg = header(title, rows: results.count)
        for (row, result) in results.enumerated() {
            let y = 24 + row * rowHeight
            let length = Int(max(0, min(result.publishedIndex.hundredths, 10_000)) * Int64(span) / 10_000)
            svg +=
                "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(escape(result.unit.name))</text>"
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\" fill=\"#0b5cad\"/>"
            svg +=
                "<text x=\"\(labelWidth + length + 4)\" y=\"\(y + 15)\">\(escape(Vietnamese.number(result.indexText)))</text>"
        }
        return svg + "</svg>"
    }

    /// Each unit's points stacked by field, against the largest maximum.
    static func fieldStacks(_ results: [UnitResult], title: String) -> String {
        let span = width - labelWidth - 20
        let scale = max(results.map(\.maxPoints.hundredths).max() ?? 1, 1)
        let fields = results.first?.fields ?? []
        var svg = header(title, rows: results.count + 1)
        for (row, result) in results.enumerated() {
            let y = 24 + row * rowHeight
            svg +=
                "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(escape(result.unit.name))</text>"
            var x = labelWidth
            for (index, field) in result.fields.enumerated() {
                let length = Int(max(0, field.points.hundredths) * Int64(span) / scale)
                svg +=
                    "<rect x=\"\(x)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\" fill=\"\(palette[index % palette.count])\">"
                    + "<title>\(escape(result.unit.name)) — \(escape(field.code)). \(escape(field.title)): \(Vietnamese.number(field.points.description))</title></rect>"
                x += length
            }
        }
        let legendY = 24 + results.count * rowHeight + 14
        var x = labelWidth
        for (index, field) in fields.enumerated() {
            svg +=
                "<rect x=\"\(x)\" y=\"\(legendY - 10)\" width=\"10\" height=\"10\" fill=\"\(palette[index % palette.count])\"/>"
            svg += "<text x=\"\(x + 14)\" y=\"\(legendY)\">\(escape(field.code))</text>"
            x += 44
        }
        return svg + "</svg>"
    }

    private static func header(_ title: String, rows: Int) -> String {
        let height = 24 + rows * rowHeight + 10
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" "
            + "width=\"100%\" class=\"chart\" font-size=\"12\" font-family=\"sans-serif\"><title>\(escape(title))</title>"
            + "<text x=\"0\" y=\"14\" font-weight=\"bold\">\(escape(title))</text>"
    }
}
