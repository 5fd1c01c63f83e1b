import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// Requests for a new key from people who lost theirs, made from the login page by someone not logged
/// in: kept in the server's data directory (`web/reenrolment-requests.json` beside the ledger), never
/// in the ledger, until the secretariat approves one (by signing `replace-lost-key`) or rejects it.
/// Rate-limited per client and in total, so that an anonymous visitor cannot fill the list.
actor ReenrolmentRequests {
    /// One person's request: who they say they are, the public key made in their browser, and why.
    struct Request: Codable, Sendable {
        let id: String
        let actor: String
        let name: String
        let publicKey: String
        let note: String
        let at: String
    }

    static let perClientPerHour = 3
    static let pendingLimit = 50

    private let path: String
    private var requests: [Request]
    private var recent: [String: [Date]] = [:]

    static let format = "parledger-reenrolment-requests/1"

    /// The requests kept at `path` (none when the file does not exist yet).
    init(path: String) throws {
        self.path = path
        requests = try DataFile<[Request]>(format: Self.format, path: path).load() ?? []
    }

    /// The file of `ledger`'s server.
    static func path(beside ledger: Ledger) -> String {
        ((ledger.path as NSString).appendingPathComponent("web") as NSString)
            .appendingPathComponent("reenrolment-requests.json")
    }

    var pending: [Request] { requests }

    /// Keeps a request; nil with the number of seconds to wait when `client` asked too often or the list is full.
    func add(_ request: Request, from client: String, now: Date = Date()) throws -> Int? {
        let hour = now.addingTimeInterval(-3600)
        let asked = (recent[client] ?? []).filter { $0 > hour }
        guard asked.count < Self.perClientPerHour, requests.count < Self.pendingLimit else {
            return Int((asked.first ?? now).timeIntervalSince(hour)) + 1
        }
        recent[client] = asked + [now]
        requests.removeAll { $0.actor == request.actor }
        requests.append(request)
        try save()
        return nil
    }

    /// Removes request `id`; false when there is none.
    func remove(_ id: String) throws -> Bool {
        guard requests.contains(where: { $0.id == id }) else { return false }
        requests.removeAll { $0.id == id }
        try save()
        return true
    }

    private func save() throws {
        try DataFile(format: Self.format, path: path).save(requests)
    }
}

/// The routes of re-enrolment: a person not logged in asks (`POST /api/reenrolment`); the secretariat
/// lists the requests and rejects one; approving is the signed `replace-lost-key` command, after which
/// the request is dropped because the actor's current key is the one it asked for.
struct Reenrolment {
    let scoring: ScoringLedger
    let requests: ReenrolmentRequests

    func register(on router: Router<WebContext>) {
        router.post("api/reenrolment") { request, context in try await ask(request, context) }
        router.get("api/reenrolment") { _, context in try await list(context) }
        router.delete("api/reenrolment/:id") { _, context in
            try secretariat(context)
            guard try await requests.remove(try context.parameters.require("id")) else {
                throw WebError(
                    status: .notFound, kind: "not-found", message: "no such request", vi: "Không có yêu cầu này.")
            }
            return Response(status: .noContent)
        }
    }

    func ask(_ request: Request, _ context: WebContext) async throws -> Response {
        let reader = try PayloadReader(try await API.body(request, limit: 16 << 10), type: "the request")
        let actorID = try reader.string("actor").nfc
        let name = try reader.string("name").nfc
        let note = try reader.string("note").nfc
        guard let key = PublicKey(base64: try reader.string("publicKey")) else {
            throw WebError(
                status: .badRequest, kind: "invalid-input", message: "the new public key is 32 bytes in base64",
                vi: "Khoá công khai mới phải là 32 byte dạng base64.")
        }
        guard let actor = try scoring.ledger.actor(actorID), actor.status == .active else {
            throw WebError(
                status: .notFound, kind: "not-found",
                message: "no active actor '\(actorID)' in this ledger",
                vi: "Không có cán bộ đang hoạt động với mã '\(actorID)' trong sổ cái này.")
        }
        if let problem = DisplayName.problem(name, "họ tên") ?? (note.count > 500 ? "lý do quá 500 ký tự" : nil) {
            throw WebError(status: .badRequest, kind: "invalid-input", message: "the request is malformed", vi: problem)
        }
        guard actor.currentKey != key, actor.retiredKeys[key.id] == nil else {
            throw WebError(
                status: .badRequest, kind: "invalid-input", message: "this key was used before; make a new one",
                vi: "Khoá này đã từng được dùng; hãy tạo khoá mới.")
        }
        let entry = ReenrolmentRequests.Request(
            id: SessionStore.randomToken().prefix(16).lowercased(), actor: actorID, name: name,
            publicKey: key.base64, note: note, at: scoring.ledger.now().iso8601)
        if let wait = try await requests.add(entry, from: context.rateKey) {
            throw WebError(
                status: .tooManyRequests, kind: "rate-limited",
                message: "too many requests; retry in \(wait) s",
                vi: "Đã có quá nhiều yêu cầu; hãy thử lại sau \(wait) giây.", retryAfter: wait)
        }
        context.logger.notice(
            "re-enrolment requested", metadata: ["actor": "\(actorID)", "client": "\(context.client)"])
        return JSONResponse.make(.object(["request": .string(entry.id)]), status: .accepted)
    }

    @discardableResult
    func secretariat(_ context: WebContext) throws -> String {
        guard let session = context.session else { throw WebError.unauthenticated() }
        guard let actor = try scoring.ledger.actor(session.actor),
            actor.grants.contains(where: { $0.role == Role.secretariat.rawValue })
        else {
            throw WebError(
                status: .forbidden, kind: "forbidden", message: "only the secretariat reads these requests",
                vi: "Chỉ Văn phòng thường trực xem các yêu cầu này.")
        }
        return actor.id
    }

    /// The requests waiting, each with the actor's name as the ledger records it; a request whose key is
    /// now the actor's current one was approved and is dropped.
    func list(_ context: WebContext) async throws -> Response {
        try secretariat(context)
        var waiting: [JSONValue] = []
        for entry in await requests.pending {
            let actor = try scoring.ledger.actor(entry.actor)
            if actor?.currentKey?.base64 == entry.publicKey {
                _ = try await requests.remove(entry.id)
                continue
            }
            waiting.append(
                .object([
                    "id": .string(entry.id), "actor": .string(entry.actor), "actorName": .text(actor?.name ?? ""),
                    "name": .text(entry.name), "publicKey": .string(entry.publicKey), "note": .text(entry.note),
                    "at": .text(Vietnamese.time(entry.at)),
                ]))
        }
        return JSONResponse.make(.array(waiting))
    }
}
