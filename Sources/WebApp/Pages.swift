import Application
import Foundation
import Hummingbird
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The pages, one set per role; each checks that the logged-in person holds the role it serves, reads
/// what it shows from the ledger and renders its view model (`UnitPages`, `CyclePages`, `SecretariatPages`).
struct Pages {
    let scoring: ScoringLedger
    let renderer: PageRenderer
    /// What `/` shows a visitor nobody has logged in as.
    let visitor: VisitorPages

    func register(on router: Router<WebContext>) {
        router.get("/") { _, context in try home(context) }
        router.get("dang-nhap") { _, _ in login() }
        router.get("don-vi/:cycle/:unit") { _, context in try unitSheet(context) }
        router.get("hoi-dong/:cycle") { _, context in try councilQueue(context) }
        router.get("hoi-dong/:cycle/:unit") { _, context in try councilUnit(context) }
        router.get("ban-chi-dao/:cycle") { _, context in try committee(context) }
        router.get("ban-chi-dao/:cycle/:unit") { _, context in try spotCheckUnit(context) }
        router.get("dieu-tra/:cycle") { _, context in try survey(context) }
        router.get("dieu-tra/:cycle/mau.csv") { _, context in
            let record = try cycle(context)
            _ = try viewer(context, needs: .surveyContractor)
            return try SurveyPage(record, scoring: scoring).templateResponse
        }
        router.get("van-phong") { _, context in try secretariat(context) }
        router.get("van-phong/:cycle") { _, context in try dashboard(context) }
        router.get("ket-qua/:cycle") { _, context in try ranking(context) }
        router.get("phe-duyet/:cycle") { _, context in try approval(context) }
    }

    // MARK: Who is asking

    struct Viewer {
        let session: SessionStore.Session
        let actor: ActorRecord

        func holds(_ role: Role, scope: String? = nil) -> Bool {
            actor.grants.contains { $0.role == role.rawValue && (scope == nil || $0.scope == nil || $0.scope == scope) }
        }
    }

    func viewer(_ context: WebContext, needs role: Role? = nil, scope: String? = nil, or alternative: Role? = nil)
        throws -> Viewer
    {
        guard let session = context.session, let actor = try scoring.ledger.actor(session.actor) else {
            throw WebError.unauthenticated("Hãy đăng nhập bằng khoá của bạn.")
        }
        let viewer = Viewer(session: session, actor: actor)
        if let role, !viewer.holds(role, scope: scope), !(alternative.map { viewer.holds($0, scope: scope) } ?? false) {
            throw WebError(
                status: .forbidden, kind: "forbidden",
                message: "this page is for \(role.rawValue)\(scope.map { " of \($0)" } ?? "")",
                vi: "Trang này dành cho \(Vietnamese.role(role.rawValue))\(scope.map { " của \($0)" } ?? "").")
        }
        return viewer
    }

    /// The page `template` of `model`, titled `title`, for `viewer`.
    func page(_ template: String, viewer: Viewer, title: String, _ model: any PageModel) -> Response {
        let cycles = (try? scoring.cycles()) ?? []
        let id = viewer.actor.id
        let chair = cycles.contains { $0.council[id]?.chair == true || $0.councilBody?.chair == id }
        let header = PageHeader(
            title: title, page: template, viewer: viewer, units: ChoiceLists.unitNames(of: cycles), chair: chair)
        return renderer.render(template, header: header, model)
    }

