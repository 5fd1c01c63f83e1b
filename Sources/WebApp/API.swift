import Application
import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import LedgerFormat
import Logging
import PARCore
import PARIndex
import Transparency

/// The JSON API of schemas/openapi.yaml. Reads return the read models of PARIndex as their JSON;
/// commands are prepared here, signed in the page and appended through `ScoringLedger`.
struct API {
    let scoring: ScoringLedger
    let sessions: SessionStore
    let logKeyFingerprint: String
    /// Who may download evidence documents: as for the rest of the history.
    let explorer: Explorer

    /// The message a person signs to log in: it names this ledger and the single-use challenge.
    static func loginMessage(ledgerID: String, challenge: String) -> [UInt8] {
        Array("parledger-login/1\n\(ledgerID)\n\(challenge)\n".utf8)
    }

    func register(on router: Router<WebContext>) {
        let api = router.group("api")
        api.get("ledger") { _, _ in try ledgerInfo() }
        api.post("session/challenge") { _, _ in
            JSONResponse.make(
                .object(["challenge": .string(await sessions.newChallenge()), "ledger": .string(scoring.ledger.id)]))
        }
        api.post("session") { request, context in try await logIn(request, context) }
        api.get("session") { _, context in try await me(context) }
        api.delete("session") { request, context in
            if let session = context.session { await sessions.close(session.token) }
            var response = Response(status: .noContent)
            response.setCookie(
                Cookie(
                    name: SessionMiddleware.cookieName, value: "", maxAge: 0, path: "/", secure: context.overTLS,
                    httpOnly: true, sameSite: .strict))
            return response
        }
        api.get("cycles") { _, context in
            _ = try signedIn(context)
            return JSONResponse.make(
                .array(
                    try scoring.cycles().map {
                        .object([
                            "cycle": .string($0.opened.cycle), "name": .string($0.opened.name),
                            "year": .integer(Int64($0.opened.year)), "published": .bool($0.publication != nil),
                        ])
                    }))
        }
        api.get("cycles/:cycle") { _, context in
            _ = try signedIn(context)
            return JSONResponse.make(
                try scoring.status(cycle: try context.parameters.require("cycle"), now: scoring.ledger.now()).json)
        }
        api.get("cycles/:cycle/ranking") { request, context in
            let session = try signedIn(context)
            let kind = try request.uri.queryParameters.get("kind").map { text in
                guard let kind = UnitKind(rawValue: String(text)) else {
                    throw WebError(
                        status: .badRequest, kind: "invalid-input", message: "kind is department or district",
                        vi: "Loại đơn vị là sở, ban, ngành hoặc UBND cấp huyện.")
                }
                return kind
            }
            let cycleID = try context.parameters.require("cycle")
            let published = try scoring.cycle(cycleID)?.publication != nil
            let grants = try scoring.ledger.actor(session.actor)?.grants ?? []
            return JSONResponse.make(
                try scoring.ranking(cycle: cycleID, kind: kind).readable(by: grants, published: published).json)
        }
        api.get("cycles/:cycle/units/:unit") { _, context in
            try mayReadResults(context)
            return JSONResponse.make(
                try scoring.unitScores(
                    cycle: try context.parameters.require("cycle"), unit: try context.parameters.require("unit")
                ).json)
        }
        api.get("cycles/:cycle/units/:unit/trace") { request, context in
            try mayReadResults(context)
            // The trace of a unit that is not in the cycle would be empty, not missing: refuse it.
            _ = try scoring.unitScores(
                cycle: try context.parameters.require("cycle"), unit: try context.parameters.require("unit"))
            return JSONResponse.make(
                try scoring.traceReport(
                    cycle: try context.parameters.require("cycle"), unit: try context.parameters.require("unit"),
                    criterion: request.uri.queryParameters.get("criterion")
                ).json)
        }
        api.post("evidence") { request, context in try await upload(request, context) }
        api.get("evidence/:sha256") { _, context in try download(context) }
        api.post("commands/prepare") { request, context in try await prepare(request, context) }
        api.post("commands") { request, context in try await submit(request, context) }
    }

