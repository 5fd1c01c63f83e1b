import Application
import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import LedgerFormat
import Mustache
import PARIndex

/// Renders the Vietnamese pages from `Templates/` (every value HTML-escaped by swift-mustache).
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    static func load() async throws -> PageRenderer {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("Templates").path else {
            throw WebError(status: .internalServerError, kind: "bug", message: "the page templates are missing")
        }
        return PageRenderer(library: try await MustacheLibrary(directory: directory))
    }

    func render(_ template: String, _ data: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        Self.response(html(template, data), status: status)
    }

    /// The page `template` with `data`, as text.
    func html(_ template: String, _ data: [String: Any]) -> String {
        library.render(data, withTemplate: template) ?? "<!doctype html><title>Lỗi</title><p>Lỗi mẫu trang.</p>"
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    func errorPage(_ refusal: WebError, session: SessionStore.Session?) -> Response {
        render(
            "error",
            [
                "title": Vietnamese.title(ofKind: refusal.kind),
                "message": Vietnamese.refusal(refusal.message) ?? refusal.message,
                "status": Int(refusal.status.code), "signedIn": session != nil,
            ], status: refusal.status)
    }
}

/// The values of a page: `nil` and empty text left out, since Mustache shows a section for any value
/// that is present, an empty string included.
func pageData(_ values: [String: Any?]) -> [String: Any] {
    values.compactMapValues { value in
        guard let value else { return nil }
        return (value as? String)?.isEmpty == true ? nil : value
    }
}

/// JSONValue as the plain values Mustache walks: objects as dictionaries (null members and empty
/// strings left out), arrays, strings, integers and booleans.
func mustacheValue(_ value: JSONValue) -> Any? {
    switch value {
    case .null: nil
    case .bool(let flag): flag
    case .integer(let number): Int(number)
    case .string(let text): text.isEmpty ? nil : text
    case .array(let items): items.compactMap(mustacheValue)
    case .object(let members): members.compactMapValues(mustacheValue)
    }
}

/// The pages, one set per role; each checks that the logged-in person holds the role it serves.
struct Pages {
    let scoring: ScoringLedger
    let renderer: PageRenderer

    func register(on router: Router<WebContext>) {
        router.get("/") { _, context in try home(context) }
        router.get("dang-nhap") { _, _ in
            renderer.render("login", ["title": "Đăng nhập", "page": "login", "ledger": scoring.ledger.id])
        }
        router.get("don-vi/:cycle/:unit") { _, context in try unitSheet(context) }
        router.get("hoi-dong/:cycle") { _, context in try councilQueue(context) }
        router.get("hoi-dong/:cycle/:unit") { _, context in try councilUnit(context) }
        router.get("ban-chi-dao/:cycle") { _, context in try committee(context) }
        router.get("ban-chi-dao/:cycle/:unit") { _, context in try spotCheckUnit(context) }
        router.get("dieu-tra/:cycle") { _, context in try survey(context) }
        router.get("van-phong") { _, context in try secretariat(context) }
        router.get("van-phong/:cycle") { _, context in try dashboard(context) }
        router.get("ket-qua/:cycle") { _, context in try ranking(context) }
    }

    // MARK: Who is asking

    struct Viewer {
        let session: SessionStore.Session
        let actor: ActorRecord

        func holds(_ role: Role, scope: String? = nil) -> Bool {
            actor.grants.contains { $0.role == role.rawValue && (scope == nil || $0.scope == nil || $0.scope == scope) }
        }

        var common: [String: Any] {
            [
                "signedIn": true, "actor": actor.id, "actorName": actor.name, "csrf": session.csrf,
                "roles": actor.grants.map { Vietnamese.role($0.role) + ($0.scope.map { " — \($0)" } ?? "") }
                    .joined(separator: "; "),
            ]
        }
    }

