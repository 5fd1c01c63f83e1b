import Foundation
import Hummingbird
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The secretariat's page of e-mail reminders (`reminders.mustache`, `/van-phong/thu-nhac-viec`): the
/// mail server and the unit officers' addresses, kept in the settings file and never in the ledger; the
/// password is never shown back.
struct RemindersPage: PageModel {
    let host: String
    let port: Int
    let user: String
    let sender: String
    let daysBefore: Int
    let passwordSet: Bool
    let officers: [OfficerAddress]
}

/// A unit officer, by name with their units' names, and the address reminders go to.
struct OfficerAddress {
    let id: String
    let name: String
    let units: String
    let address: String
}

/// The routes of the reminders' settings: the page, and `PUT /api/reminder-settings` that saves them.
struct ReminderSettingsRoutes {
    let scoring: ScoringLedger
    let pages: Pages

    var path: String { ReminderSettings.path(beside: scoring.ledger) }

    func register(on router: Router<WebContext>) {
        router.get("van-phong/thu-nhac-viec") { _, context in
            let viewer = try pages.viewer(context, needs: .secretariat)
            return pages.page("reminders", viewer: viewer, title: "Thư nhắc việc", try model())
        }
        router.put("api/reminder-settings") { request, context in
            _ = try pages.viewer(context, needs: .secretariat)
            let settings = try read(try await API.body(request, limit: 64 << 10), kept: try ReminderSettings.load(path))
            try settings.save(path)
            context.logger.notice("reminder settings saved", metadata: ["addresses": "\(settings.addresses.count)"])
            return Response(status: .noContent)
        }
    }

    func model() throws -> RemindersPage {
        let settings = try ReminderSettings.load(path)
        let cycles = try scoring.cycles()
        func unitName(_ id: String) -> String {
            cycles.reversed().lazy.compactMap { $0.unit(id)?.name }.first ?? id
        }
        let officers = try scoring.ledger.allActors().compactMap { actor -> OfficerAddress? in
            let units = actor.grants.filter { $0.role == Role.unitOfficer.rawValue }.compactMap(\.scope)
            guard actor.status == .active, !units.isEmpty else { return nil }
            return OfficerAddress(
                id: actor.id, name: actor.name, units: units.map(unitName).joined(separator: ", "),
                address: settings.addresses[actor.id] ?? "")
        }
        let smtp = settings.smtp
        return RemindersPage(
            host: smtp.host, port: smtp.port, user: smtp.user, sender: smtp.sender, daysBefore: settings.daysBefore,
            passwordSet: !smtp.password.isEmpty, officers: officers)
    }

    /// The settings a request asks for; an empty password keeps the one `kept`. Throws a Vietnamese
    /// refusal for anything wrong, and nothing is saved then.
    func read(_ body: JSONValue, kept: ReminderSettings) throws -> ReminderSettings {
        func refuse(_ vietnamese: String) -> WebError {
            WebError(
                status: .badRequest, kind: "invalid-input", message: "the reminder settings are refused", vi: vietnamese
            )
        }
        guard case .object(let fields) = body, case .object(let addresses)? = fields["addresses"] else {
            throw refuse("Yêu cầu phải có máy chủ thư và danh sách địa chỉ.")
        }
        func text(_ key: String) -> String { fields[key]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? "" }
        var settings = kept
        settings.smtp.host = text("host")
        settings.smtp.user = text("user")
        settings.smtp.sender = text("sender")
        if !text("password").isEmpty { settings.smtp.password = fields["password"]?.stringValue ?? "" }
        if settings.smtp.user.isEmpty { settings.smtp.password = "" }
        guard let port = fields["port"]?.integerValue, (1...65535).contains(port) else {
            throw refuse("Cổng máy chủ thư phải là số từ 1 đến 65535.")
        }
        guard let days = fields["daysBefore"]?.integerValue, (1...30).contains(days) else {
            throw refuse("Số ngày nhắc trước hạn phải từ 1 đến 30.")
        }
        (settings.smtp.port, settings.daysBefore) = (Int(port), Int(days))
        guard !settings.smtp.host.contains(where: { $0.isWhitespace || !$0.isASCII }) else {
            throw refuse("Tên máy chủ thư '\(settings.smtp.host)' không hợp lệ.")
        }
        if !settings.smtp.host.isEmpty, let problem = ReminderSettings.problem(address: settings.smtp.sender) {
            throw refuse("Địa chỉ gửi: \(problem)")
        }
        settings.addresses = [:]
        for (id, value) in addresses {
            guard let actor = try scoring.ledger.actor(id) else {
                throw refuse("Không có cán bộ '\(id)' trong sổ cái này.")
            }
            guard let address = value.stringValue?.trimmingCharacters(in: .whitespaces) else {
                throw refuse("Địa chỉ thư của \(actor.name) phải là một chuỗi ký tự.")
            }
            if address.isEmpty { continue }
            if let problem = ReminderSettings.problem(address: address) { throw refuse("\(actor.name): \(problem)") }
            settings.addresses[id] = address
        }
        return settings
    }
}