    func cycle(_ context: WebContext) throws -> CycleRecord {
        let id = try context.parameters.require("cycle")
        guard let record = try scoring.cycle(id) else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "no cycle '\(id)'", vi: "Không có kỳ đánh giá '\(id)'.")
        }
        return record
    }

    func unit(_ context: WebContext, of record: CycleRecord) throws -> CycleUnit {
        let id = try context.parameters.require("unit")
        guard let unit = record.unit(id.nfc) else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "unit '\(id)' is not part of this cycle",
                vi: "Đơn vị '\(id)' không thuộc kỳ đánh giá này.")
        }
        return unit
    }

    func unitInCycle(_ context: WebContext) throws -> UnitInCycle {
        let record = try cycle(context)
        let member = try unit(context, of: record)
        guard let framework = try scoring.frameworks(of: record)[member.kind],
            let unitRecord = try scoring.unitRecord(cycle: record.opened.cycle, unit: member.id)
        else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "the cycle has no framework for this unit",
                vi: "Kỳ này chưa có bộ tiêu chí cho đơn vị này.")
        }
        let scores = try scoring.unitScores(cycle: record.opened.cycle, unit: member.id)
        let actorNames = Dictionary(
            try scoring.ledger.allActors().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return UnitInCycle(
            cycle: record, unit: member, framework: framework, scores: scores, record: unitRecord,
            actorNames: actorNames)
    }

    /// The viewer's seat on the council of `record`: chair, secretary (scheme 2) or member, and their
    /// fields for each kind of unit.
    func councilSeat(of viewer: Viewer, in record: CycleRecord) throws -> (
        chair: Bool, secretary: Bool, fields: [String: [String]]
    ) {
        if let seat = record.councilBody?.seat(of: viewer.actor.id) {
            return (seat.position == "chair", seat.position == "secretary", seat.fields)
        }
        guard let assignment = record.council[viewer.actor.id] else {
            throw WebError(
                status: .forbidden, kind: "forbidden",
                message: "you are not a council member of this cycle",
                vi: "Bạn chưa được phân công vào Hội đồng thẩm định của kỳ này.")
        }
        return (assignment.chair, false, assignment.fields)
    }

    // MARK: Everyone

    func login() -> Response {
        renderer.render(
            "login", header: PageHeader(title: "Đăng nhập", page: "login", signedIn: false),
            LoginPage(ledger: scoring.ledger.id))
    }

    func home(_ context: WebContext) throws -> Response {
        guard context.session != nil else { return try visitor.home(context) }
        let viewer = try viewer(context)
        let cycles = try scoring.cycles()
        var model = HomePage(for: viewer, cycles: cycles)
        let records = Dictionary(uniqueKeysWithValues: cycles.map { ($0.opened.cycle, $0) })
        model.todos = try ScoringService(scoring).todo(for: viewer.actor, now: scoring.ledger.now()).compactMap {
            todo in
            records[todo.cycle].map { TodoItem(todo, record: $0) }
        }
        return page("home", viewer: viewer, title: "Việc của tôi", model)
    }

    func ranking(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context)
        let report = try scoring.ranking(cycle: record.opened.cycle).readable(
            by: viewer.actor.grants, published: record.publication != nil)
        return page("ranking", viewer: viewer, title: "Kết quả Chỉ số CCHC", RankingPage(record, report: report))
    }

    // MARK: Unit officer

    func unitSheet(_ context: WebContext) throws -> Response {
        let sheet = try unitInCycle(context)
        let viewer = try viewer(context, needs: .unitOfficer, scope: sheet.unit.id, or: .unitHead)
        let model = try UnitSheetPage(
            sheet, for: viewer.actor.id, officer: viewer.holds(.unitOfficer, scope: sheet.unit.id),
            names: ActorNames(try scoring.ledger.allActors()), scoring: scoring)
        return page("unit", viewer: viewer, title: "Tự đánh giá — \(sheet.unit.name)", model)
    }

    // MARK: Council

    func councilQueue(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context, needs: .councilMember)
        let seat = try councilSeat(of: viewer, in: record)
        let status = try scoring.status(cycle: record.opened.cycle, now: scoring.ledger.now())
        var model = CouncilQueuePage(record, status: status, chair: seat.chair, fields: seat.fields)
        if seat.chair && !model.closed {
            model.close = Offer(CloseAppraisal(cycle: record.opened.cycle), by: viewer.actor.id, scoring: scoring)
        }
        try model.addWholeScheme(
            record, secretary: seat.secretary, names: ActorNames(try scoring.ledger.allActors()), scoring: scoring)
        return page("council", viewer: viewer, title: "Hàng chờ thẩm định", model)
    }

    func councilUnit(_ context: WebContext) throws -> Response {
        let sheet = try unitInCycle(context)
        let viewer = try viewer(context, needs: .councilMember)
        let seat = try councilSeat(of: viewer, in: sheet.cycle)
        let fields = Set(seat.fields[sheet.unit.kind.rawValue] ?? [])
        var model = AppraisalPage(sheet, chair: seat.chair, fields: fields)
        model.addWholeScheme(sheet, names: ActorNames(try scoring.ledger.allActors()))
        model.addOffers(sheet, by: viewer.actor.id, scoring: scoring)
        return page("appraise", viewer: viewer, title: "Thẩm định — \(sheet.unit.name)", model)
    }

    // MARK: Steering committee

    func committee(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context, needs: .steeringCommittee)
        let status = try scoring.status(cycle: record.opened.cycle, now: scoring.ledger.now())
        return page(
            "committee", viewer: viewer, title: "Bốc thăm và phúc tra",
            try CommitteePage(record, status: status, scoring: scoring))
    }

    func spotCheckUnit(_ context: WebContext) throws -> Response {
        let sheet = try unitInCycle(context)
        let viewer = try viewer(context, needs: .steeringCommittee)
        var model = SpotCheckPage(sheet)
        if model.drawn && !model.concluded {
            model.conclude = Offer(
                ConcludeSpotCheck(cycle: sheet.cycle.opened.cycle, unit: sheet.unit.id), by: viewer.actor.id,
                scoring: scoring)
        }
        return page("spotcheck", viewer: viewer, title: "Phúc tra — \(sheet.unit.name)", model)
    }

    // MARK: Survey contractor

    func survey(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context, needs: .surveyContractor)
        return page(
            "survey", viewer: viewer, title: "Nhập điểm điều tra xã hội học",
            try SurveyPage(record, scoring: scoring))
    }

    // MARK: Secretariat

    func secretariat(_ context: WebContext) throws -> Response {
        let viewer = try viewer(context, needs: .secretariat)
        let model = SecretariatPage(
            actors: try scoring.ledger.allActors(), cycles: try scoring.cycles(), frameworks: try scoring.frameworks())
        return page("secretariat", viewer: viewer, title: "Văn phòng thường trực", model)
    }

    func dashboard(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context, needs: .secretariat)
        let now = scoring.ledger.now()
        var model = DashboardPage(
            record, status: try scoring.status(cycle: record.opened.cycle, now: now),
            objections: try scoring.objectionsReport(cycle: record.opened.cycle), today: Vietnamese.today(now))
        model.addChoices(record, names: ActorNames(try scoring.ledger.allActors()))
        if record.opened.effectiveScheme == .whole {
            model.addWholeScheme(
                record, names: ActorNames(try scoring.ledger.allActors()),
                frameworks: try scoring.frameworks(of: record),
                resultsHash: try scoring.results(cycle: record.opened.cycle).hash)
        }
        if record.publication == nil {
            // Tried as of the approved decision, or of a decision dated today (the window's last day, once past).
            let date = min(Vietnamese.today(now), record.opened.effectivePublicationWindow.until)
            model.publish = Offer(
                PublishResults(
                    cycle: record.opened.cycle, decision: record.approval?.decision ?? "—",
                    date: record.approval?.date ?? date),
                by: viewer.actor.id, scoring: scoring)
        }
        return page("dashboard", viewer: viewer, title: "Theo dõi kỳ đánh giá", model)
    }
}