    func viewer(_ context: WebContext, needs role: Role? = nil, scope: String? = nil) throws -> Viewer {
        guard let session = context.session, let actor = try scoring.ledger.actor(session.actor) else {
            throw WebError.unauthenticated("Hãy đăng nhập bằng khoá của bạn.")
        }
        let viewer = Viewer(session: session, actor: actor)
        if let role, !viewer.holds(role, scope: scope) {
            throw WebError(
                status: .forbidden, kind: "forbidden",
                message: "Trang này dành cho \(Vietnamese.role(role.rawValue))\(scope.map { " của \($0)" } ?? "").")
        }
        return viewer
    }

    func page(_ template: String, _ viewer: Viewer, _ title: String, _ data: [String: Any]) -> Response {
        var all = viewer.common
        all["title"] = title
        all["page"] = template
        for (key, value) in data { all[key] = value }
        return renderer.render(template, all)
    }

    func cycle(_ context: WebContext) throws -> CycleRecord {
        let id = try context.parameters.require("cycle")
        guard let record = try scoring.cycle(id) else {
            throw WebError(status: .notFound, kind: "not-found", message: "Không có kỳ đánh giá '\(id)'.")
        }
        return record
    }

    func unit(_ context: WebContext, of record: CycleRecord) throws -> CycleUnit {
        let id = try context.parameters.require("unit")
        guard let unit = record.unit(id.nfc) else {
            throw WebError(status: .notFound, kind: "not-found", message: "Đơn vị '\(id)' không thuộc kỳ đánh giá này.")
        }
        return unit
    }

    // MARK: Home

    func home(_ context: WebContext) throws -> Response {
        guard context.session != nil else {
            return renderer.render("login", ["title": "Đăng nhập", "page": "login", "ledger": scoring.ledger.id])
        }
        let viewer = try viewer(context)
        var tasks: [[String: Any]] = []
        for record in try scoring.cycles() {
            let id = record.opened.cycle
            let label = Vietnamese.cycleName(record)
            for grant in viewer.actor.grants {
                switch Role(rawValue: grant.role) {
                case .unitOfficer:
                    if let scope = grant.scope, let unit = record.unit(scope) {
                        tasks.append([
                            "href": "/don-vi/\(id)/\(scope)", "text": "Tự đánh giá của \(unit.name) — \(label)",
                        ])
                    }
                case .councilMember where record.council[viewer.actor.id] != nil:
                    tasks.append(["href": "/hoi-dong/\(id)", "text": "Thẩm định — \(label)"])
                case .steeringCommittee:
                    tasks.append(["href": "/ban-chi-dao/\(id)", "text": "Bốc thăm và phúc tra — \(label)"])
                case .surveyContractor:
                    tasks.append(["href": "/dieu-tra/\(id)", "text": "Nhập điểm điều tra xã hội học — \(label)"])
                case .secretariat:
                    tasks.append(["href": "/van-phong/\(id)", "text": "Theo dõi, công bố và đính chính — \(label)"])
                default:
                    break
                }
            }
            tasks.append(["href": "/ket-qua/\(id)", "text": "Kết quả và xếp hạng — \(label)"])
        }
        var data: [String: Any] = ["tasks": tasks]
        if viewer.holds(.secretariat) { data["secretariat"] = true }
        return page("home", viewer, "Việc của tôi", data)
    }

    // MARK: Objections after publication

    /// A cycle's objections (of one unit, or all) as the pages show them.
    static func objections(_ report: ObjectionsReport, cycle: CycleRecord, unit: String? = nil) -> [[String: Any]] {
        (report.json["objections"]?.arrayValue ?? []).compactMap { item -> [String: Any]? in
            guard var value = mustacheValue(item) as? [String: Any], unit == nil || value["unit"] as? String == unit
            else { return nil }
            value["unitName"] = (value["unit"] as? String).flatMap { cycle.unit($0)?.name }
            value["filedAt"] = (value["filedAt"] as? String).map(Vietnamese.time)
            if var answer = value["answer"] as? [String: Any] {
                answer["decisionName"] = answer["decision"] as? String == "accepted" ? "Chấp nhận" : "Không chấp nhận"
                answer["at"] = (answer["at"] as? String).map(Vietnamese.time)
                value["answer"] = answer
            }
            return value
        }
    }

    // MARK: Unit officer