    /// Refuses a unit's results before publication to whom the scheme does not give them (`ResultsAccess`).
    func mayReadResults(_ context: WebContext) throws {
        let session = try signedIn(context)
        let (cycleID, unit) = (try context.parameters.require("cycle"), try context.parameters.require("unit"))
        let published = try scoring.cycle(cycleID)?.publication != nil
        let grants = try scoring.ledger.actor(session.actor)?.grants ?? []
        guard ResultsAccess.mayRead(unit.nfc, grants: grants, published: published) else {
            throw WebError(
                status: .forbidden, kind: "forbidden",
                message: "before publication a unit's provisional scores are for that unit and those who score it",
                vi:
                    "Trước khi công bố, kết quả tạm tính của đơn vị chỉ dành cho đơn vị đó và những người chấm điểm.")
        }
    }

    func signedIn(_ context: WebContext) throws -> SessionStore.Session {
        guard let session = context.session else {
            throw WebError.unauthenticated()
        }
        return session
    }

    func ledgerInfo() throws -> Response {
        let head = try scoring.ledger.head()
        return JSONResponse.make(
            .object([
                "ledger": .string(scoring.ledger.id), "size": .integer(Int64(head.count)),
                "head": .string(head.hash.hex),
                "logKeyFingerprint": .string(logKeyFingerprint),
            ]))
    }

