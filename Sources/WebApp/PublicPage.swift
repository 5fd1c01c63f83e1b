import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import LedgerFormat
import PARBundle
import PARCore
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
            throw WebError(
                status: .notFound, kind: "not-found", message: "no cycle '\(cycleID)'",
                vi: "Không có kỳ đánh giá '\(cycleID)'.")
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
        let header = try explorer.header(context, title: cycle.opened.name, page: "public")
        let fingerprint = TrustPolicy.fingerprint(of: try scoring.ledger.logKey().publicKey)
        let published = try cycle.publication.map { publication in
            let kinds = cycle.opened.units.kinds
            return PublishedCycle(
                publication, of: cycle,
                rankings: try kinds.map { ($0, try scoring.ranking(cycle: cycle.opened.cycle, kind: $0)) },
                publishedResults: try scoring.publishedResults(of: cycle),
                objections: try scoring.objectionsReport(cycle: cycle.opened.cycle))
        }
        return renderer.html(
            "public", header: header,
            PublicCyclePage(cycle: cycle.opened.cycle, fingerprint: fingerprint, published: published))
    }

    func bundle(_ context: WebContext) async throws -> Response {
        try explorer.admit(context)
        let cycleID = try context.parameters.require("cycle")
        guard try scoring.cycle(cycleID)?.publication != nil else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "cycle '\(cycleID)' is not published",
                vi: "Kỳ '\(cycleID)' chưa công bố.")
        }
        let (path, head) = await archives.latest()
        let bytes = try await offloaded { try Data(contentsOf: URL(fileURLWithPath: path)) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/zip",
                .contentDisposition: "attachment; filename=\"parledger-\(cycleID.nfc)-\(head.count)-su-kien.zip\"",
                .cacheControl: "no-cache",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The public page of a cycle (`public.mustache`): the fingerprint of the ledger's key and, once the
/// cycle is published, its results.
struct PublicCyclePage: PageModel {
    let cycle: String
    let fingerprint: String
    let published: PublishedCycle?
}

/// A published cycle as the public page shows it: the decision, the rankings of each kind of unit with
/// their charts, the indexes corrected since, and the objections with their answers.
struct PublishedCycle {
    let decision: String
    let date: String
    let resultsHash: String
    let publishedAt: UInt64
    let groups: [RankingGroup]
    let hasCorrections: Bool
    let corrected: [CorrectedIndex]
    let objections: [ObjectionItem]
}

/// The ranking of one kind of unit, with its charts (SVG drawn by `Charts`, shown unescaped).
struct RankingGroup {
    let kind: String
    let kindName: String
    let fieldHeaders: [FieldHeader]
    let rows: [PublicRankingRow]
    let indexChart: String
    let fieldChart: String
}

/// A field of the framework, heading a column of the ranking.
struct FieldHeader {
    let code: String
    let title: String
}

/// A unit's row in the public ranking: index, class, points per field, change on the previous cycle
/// and what follows for commendation.
struct PublicRankingRow {
    let rank: String
    let unit: String
    let name: String
    let index: String
    let `class`: String
    let points: String
    let maxPoints: String
    let fields: [FieldPoints]
    let changePoints: String?
    let changePlaces: String?
    /// The units of the previous cycle it is compared with, when a reorganisation made it of others.
    let comparedWith: String?
    let commendation: Bool
    let reasons: String
    let excluded: String?
}

/// A unit's points in one field.
struct FieldPoints {
    let points: String
}

/// A unit whose index changed after publication: as published and as it is now.
struct CorrectedIndex {
    let name: String
    let published: String
    let now: String
    let publishedRank: String
    let nowRank: String
}

extension PublishedCycle {
    /// `cycle` as published by `publication`, with the ranking of each kind of unit as it is now and the
    /// results as they were published.
    init(
        _ publication: CycleRecord.PublicationRecord, of cycle: CycleRecord, rankings: [(UnitKind, RankingReport)],
        publishedResults: CycleResults, objections: ObjectionsReport
    ) {
        let publishedIndex = Dictionary(uniqueKeysWithValues: publishedResults.units.map { ($0.unit.id, $0) })
        var corrected: [CorrectedIndex] = []
        for (_, report) in rankings {
            for row in report.rows {
                guard let before = publishedIndex[row.result.unit.id], before.indexText != row.result.indexText else {
                    continue
                }
                corrected.append(
                    CorrectedIndex(
                        name: row.result.unit.name, published: Vietnamese.number(before.indexText),
                        now: Vietnamese.number(row.result.indexText),
                        publishedRank: before.rank.map(String.init) ?? "—",
                        nowRank: row.result.rank.map(String.init) ?? "—"))
            }
        }
        self.init(
            decision: publication.decision, date: Vietnamese.date(publication.date),
            resultsHash: publication.resultsHash,
            publishedAt: publication.sequence, groups: rankings.map { RankingGroup(kind: $0, report: $1) },
            hasCorrections: !corrected.isEmpty,
            corrected: corrected, objections: ObjectionItem.items(of: objections, in: cycle))
    }
}

extension RankingGroup {
    init(kind: UnitKind, report: RankingReport) {
        let kindName = Vietnamese.kind(kind.rawValue)
        let results = report.rows.map(\.result)
        self.init(
            kind: kind.rawValue, kindName: kindName,
            fieldHeaders: (results.first?.fields ?? []).map { FieldHeader(code: $0.code, title: $0.title) },
            rows: report.rows.map(PublicRankingRow.init),
            indexChart: Charts.indexBars(results, title: "Chỉ số CCHC — \(kindName)"),
            fieldChart: Charts.fieldStacks(results, title: "Điểm theo lĩnh vực — \(kindName)"))
    }
}

extension PublicRankingRow {
    init(_ row: RankingReport.Row) {
        let result = row.result
        self.init(
            rank: result.rank.map(String.init) ?? "—", unit: result.unit.id, name: result.unit.name,
            index: Vietnamese.number(result.indexText), class: result.className,
            points: Vietnamese.number(result.points.description),
            maxPoints: Vietnamese.number(result.maxPoints.description),
            fields: result.fields.map { FieldPoints(points: Vietnamese.number($0.points.description)) },
            changePoints: row.change.map {
                Vietnamese.number($0.indexPoints.formatted(decimals: result.publishedDecimals))
            },
            changePlaces: row.change?.places.map { $0 > 0 ? "+\($0)" : String($0) },
            comparedWith: row.change.flatMap(Vietnamese.comparedWith),
            commendation: result.eligibility.provincialCommendation,
            reasons: result.eligibility.reasons.map(Vietnamese.eligibility).joined(separator: "; "),
            excluded: result.excludedFromRanking?.nonEmpty)
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

    /// The start of every archive's name, before the pid of the server that made it.
    static let namePrefix = "parledger-serve-"

    /// Removes the archives this server made when it stops (SIGTERM, SIGINT), and at its start those
    /// of servers no longer running (killed before they could), never another live server's.
    func run() async throws {
        ProcessOwnedName.removeAbandoned(in: FileManager.default.temporaryDirectory.path, prefix: Self.namePrefix)
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
            .appendingPathComponent("\(Self.namePrefix)\(getpid())-\(head.hash.hex.prefix(16)).zip").path
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
            for (index, field) in result.fields.enumerated() where field.adjustment != .penalty {
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