    /// One row of a framework shown as a sheet: a field, criterion or sub-criterion with its depth.
    /// A stage's mark as people read it: points with a decimal comma, the library's own words in Vietnamese.
    static func display(mark value: Any) -> Any {
        guard var mark = value as? [String: Any] else { return value }
        if let points = mark["points"] as? String { mark["points"] = Vietnamese.number(points) }
        for key in ["reason", "decision"] {
            if let text = mark[key] as? String { mark[key] = Vietnamese.generated(text) }
        }
        return mark
    }

    func sheetRows(_ framework: Framework, _ report: UnitScoresReport) -> [[String: Any]] {
        let lines = Dictionary(uniqueKeysWithValues: report.lines.map { ($0.criterion.code, $0) })
        let reportJSON = report.json["criteria"]?.arrayValue ?? []
        let byCode = Dictionary(
            uniqueKeysWithValues: reportJSON.compactMap { item in item["code"]?.stringValue.map { ($0, item) } })
        var rows: [[String: Any]] = []
        func walk(_ criterion: Criterion, depth: Int, field: String) {
            var row: [String: Any] = [
                "code": criterion.code, "title": criterion.title,
                "maxPoints": Vietnamese.number(criterion.maxPoints.description),
                "depth": depth, "field": field, "isField": depth == 0, "isLeaf": criterion.isLeaf,
            ]
            if criterion.isLeaf, let line = lines[criterion.code] {
                row["assessed"] = (criterion.method ?? .assessed) == .assessed
                row["surveyMethod"] = criterion.method == .survey
                if let json = byCode[criterion.code], let value = mustacheValue(json) as? [String: Any] {
                    for (key, item) in value where key != "code" && key != "title" && key != "maxPoints" {
                        row[key] = Self.display(mark: item)
                    }
                }
                row["selfPoints"] = Vietnamese.number(line.score.selfScore?.points ?? "")
                row["selfReason"] = line.score.selfScore?.reason ?? ""
                row["notApplicableReason"] = line.score.notApplicable?.reason ?? ""
                row["isNotApplicable"] = line.score.notApplicable != nil
                row["selfEvidence"] = (line.score.selfScore?.evidence ?? []).map {
                    ["name": $0.name, "sha256": $0.sha256]
                }
            }
            rows.append(row)
            for child in criterion.children { walk(child, depth: depth + 1, field: field) }
        }
        for field in framework.fields { walk(field, depth: 0, field: field.code) }
        return rows
    }

    func unitContext(_ context: WebContext) throws -> (CycleRecord, CycleUnit, Framework, UnitScoresReport, UnitRecord)
    {
        let record = try cycle(context)
        let member = try unit(context, of: record)
        guard let framework = try scoring.frameworks(of: record)[member.kind],
            let unitRecord = try scoring.unitRecord(cycle: record.opened.cycle, unit: member.id)
        else {
            throw WebError(status: .notFound, kind: "not-found", message: "Kỳ này chưa có bộ tiêu chí cho đơn vị này.")
        }
        let report = try scoring.unitScores(cycle: record.opened.cycle, unit: member.id)
        return (record, member, framework, report, unitRecord)
    }

    func unitHeader(_ record: CycleRecord, _ member: CycleUnit, _ unitRecord: UnitRecord, _ report: UnitScoresReport)
        -> [String: Any]
    {
        let deadline = unitRecord.deadlineExtendedUntil ?? record.opened.selfAssessmentDeadline
        let explanations: [Any] = (report.json["criteria"]?.arrayValue ?? []).flatMap { criterion in
            (criterion["explanations"]?.arrayValue ?? []).compactMap { item -> Any? in
                guard var value = mustacheValue(item) as? [String: Any] else { return nil }
                value["criterion"] = criterion["code"]?.stringValue
                value["askedAt"] = (value["askedAt"] as? String).map(Vietnamese.time)
                value["answeredAt"] = (value["answeredAt"] as? String).map(Vietnamese.time)
                return value
            }
        }
        return pageData([
            "cycle": record.opened.cycle, "cycleName": Vietnamese.cycleName(record),
            "unit": member.id, "unitName": member.name, "kind": Vietnamese.kind(member.kind.rawValue),
            "stage": Vietnamese.stage(unitRecord.stage.rawValue), "stageCode": unitRecord.stage.rawValue,
            "deadline": Vietnamese.time(deadline),
            "editable": unitRecord.stage == .selfAssessment, "submitted": unitRecord.stage == .submitted,
            "sealed": unitRecord.stage == .appraised, "explanations": explanations,
        ])
    }