    static func body(_ request: Request, limit: Int = WebLimits.json) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        return try JSONParser.parse(Array(buffer.readableBytesView))
    }

    // MARK: Logging in

    func logIn(_ request: Request, _ context: WebContext) async throws -> Response {
        if let wait = await sessions.loginWait(for: context.rateKey) {
            throw WebError(
                status: .tooManyRequests, kind: "rate-limited", message: "too many failed logins; wait \(wait) s",
                vi: "Đăng nhập sai quá nhiều lần; hãy chờ \(wait) giây rồi thử lại.",
                retryAfter: wait)
        }
        let reader = try PayloadReader(try await Self.body(request), type: "the login")
        let challenge = try reader.string("challenge")
        guard let key = PublicKey(base64: try reader.string("publicKey")),
            let signature = Data(base64Encoded: try reader.string("signature"))
        else {
            await sessions.noteFailedLogin(from: context.rateKey)
            throw WebError(
                status: .badRequest, kind: "invalid-input", message: "publicKey and signature are base64",
                vi: "Khoá công khai và chữ ký phải viết dạng base64.")
        }
        guard await sessions.redeem(challenge) else {
            await sessions.noteFailedLogin(from: context.rateKey)
            throw WebError.unauthenticated("the challenge is unknown, used or expired")
        }
        guard key.verifies(Array(signature), of: Self.loginMessage(ledgerID: scoring.ledger.id, challenge: challenge)),
            // The key's owner is found for retired keys too (old signatures stay verifiable): only the
            // current key of an active actor opens a session.
            let actor = try scoring.ledger.actor(owning: key), actor.status == .active, actor.currentKey == key
        else {
            await sessions.noteFailedLogin(from: context.rateKey)
            context.logger.notice("login refused", metadata: ["client": "\(context.client)"])
            throw WebError.unauthenticated(
                "the signature does not verify with a current key of an active actor of this ledger")
        }
        let session = await sessions.open(actor: actor.id, keyID: key.id)
        context.logger.info("logged in", metadata: ["actor": "\(actor.id)"])
        var response = JSONResponse.make(try identity(actor, session))
        response.setCookie(
            Cookie(
                name: SessionMiddleware.cookieName, value: session.token, path: "/", secure: context.overTLS,
                httpOnly: true, sameSite: .strict))
        return response
    }

    func me(_ context: WebContext) async throws -> Response {
        let session = try signedIn(context)
        guard let actor = try scoring.ledger.actor(session.actor) else {
            throw WebError.unauthenticated()
        }
        return JSONResponse.make(try identity(actor, session))
    }

    func identity(_ actor: ActorRecord, _ session: SessionStore.Session) throws -> JSONValue {
        .object([
            "actor": .string(actor.id), "name": .string(actor.name), "keyID": .string(session.keyID),
            "ledger": .string(scoring.ledger.id), "csrf": .string(session.csrf),
            "roles": .array(
                actor.grants.map {
                    .object(["role": .string($0.role), "scope": $0.scope.map(JSONValue.string) ?? .null])
                }),
        ])
    }

    // MARK: Evidence

    /// The kinds of document a unit may upload, by file name extension.
    static let documentTypes = [
        "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]

    static func mediaType(ofName name: String) -> String? {
        documentTypes[(name as NSString).pathExtension.lowercased()]
    }

    func upload(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try signedIn(context)
        guard let name = request.uri.queryParameters.get("name").map({ String($0).nfc }),
            DisplayName.problem(name, "the document's name") == nil, !name.contains("/"),
            Self.mediaType(ofName: name) != nil
        else {
            throw WebError(
                status: .badRequest, kind: "invalid-input",
                message:
                    "name the document (?name=) with one of the extensions \(Self.documentTypes.keys.sorted().joined(separator: ", "))",
                vi:
                    "Không nhận tệp \"\(request.uri.queryParameters.get("name").map { String($0) } ?? "")\": tài liệu kiểm chứng phải có tên hợp lệ và là tệp "
                    + Self.documentTypes.keys.sorted().map { "." + $0 }.joined(separator: ", ") + "."
            )
        }
        var request = request
        let bytes = Array(try await request.collectBody(upTo: WebLimits.document).readableBytesView)
        guard !bytes.isEmpty else {
            throw WebError(
                status: .badRequest, kind: "invalid-input", message: "the document is empty", vi: "Tài liệu rỗng.")
        }
        let unit = request.uri.queryParameters.get("unit").map { String($0) }
        let staged = try EvidenceStore(ledger: scoring.ledger).stage(bytes, name: name, unit: unit)
        let added = staged.added[0]
        guard await sessions.holdUpload(staged, session: session.token) else {
            throw WebError(
                status: .conflict, kind: "conflict",
                message:
                    "this session holds \(SessionStore.uploadLimit) documents not yet cited; cite or drop them first",
                vi:
                    "Phiên làm việc đang giữ \(SessionStore.uploadLimit) tài liệu chưa được dẫn; hãy dẫn hoặc bỏ bớt trước."
            )
        }
        return JSONResponse.make(
            .object([
                "sha256": .string(added.sha256), "name": .string(added.name), "size": .integer(Int64(added.size)),
                "recorded": .bool(try scoring.evidence(added.sha256) != nil),
            ]), status: .created)
    }

    func download(_ context: WebContext) throws -> Response {
        try explorer.admit(context)
        let sha256 = try context.parameters.require("sha256")
        guard let added = try scoring.evidence(sha256) else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "no document \(sha256) in this ledger",
                vi: "Sổ cái không có tài liệu \(sha256.prefix(16))….")
        }
        let path = EvidenceStore(ledger: scoring.ledger).path(for: sha256)
        guard let data = FileManager.default.contents(atPath: path), SHA256Digest.hex(Array(data)) == sha256 else {
            throw WebError(
                status: .internalServerError, kind: "integrity",
                message: "the stored copy of \(sha256) is missing or altered",
                vi: "Bản lưu của tài liệu \(sha256.prefix(16))… bị thiếu hoặc đã bị sửa; hãy báo quản trị viên.")
        }
        let disposition =
            "attachment; filename*=UTF-8''"
            + (added.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "tai-lieu")
        return Response(
            status: .ok,
            headers: [
                .contentType: Self.mediaType(ofName: added.name) ?? "application/octet-stream",
                .contentDisposition: disposition, .cacheControl: "private, max-age=31536000, immutable",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    // MARK: Commands

    func prepare(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try signedIn(context)
        let operation = try PAROperations.decode(try await Self.body(request))
        let service = ScoringService(scoring)
        let uploads = await sessions.uploads(session: session.token)
        let command = try service.command(for: operation, by: session.actor, uploaded: uploads)
        // The rules judge the command before anyone signs it: a refusal now is the one the append would give.
        do {
            _ = try await offloaded { try service.trial(command, keyID: session.keyID) }
        } catch {
            ServerMetrics.commandRefused(error, stage: "prepare")
            throw error
        }
        let head = try scoring.ledger.head()
        let prepared = SignedCommandDocument.prepare(
            command, ledgerID: scoring.ledger.id, basis: CommandBasis(sequence: head.count, hash: head.hash),
            at: scoring.ledger.now())
        let names = try NameLookup(scoring).names(in: command.events.map(\.payload))
        return JSONResponse.make(
            .object([
                "document": .string(String(decoding: prepared.document, as: UTF8.self)),
                "names": .object(names.mapValues(JSONValue.text)),
                "events": .array(
                    command.events.map {
                        .object([
                            "type": .string($0.type), "payload": $0.payload, "title": .text(Vietnamese.event($0.type)),
                        ])
                    }),
            ]))
    }

    func submit(_ request: Request, _ context: WebContext) async throws -> Response {
        let session = try signedIn(context)
        let reader = try PayloadReader(try await Self.body(request), type: "the signed command")
        guard let signature = Data(base64Encoded: try reader.string("signature")) else {
            throw WebError(
                status: .badRequest, kind: "invalid-input", message: "the signature is base64",
                vi: "Chữ ký phải viết dạng base64.")
        }
        let command = try SignedCommandDocument.command(
            from: Array(try reader.string("document").utf8), ledgerID: scoring.ledger.id, keyID: session.keyID,
            signature: Array(signature))
        guard command.actor == session.actor else {
            throw WebError(
                status: .forbidden, kind: "forbidden", message: "the command is not signed by the logged-in actor",
                vi: "Lệnh không do chính người đang đăng nhập ký.")
        }
        let result: AppendResult
        do {
            result = try scoring.append(command)
        } catch {
            ServerMetrics.commandRefused(error, stage: "append")
            throw error
        }
        if !result.wasAlreadyRecorded { ServerMetrics.commandAppended(events: result.events.count) }
        try await sessions.keepUploads(
            command.events.filter { $0.type == PAREvents.EvidenceAdded.type }.compactMap {
                $0.payload["sha256"]?.stringValue
            },
            session: session.token)
        context.logger.info(
            "command appended",
            metadata: [
                "actor": "\(command.actor)", "command": "\(command.id)", "events": "\(result.events.count)",
                "first": "\(result.events.first?.sequence ?? 0)",
            ])
        let issued = try Receipt.issue(for: result.events, commandID: command.id, by: scoring.ledger)
        // The ledger's witnesses cosign the receipt's checkpoint (network calls, off the request threads).
        let ledger = scoring.ledger
        let (note, outcomes) = try await offloaded { try WitnessClient.cosign(issued.checkpointNote, of: ledger) }
        ServerMetrics.cosignatures(outcomes)
        for outcome in outcomes where outcome.cosignature == nil {
            context.logger.warning(
                "receipt without a cosignature",
                metadata: ["witness": "\(outcome.witness.key.name)", "problem": "\(outcome.problem ?? "")"])
        }
        let receipt = issued.withCheckpointNote(note)
        return JSONResponse.make(
            .object([
                "command": .string(command.id), "alreadyRecorded": .bool(result.wasAlreadyRecorded),
                "events": .array(
                    result.events.map {
                        .object([
                            "sequence": .integer(Int64($0.sequence)), "hash": .string($0.hash.hex),
                            "type": .string($0.type),
                        ])
                    }),
                "receipt": receipt.json,
            ]), status: result.wasAlreadyRecorded ? .ok : .created)
    }
}
