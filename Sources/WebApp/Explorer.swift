import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import LedgerFormat
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

    func common(_ context: WebContext, _ title: String, _ page: String) throws -> [String: Any] {
        var data: [String: Any] = ["title": title, "page": page]
        if let session = context.session, let actor = try scoring.ledger.actor(session.actor) {
            data["signedIn"] = true
            data["actor"] = actor.id
            data["actorName"] = actor.name
            data["csrf"] = session.csrf
        }
        return data
    }

    static func sequence(_ context: WebContext) throws -> UInt64 {
        guard let sequence = context.parameters.get("seq", as: UInt64.self), sequence > 0 else {
            throw WebError(status: .notFound, kind: "not-found", message: "Số thứ tự sự kiện là một số nguyên dương.")
        }
        return sequence
    }

    func event(_ context: WebContext) throws -> RecordedEvent {
        let sequence = try Self.sequence(context)
        guard let event = try scoring.ledger.event(at: sequence) else {
            throw WebError(status: .notFound, kind: "not-found", message: "Sổ cái chưa có sự kiện số \(sequence).")
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
        var filter = EventFilter()
        (filter.cycle, filter.unit, filter.criterion) = (text("cycle"), text("unit"), text("criterion"))
        (filter.actor, filter.role) = (text("actor"), text("role"))
        filter.types = text("type").map { [$0] } ?? []
        filter.since = text("since").flatMap { Timestamp(typed: $0, zone: .vietnam, bareDate: .start) }
        filter.until = text("until").flatMap { Timestamp(typed: $0, zone: .vietnam, bareDate: .end) }
        let from = text("from").flatMap { UInt64($0) } ?? 1
        let (events, more) = try scoring.events(matching: filter, from: from, limit: Self.pageSize)
        var data = try common(context, "Tra cứu lịch sử", "explorer")
        data["rows"] = try events.map(row)
        data["count"] = events.count
        data["searched"] = !filter.isEmpty || from > 1
        for key in ["cycle", "unit", "criterion", "actor", "role", "type", "since", "until"] {
            data["q_\(key)"] = text(key) ?? ""
        }
        data["types"] = EventFilter.eventTypes.map {
            ["value": $0, "label": Vietnamese.event($0), "selected": $0 == text("type")]
        }
        data["roles"] = Role.allCases.map {
            ["value": $0.rawValue, "label": Vietnamese.role($0.rawValue), "selected": $0.rawValue == text("role")]
        }
        if more, let last = events.last {
            var items = URLComponents()
            items.queryItems =
                ["cycle", "unit", "criterion", "actor", "role", "type", "since", "until"].compactMap { key in
                    text(key).map { URLQueryItem(name: key, value: $0) }
                } + [URLQueryItem(name: "from", value: String(last.sequence + 1))]
            data["next"] = "/events?" + (items.percentEncodedQuery ?? "")
        }
        return renderer.render("explorer", data)
    }

    func row(_ event: RecordedEvent) throws -> [String: Any] {
        let payload = try event.payloadValue
        return pageData([
            "seq": Int(event.sequence), "type": Vietnamese.event(event.type), "actor": event.actor,
            "at": Vietnamese.time(event.recordedAt.iso8601), "unit": payload["unit"]?.stringValue,
            "criterion": payload["criterion"]?.stringValue, "points": payload["points"]?.stringValue,
        ])
    }

    // MARK: One event

    func eventPage(_ context: WebContext) throws -> Response {
        try admit(context)
        let event = try event(context)
        let payload = try event.payloadValue
        let actor = try scoring.ledger.actor(event.actor)
        var data = try common(context, "Sự kiện số \(event.sequence)", "event")
        data["seq"] = Int(event.sequence)
        data["typeName"] = Vietnamese.event(event.type)
        data["type"] = event.type
        data["stream"] = event.stream
        data["streamVersion"] = Int(event.streamVersion)
        data["recordedAt"] = event.recordedAt.local(in: .vietnam)
        data["signedAt"] = event.signedAt.map { $0.local(in: .vietnam) }
        data["actor"] = event.actor
        data["actorName"] = actor?.name ?? event.actor
        data["actorRoles"] =
            actor?.grants.map { Vietnamese.role($0.role) + ($0.scope.map { " — \($0)" } ?? "") }.joined(separator: "; ")
            ?? ""
        data["command"] = event.commandID
        data["keyID"] = event.keyID
        data["signature"] = Data(event.signature).base64EncodedString()
        data["hash"] = event.hash.hex
        data["prev"] = event.previousHash.hex
        data["fields"] = Self.fields(payload)
        data["evidence"] = Self.citedDocuments(payload)
        data["hasEvidence"] = !Self.citedDocuments(payload).isEmpty
        data["previous"] = event.sequence > 1 ? Int(event.sequence - 1) : nil
        data["next"] = try scoring.ledger.head().count > event.sequence ? Int(event.sequence + 1) : nil
        if let unit = payload["unit"]?.stringValue, let cycle = payload["cycle"]?.stringValue {
            data["historyLink"] =
                "/cycles/\(cycle)/units/\(unit)/history"
                + (payload["criterion"]?.stringValue.map { "?criterion=\($0)" } ?? "")
        }
        return renderer.render("event", data)
    }

    /// The payload as label/value rows, nested values as their canonical JSON.
    static func fields(_ payload: JSONValue) -> [[String: Any]] {
        guard case .object(let members) = payload else { return [] }
        return members.keys.sorted().map { key in
            let value = members[key] ?? .null
            let text: String
            switch value {
            case .string(let string): text = string
            case .integer(let number): text = String(number)
            case .bool(let flag): text = flag ? "có" : "không"
            case .null: text = "—"
            default: text = String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
            }
            return ["key": key, "value": text]
        }
    }

    /// The documents an event cites or adds, with their names, for download links.
    static func citedDocuments(_ payload: JSONValue) -> [[String: Any]] {
        var found: [[String: Any]] = []
        if let sha256 = payload["sha256"]?.stringValue {
            found.append(["sha256": sha256, "name": payload["name"]?.stringValue ?? sha256])
        }
        for item in payload["evidence"]?.arrayValue ?? [] {
            if let sha256 = item["sha256"]?.stringValue {
                found.append(["sha256": sha256, "name": item["name"]?.stringValue ?? sha256])
            } else if let sha256 = item.stringValue {
                found.append(["sha256": sha256, "name": sha256])
            }
        }
        return found
    }

    /// The event as recorded (its canonical envelope, from which the page recomputes its hash), the
    /// RFC 9162 inclusion proof of its leaf in a checkpoint of the whole ledger signed by the log key,
    /// and that checkpoint as a signed note with the cosignatures of the ledger's witnesses.
    func eventJSON(_ context: WebContext) async throws -> Response {
        try admit(context)
        let event = try event(context)
        let (checkpoint, signed) = try scoring.signedCheckpoint()
        let ledger = scoring.ledger
        let note = try await offloaded { try WitnessClient.cosign(signed, of: ledger).note }
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
                status: .notFound, kind: "not-found", message: "Không có đơn vị '\(unitID)' trong kỳ '\(cycleID)'.")
        }
        let criterion = request.uri.queryParameters.get("criterion").map { String($0).nfc }.flatMap {
            $0.isEmpty ? nil : $0
        }
        let report = try scoring.traceReport(cycle: cycleID, unit: unit.id, criterion: criterion)
        var data = try common(context, "Lịch sử điểm — \(unit.name)", "history")
        data["cycle"] = cycle.opened.cycle
        data["cycleName"] = Vietnamese.cycleName(cycle)
        data["unit"] = unit.id
        data["unitName"] = unit.name
        data["criterion"] = criterion
        data["entries"] = report.entries.map { entry in
            pageData([
                "seq": Int(entry.event.sequence), "at": Vietnamese.time(entry.event.recordedAt.iso8601),
                "type": Vietnamese.event(entry.event.type), "actor": entry.event.actor,
                "role": report.roles[entry.event.actor], "criterion": entry.criterion,
                "before": entry.before, "after": entry.after, "reason": entry.reason,
                "evidence": entry.evidence.map { ["name": $0.name, "sha256": $0.sha256] },
            ])
        }
        data["moments"] = report.entries.map(\.event.sequence).map(String.init).joined(separator: ",")
        data["criteria"] =
            try scoring.frameworks(of: cycle)[unit.kind]?.leaves.map {
                ["code": $0.code, "selected": $0.code == criterion]
            } ?? []
        return renderer.render("history", data)
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
                throw WebError(status: .badRequest, kind: "invalid-input", message: "through is a sequence number")
            }
            through = min(value, through)
        } else if let text = query.get("asOf") {
            guard let time = Timestamp(typed: String(text), zone: .vietnam, bareDate: .end) else {
                throw WebError(status: .badRequest, kind: "invalid-input", message: "asOf is a date such as 2020-03-31")
            }
            through = try scoring.lastSequence(atOrBefore: time)
        }
        guard through > 0 else {
            throw WebError(status: .notFound, kind: "not-found", message: "no event was recorded by then")
        }
        let snapshot = try scoring.state(of: cycle, asOf: through)
        guard snapshot.cycle(cycle) != nil else {
            throw WebError(status: .notFound, kind: "not-found", message: "cycle '\(cycle)' was not open by then")
        }
        var json = try snapshot.unitScores(cycle: cycle, unit: unit).json
        if case .object(var members) = json {
            members["through"] = .integer(Int64(through))
            json = .object(members)
        }
        return JSONResponse.make(json)
    }
}