    func unitSheet(_ context: WebContext) throws -> Response {
        let (record, member, framework, report, unitRecord) = try unitContext(context)
        let viewer = try viewer(context, needs: .unitOfficer, scope: member.id)
        var data = unitHeader(record, member, unitRecord, report)
        // What the page offers, the rules allow now (the same trial as a prepared command's).
        let service = ScoringService(scoring)
        let (cycleID, unitID, actor) = (record.opened.cycle, member.id, viewer.actor.id)
        data["withdrawable"] =
            unitRecord.stage == .submitted
            && service.refusal(of: WithdrawSelfAssessment(cycle: cycleID, unit: unitID, reason: "—"), by: actor) == nil
        data["rows"] = sheetRows(framework, report)
        data["totalMax"] = framework.fields.map(\.maxPoints).sum().description
        if let publication = record.publication {
            let report = try scoring.objectionsReport(cycle: record.opened.cycle)
            data["published"] = true
            data["publication"] = "Quyết định \(publication.decision) ngày \(publication.date)"
            data["objections"] = Self.objections(report, cycle: record, unit: member.id)
            data["objectionDeadline"] = report.deadline.map { Vietnamese.time($0.iso8601) }
            data["mayObject"] =
                service.refusal(of: FileObjection(cycle: cycleID, unit: unitID, reason: "—"), by: actor) == nil
            data["leaves"] = framework.leaves.map(\.code)
        }
        return page("unit", viewer, "Tự đánh giá — \(member.name)", data)
    }

    // MARK: Council

