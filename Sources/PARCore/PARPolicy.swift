public import Ledger
public import LedgerFormat

/// Who may append what in a PAR Index ledger: each event type declares its roles (`PAREvent.roles`;
/// actor events are the secretariat's), a unit officer
/// acts only for its own unit (the event's `unit`), nobody who holds a role in a unit appraises or
/// spot-checks it, the secretariat alone manages actors (an actor may also rotate its own key), and
/// auditors append nothing.
public struct PARPolicy: AuthorizationPolicy {
    public init() {}

    public func authorize(_ command: Command, by actor: ActorRecord) throws {
        for draft in command.events {
            try checkGrantIsValid(draft)
            if draft.type == ActorEvent.keyRotated, draft.payload["actor"]?.stringValue == actor.id { continue }
            guard let roles = ActorEvent.types.contains(draft.type) ? [.secretariat] : PAREvents.roles[draft.type]
            else {
                throw LedgerError.notPermitted(reason: "'\(draft.type)' is not an event type of the PAR ledger")
            }
            let grants = actor.grants.filter { grant in roles.contains { $0.rawValue == grant.role } }
            let role = roles[0]
            guard !grants.isEmpty else {
                throw LedgerError.notPermitted(
                    reason:
                        "'\(actor.id)' (\(describe(actor))) may not record \(draft.type); that needs the role \(role.rawValue)",
                    vi: "Thao tác này cần vai trò \(role.vietnamese); sổ cái không ghi gì.")
            }
            let unit = draft.payload["unit"]?.stringValue
            guard grants.contains(where: { $0.scope == nil || $0.scope == unit }) else {
                let scopes = grants.compactMap(\.scope).joined(separator: ", ")
                throw LedgerError.notPermitted(
                    reason:
                        "'\(actor.id)' acts for \(scopes) only, not for \(unit.map { "'\($0)'" } ?? "all units") (\(draft.type))",
                    vi: "Bạn chỉ được thao tác cho đơn vị mình phụ trách, không cho đơn vị này; sổ cái không ghi gì.")
            }
            if roles.allSatisfy(\.judgesUnits), let unit, let tie = actor.grants.first(where: { $0.scope == unit }) {
                throw LedgerError.notPermitted(
                    reason:
                        "'\(actor.id)' holds the role \(tie.role) in '\(unit)' and may not judge that unit (\(draft.type))",
                    vi:
                        "Bạn giữ vai trò \(Role(rawValue: tie.role)?.vietnamese ?? tie.role) ở đơn vị này nên không được đánh giá đơn vị này; sổ cái không ghi gì."
                )
            }
        }
    }

    /// Roles given by enrolments and grants must be PAR roles, with a unit scope where one is needed.
    private func checkGrantIsValid(_ draft: EventDraft) throws {
        guard draft.type == ActorEvent.enrolled || draft.type == ActorEvent.roleGranted else { return }
        let name = draft.payload["role"]?.stringValue ?? ""
        guard let role = Role(rawValue: name) else {
            let known = Role.allCases.map(\.rawValue).joined(separator: ", ")
            throw LedgerError.invalidCommand(reason: "unknown role '\(name)' (roles: \(known))")
        }
        if role.needsUnitScope && draft.payload["scope"]?.stringValue == nil {
            throw LedgerError.invalidCommand(reason: "the role \(role.rawValue) needs a scope naming its unit")
        }
    }

    private func describe(_ actor: ActorRecord) -> String {
        actor.grants.isEmpty ? "no roles" : actor.grants.map(\.description).joined(separator: ", ")
    }
}
