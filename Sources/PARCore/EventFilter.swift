package import Ledger
public import LedgerFormat

/// Which events a person looks for in the history: by cycle, unit, criterion, actor, the role the
/// actor holds, type and recording time. Every condition given must hold. The CLI's `log` and the
/// web explorer search with it.
public struct EventFilter: Sendable {
    public var cycle: String?
    public var unit: String?
    public var criterion: String?
    public var actor: String?
    /// Only events signed by actors who hold (or held) this role.
    public var role: String?
    public var types: [String] = []
    public var since: Timestamp?
    public var until: Timestamp?

    public init() {}

    /// Whether nothing is asked for, so every event matches.
    public var isEmpty: Bool {
        cycle == nil && unit == nil && criterion == nil && actor == nil && role == nil && types.isEmpty
            && since == nil && until == nil
    }

    /// Every event type a PAR ledger records.
    public static let eventTypes = (Array(PAREvents.roles.keys) + ActorEvent.types).sorted()

    /// `matches` with the actors of `ledger` that hold `role` looked up once.
    package func matcher(in ledger: Ledger) throws -> (RecordedEvent) throws -> Bool {
        let roleHolders: Set<String>? = try role.map { role in
            Set(try ledger.allActors().filter { actor in actor.grants.contains { $0.role == role } }.map(\.id))
        }
        let cycleStream = cycle.map(PAREvents.cycleStream)
        let (unit, criterion, actor) = (unit?.nfc, criterion?.nfc, actor?.nfc)
        return { event in
            if let actor, event.actor != actor { return false }
            if let roleHolders, !roleHolders.contains(event.actor) { return false }
            if !types.isEmpty, !types.contains(event.type) { return false }
            if let cycleStream, event.stream != cycleStream, !event.stream.hasPrefix(cycleStream + "/") {
                return false
            }
            if let since, event.recordedAt < since { return false }
            if let until, event.recordedAt > until { return false }
            if unit != nil || criterion != nil {
                let payload = try event.payloadValue
                if let unit, payload["unit"]?.stringValue != unit { return false }
                if let criterion, payload["criterion"]?.stringValue != criterion { return false }
            }
            return true
        }
    }
}