    func councilQueue(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context, needs: .councilMember)
        guard let assignment = record.council[viewer.actor.id] else {
            throw WebError(
                status: .forbidden, kind: "forbidden",
                message: "Bạn chưa được phân công vào Hội đồng thẩm định của kỳ này.")
        }
        let status = try scoring.status(cycle: record.opened.cycle, now: scoring.ledger.now())
        let units: [[String: Any]] = status.units.compactMap { progress in
            let fields = assignment.fields[progress.unit.kind.rawValue] ?? []
            guard !fields.isEmpty || assignment.chair else { return nil }
            return [
                "cycle": record.opened.cycle, "unit": progress.unit.id, "name": progress.unit.name,
                "kind": Vietnamese.kind(progress.unit.kind.rawValue),
                "stage": Vietnamese.stage(progress.record.stage.rawValue),
                "fields": fields.joined(separator: ", "), "ready": progress.record.stage == .submitted,
            ]
        }
        return page(
            "council", viewer, "Hàng chờ thẩm định",
            [
                "cycle": record.opened.cycle, "cycleName": Vietnamese.cycleName(record),
                "units": units,
                "chair": assignment.chair, "closed": record.appraisalClosed != nil,
            ])
    }

    func councilUnit(_ context: WebContext) throws -> Response {
        let (record, member, framework, report, unitRecord) = try unitContext(context)
        let viewer = try viewer(context, needs: .councilMember)
        guard let assignment = record.council[viewer.actor.id] else {
            throw WebError(
                status: .forbidden, kind: "forbidden",
                message: "Bạn chưa được phân công vào Hội đồng thẩm định của kỳ này.")
        }
        let mine = Set(assignment.fields[member.kind.rawValue] ?? [])
        var data = unitHeader(record, member, unitRecord, report)
        data["rows"] = sheetRows(framework, report).map { row in
            var row = row
            row["mine"] = assignment.chair || mine.contains(row["field"] as? String ?? "")
            return row
        }
        data["chair"] = assignment.chair
        data["myFields"] = mine.sorted().joined(separator: ", ")
        data["mayRaise"] = framework.settings.appraisalMayRaise
        return page("appraise", viewer, "Thẩm định — \(member.name)", data)
    }

    // MARK: Steering committee

    func committee(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context, needs: .steeringCommittee)
        let status = try scoring.status(cycle: record.opened.cycle, now: scoring.ledger.now())
        let kinds = UnitKind.allCases.filter { kind in record.opened.units.contains { $0.kind == kind } }
        var draws: [[String: Any]] = []
        for kind in kinds {
            var item: [String: Any] = ["kind": kind.rawValue, "kindName": Vietnamese.kind(kind.rawValue)]
            if let draw = record.draws[kind.rawValue], let event = try scoring.ledger.event(at: draw.sequence) {
                item["drawn"] = mustacheValue(try JSONParser.parse(event.payload)) ?? [:]
                item["sequence"] = Int(draw.sequence)
            }
            item["units"] = record.opened.units.filter { $0.kind == kind }.map(\.id).joined(separator: ",")
            draws.append(item)
        }
        let checked: [[String: Any]] = status.units.filter { $0.record.spotChecked }.map {
            [
                "unit": $0.unit.id, "name": $0.unit.name, "concluded": $0.record.spotCheckConcluded,
                "cycle": record.opened.cycle,
            ]
        }
        return page(
            "committee", viewer, "Bốc thăm và phúc tra",
            [
                "cycle": record.opened.cycle, "cycleName": Vietnamese.cycleName(record),
                "commitment": record.spotCheckCommitment ?? "", "committed": record.spotCheckCommitment != nil,
                "closedHash": record.appraisalClosed?.hash ?? "", "closed": record.appraisalClosed != nil,
                "draws": draws, "checked": checked,
            ])
    }

    func spotCheckUnit(_ context: WebContext) throws -> Response {
        let (record, member, framework, report, unitRecord) = try unitContext(context)
        let viewer = try viewer(context, needs: .steeringCommittee)
        var data = unitHeader(record, member, unitRecord, report)
        data["rows"] = sheetRows(framework, report)
        data["drawn"] = unitRecord.spotChecked
        data["concluded"] = unitRecord.spotCheckConcluded
        return page("spotcheck", viewer, "Phúc tra — \(member.name)", data)
    }

    // MARK: Survey contractor

    func survey(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context, needs: .surveyContractor)
        return page(
            "survey", viewer, "Nhập điểm điều tra xã hội học",
            ["cycle": record.opened.cycle, "cycleName": Vietnamese.cycleName(record)])
    }

    // MARK: Secretariat

    func secretariat(_ context: WebContext) throws -> Response {
        let viewer = try viewer(context, needs: .secretariat)
        let actors: [[String: Any]] = try scoring.ledger.allActors().map { actor in
            [
                "id": actor.id, "name": actor.name, "status": actor.status == .active ? "Đang hoạt động" : "Tạm dừng",
                "roles": actor.grants.map { Vietnamese.role($0.role) + ($0.scope.map { " — \($0)" } ?? "") }
                    .joined(separator: "; "),
            ]
        }
        let cycles: [[String: Any]] = try scoring.cycles().map {
            [
                "cycle": $0.opened.cycle, "name": Vietnamese.cycleName($0),
                "published": $0.publication != nil,
            ]
        }
        let frameworks: [[String: Any]] = try scoring.frameworks().map {
            ["id": $0.id, "name": $0.name, "kind": Vietnamese.kind($0.unitKind.rawValue)]
        }
        return page(
            "secretariat", viewer, "Văn phòng thường trực",
            [
                "actors": actors, "cycles": cycles, "frameworks": frameworks,
                "roleOptions": Role.allCases.map { ["value": $0.rawValue, "label": Vietnamese.role($0.rawValue)] },
            ])
    }

    func dashboard(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context, needs: .secretariat)
        let status = try scoring.status(cycle: record.opened.cycle, now: scoring.ledger.now())
        let units: [[String: Any]] = status.units.map { progress in
            [
                "unit": progress.unit.id, "name": progress.unit.name,
                "kind": Vietnamese.kind(progress.unit.kind.rawValue),
                "stage": Vietnamese.stage(progress.record.stage.rawValue),
                "submitted": progress.record.stage != .selfAssessment, "sealed": progress.record.stage == .appraised,
                "drawn": progress.record.spotChecked, "concluded": progress.record.spotCheckConcluded,
                "survey": progress.surveyComplete, "late": progress.isLate,
                "deadline": Vietnamese.time(progress.deadline),
            ]
        }
        let kinds = UnitKind.allCases.filter { kind in record.opened.units.contains { $0.kind == kind } }
        let counts = status.counts
        let ranked = status.units.filter { $0.record.excludedFromRanking == nil }
        let checklist: [[String: Any]] = [
            [
                "done": counts.sealed == status.units.count,
                "text": "Hội đồng đã kết thúc thẩm định \(counts.sealed)/\(status.units.count) đơn vị",
            ],
            ["done": record.appraisalClosed != nil, "text": "Chủ tịch Hội đồng đã khép lại việc thẩm định của kỳ"],
            [
                "done": kinds.allSatisfy { record.draws[$0.rawValue] != nil },
                "text": "Ban Chỉ đạo đã bốc thăm phúc tra ("
                    + kinds.map {
                        Vietnamese.kind($0.rawValue) + (record.draws[$0.rawValue] != nil ? ": rồi" : ": chưa")
                    }.joined(separator: "; ") + ")",
            ],
            [
                "done": status.units.allSatisfy { !$0.record.spotChecked || $0.record.spotCheckConcluded },
                "text":
                    "Đã kết luận phúc tra \(status.units.filter { $0.record.spotCheckConcluded }.count)/\(status.units.filter { $0.record.spotChecked }.count) đơn vị được bốc thăm",
            ],
            [
                "done": ranked.allSatisfy(\.surveyComplete),
                "text":
                    "Đã có điểm điều tra xã hội học của \(ranked.filter(\.surveyComplete).count)/\(ranked.count) đơn vị",
            ],
            [
                "done": status.publicationWindow.contains(Vietnamese.today(scoring.ledger.now())), "window": true,
                "text":
                    "Ngày quyết định công bố nằm trong khoảng \(status.publicationWindow.from) – \(status.publicationWindow.until)",
            ],
        ]
        return page(
            "dashboard", viewer, "Theo dõi kỳ đánh giá",
            [
                "cycle": record.opened.cycle, "cycleName": Vietnamese.cycleName(record),
                "units": units, "checklist": checklist,
                "published": mustacheValue(status.json["published"] ?? .null) as Any,
                "isPublished": record.publication != nil,
                "progress": mustacheValue(status.json["progress"] ?? .null) as Any,
                "windowFrom": status.publicationWindow.from, "windowUntil": status.publicationWindow.until,
                "council": mustacheValue(status.json["council"] ?? .null) as Any,
                "objections": Self.objections(try scoring.objectionsReport(cycle: record.opened.cycle), cycle: record),
            ])
    }

    // MARK: Results

    func ranking(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context)
        let report = try scoring.ranking(cycle: record.opened.cycle)
        let rows = (mustacheValue(report.json["units"] ?? .array([])) as? [[String: Any]] ?? []).map { row in
            var row = row
            row["kindName"] = Vietnamese.kind(row["kind"] as? String ?? "")
            for key in ["points", "maxPoints", "index"] {
                if let text = row[key] as? String { row[key] = Vietnamese.number(text) }
            }
            if var change = row["change"] as? [String: Any], let points = change["indexPoints"] as? String {
                change["indexPoints"] = Vietnamese.number(points)
                row["change"] = change
            }
            return row
        }
        return page(
            "ranking", viewer, "Kết quả Chỉ số CCHC",
            [
                "cycle": record.opened.cycle, "cycleName": Vietnamese.cycleName(record),
                "rows": rows, "published": record.publication != nil,
                "decision": record.publication?.decision ?? "", "date": record.publication?.date ?? "",
            ])
    }
}