// MARK: Province's chairman and vice-chairmen

extension Pages {
    func approval(_ context: WebContext) throws -> Response {
        let record = try cycle(context)
        let viewer = try viewer(context, needs: .provinceChair, or: .provinceViceChair)
        guard record.opened.effectiveScheme == .whole else {
            throw WebError(
                status: .notFound, kind: "not-found",
                message: "this cycle follows scheme 1, which has no approval",
                vi: "Kỳ này theo quy trình 1: Văn phòng thường trực công bố kết quả, không có bước phê duyệt.")
        }
        let cycleID = record.opened.cycle
        let now = scoring.ledger.now()
        let model = ApprovalPage(
            record, viewer: viewer.actor.id, chair: viewer.holds(.provinceChair),
            status: try scoring.status(cycle: cycleID, now: now), ranking: try scoring.ranking(cycle: cycleID),
            resultsHash: try scoring.results(cycle: cycleID).hash, names: ActorNames(try scoring.ledger.allActors()),
            today: Vietnamese.today(now))
        return page("approval", viewer: viewer, title: "Phê duyệt kết quả Chỉ số CCHC", model)
    }
}

extension PageHeader {
    /// The header of a role's page for `viewer`, the units of their roles by name (`units`), and a council
    /// member who chairs a council as its chair.
    init(title: String, page: String, viewer: Pages.Viewer, units: [String: String], chair: Bool) {
        let roles = Vietnamese.roles(viewer.actor.grants, unitNames: units)
        self.init(
            title: title, page: page, signedIn: true, actor: viewer.actor.id, actorName: viewer.actor.name,
            csrf: viewer.session.csrf,
            roles: chair
                ? roles.replacingOccurrences(
                    of: Vietnamese.role(Role.councilMember.rawValue), with: "Chủ tịch Hội đồng thẩm định") : roles)
    }
}
