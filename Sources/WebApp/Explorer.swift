import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Transparency

/// Who may read the history without a key: everyone (the default, for auditors, inspectors and
/// citizens), or only people logged in (a province that keeps its history to itself until publication).
public enum ExplorerAccess: String, Sendable, CaseIterable {
    case everyone
    case signedIn = "signed-in"
}

/// The auditor's explorer: search the events, an event at a stable link with the proof that the log
/// holds it (checked in the page against the trust policy), the timeline of a unit or a criterion, its
/// state as of any moment and the difference between two moments. Read-only.
struct Explorer {
    let scoring: ScoringLedger
    let renderer: PageRenderer
    let access: ExplorerAccess

    /// The most events one search page lists.
    static let pageSize = 100

    func register(on router: Router<WebContext>) {
        router.get("events") { request, context in try search(request, context) }
        router.get("events/:seq") { _, context in try eventPage(context) }
        router.get("cycles/:cycle/units/:unit/history") { request, context in
            try await offloaded { try history(request, context) }
        }
        router.get("trust-policy.txt") { _, context in
            try admit(context)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: try WitnessConfiguration.trustPolicy(of: scoring.ledger).text)))
        }
        let api = router.group("api/explorer")
        api.get("events/:seq") { _, context in try await eventJSON(context) }
        api.get("cycles/:cycle/units/:unit") { request, context in
            try await offloaded { try unitAsOf(request, context) }
        }
    }

    func admit(_ context: WebContext) throws {
        if access == .signedIn && context.session == nil {
            throw WebError.unauthenticated("Hãy đăng nhập để xem lịch sử.")
        }
    }

    /// The header of the explorer's pages (and of the public and document pages): who is logged in, if
    /// anyone, without their roles.
    func header(_ context: WebContext, title: String, page: String) throws -> PageHeader {
        guard let session = context.session, let actor = try scoring.ledger.actor(session.actor) else {
            return PageHeader(title: title, page: page, signedIn: false)
        }
        return PageHeader(
            title: title, page: page, signedIn: true, actor: actor.id, actorName: actor.name, csrf: session.csrf)
    }

    static func sequence(_ context: WebContext) throws -> UInt64 {
        guard let sequence = context.parameters.get("seq", as: UInt64.self), sequence > 0 else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "an event's sequence number is a positive integer",
                vi: "Số thứ tự sự kiện là một số nguyên dương.")
        }
        return sequence
    }

    func event(_ context: WebContext) throws -> RecordedEvent {
        let sequence = try Self.sequence(context)
        guard let event = try scoring.ledger.event(at: sequence) else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "the ledger has no event \(sequence)",
                vi: "Sổ cái chưa có sự kiện số \(sequence).")
        }
        return event
    }

    // MARK: Search

    func search(_ request: Request, _ context: WebContext) throws -> Response {
        try admit(context)
        let query = request.uri.queryParameters
        func text(_ key: String) -> String? {
            query.get(key).map { String($0).trimmingCharacters(in: .whitespaces).nfc }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let names = try NameLookup(scoring)
        var filter = EventFilter()
        (filter.cycle, filter.criterion, filter.role) = (text("cycle"), text("criterion"), text("role"))
        filter.unit = text("unit").map { names.unit($0) ?? $0 }
        filter.actor = text("actor").map { names.actor($0) ?? $0 }
        filter.types = text("type").map { [$0] } ?? []
        filter.since = text("since").flatMap { Timestamp(typed: $0, zone: .vietnam, bareDate: .start) }
        filter.until = text("until").flatMap { Timestamp(typed: $0, zone: .vietnam, bareDate: .end) }
        let from = text("from").flatMap { UInt64($0) } ?? 1
        let (events, more) = try scoring.events(matching: filter, from: from, limit: Self.pageSize)
        var next: String?
        if more, let last = events.last {
            var items = URLComponents()
            items.queryItems =
                ["cycle", "unit", "criterion", "actor", "role", "type", "since", "until"].compactMap { key in
                    text(key).map { URLQueryItem(name: key, value: $0) }
                } + [URLQueryItem(name: "from", value: String(last.sequence + 1))]
            next = "/events?" + (items.percentEncodedQuery ?? "")
        }
        let model = ExplorerSearchPage(
            query: SearchQuery(
                cycle: text("cycle") ?? "", unit: text("unit") ?? "", criterion: text("criterion") ?? "",
                actor: text("actor") ?? "", since: text("since") ?? "", until: text("until") ?? ""),
            types: EventFilter.eventTypes.map {
                SelectOption(value: $0, label: Vietnamese.event($0), selected: $0 == text("type"))
            },
            roleOptions: Role.allCases.map {
                SelectOption(
                    value: $0.rawValue, label: Vietnamese.role($0.rawValue), selected: $0.rawValue == text("role"))
            },
            unitNames: names.unitNames, actorNames: names.actorNames,
            searched: !filter.isEmpty || from > 1, count: events.count,
            rows: try events.map { try EventRow($0, names: names) }, next: next)
        return renderer.render(
            "explorer", header: try header(context, title: "Tra cứu lịch sử", page: "explorer"), model)
    }

    // MARK: One event

    func eventPage(_ context: WebContext) throws -> Response {
        try admit(context)
        let event = try event(context)
        let model = try EventPage(
            event, signer: try scoring.ledger.actor(event.actor), count: try scoring.ledger.head().count,
            names: try NameLookup(scoring))
        return renderer.render(
            "event", header: try header(context, title: "Sự kiện số \(event.sequence)", page: "event"), model)
    }

    /// The event as recorded (its canonical envelope, from which the page recomputes its hash), the
    /// RFC 9162 inclusion proof of its leaf in a checkpoint of the whole ledger signed by the log key,
    /// and that checkpoint as a signed note with the cosignatures of the ledger's witnesses.
    func eventJSON(_ context: WebContext) async throws -> Response {
        try admit(context)
        let event = try event(context)
        let (checkpoint, signed) = try scoring.signedCheckpoint()
        let ledger = scoring.ledger
        let (note, outcomes) = try await offloaded { try WitnessClient.cosign(signed, of: ledger) }
        ServerMetrics.cosignatures(outcomes)
        let report = try scoring.ledger.inclusionProofReport(sequence: event.sequence, size: checkpoint.size)
        let proof = report.proof.map { hexString($0) }
        return JSONResponse.make(
            .object([
                "envelope": .string(String(decoding: event.canonicalEnvelope(includingHash: true), as: UTF8.self)),
                "sequence": .integer(Int64(event.sequence)), "treeSize": .integer(Int64(checkpoint.size)),
                "proof": .array(proof.map(JSONValue.string)), "checkpoint": .string(note),
            ]))
    }

    // MARK: A unit's history

    func history(_ request: Request, _ context: WebContext) throws -> Response {
        try admit(context)
        let cycleID = try context.parameters.require("cycle")
        let unitID = try context.parameters.require("unit")
        guard let cycle = try scoring.cycle(cycleID), let unit = cycle.unit(unitID.nfc) else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "no unit '\(unitID)' in cycle '\(cycleID)'",
                vi: "Không có đơn vị '\(unitID)' trong kỳ '\(cycleID)'.")
        }
        let criterion = request.uri.queryParameters.get("criterion").map { String($0).nfc }.flatMap {
            $0.isEmpty ? nil : $0
        }
        let report = try scoring.traceReport(cycle: cycleID, unit: unit.id, criterion: criterion)
        let model = HistoryPage(
            cycle, unit: unit, criterion: criterion, report: report,
            leaves: try scoring.frameworks(of: cycle)[unit.kind]?.leaves ?? [])
        return renderer.render(
            "history", header: try header(context, title: "Lịch sử điểm — \(unit.name)", page: "history"), model)
    }

    /// The unit's scores as the events up to `through` (a sequence number) or `asOf` (a date or time,
    /// Vietnam time) gave them: the same JSON as `/api/cycles/{cycle}/units/{unit}`, replayed.
    func unitAsOf(_ request: Request, _ context: WebContext) throws -> Response {
        try admit(context)
        let query = request.uri.queryParameters
        let cycle = try context.parameters.require("cycle")
        let unit = try context.parameters.require("unit")
        var through = try scoring.ledger.head().count
        if let text = query.get("through") {
            guard let value = UInt64(String(text)), value > 0 else {
                throw WebError(
                    status: .badRequest, kind: "invalid-input", message: "through is a sequence number",
                    vi: "Mốc 'đến sự kiện' phải là số thứ tự sự kiện.")
            }
            through = min(value, through)
        } else if let text = query.get("asOf") {
            guard let time = Timestamp(typed: String(text), zone: .vietnam, bareDate: .end) else {
                throw WebError(
                    status: .badRequest, kind: "invalid-input", message: "asOf is a date such as 2020-03-31",
                    vi: "Ngày xem phải viết dạng 2020-03-31.")
            }
            through = try scoring.lastSequence(atOrBefore: time)
        }
        guard through > 0 else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "no event was recorded by then",
                vi: "Đến ngày đó sổ cái chưa ghi sự kiện nào.")
        }
        let snapshot = try scoring.state(of: cycle, asOf: through)
        guard snapshot.cycle(cycle) != nil else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "cycle '\(cycle)' was not open by then",
                vi: "Đến ngày đó kỳ đánh giá '\(cycle)' chưa được mở.")
        }
        var json = try snapshot.unitScores(cycle: cycle, unit: unit).json
        if case .object(var members) = json {
            members["through"] = .integer(Int64(through))
            json = .object(members)
        }
        return JSONResponse.make(json)
    }
}
