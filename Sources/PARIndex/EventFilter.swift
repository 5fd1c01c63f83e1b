public import Ledger
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
    func matcher(in ledger: Ledger) throws -> (RecordedEvent) throws -> Bool {
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

extension ScoringLedger {
    /// Calls `body` with each event from `start` on that matches `filter`, in order, until it returns false.
    public func forEachEvent(
        matching filter: EventFilter, from start: UInt64 = 1, _ body: (RecordedEvent) throws -> Bool
    ) throws {
        let matches = try filter.matcher(in: ledger)
        try ledger.forEachEvent(from: start) { event in try matches(event) ? body(event) : true }
    }

    /// The events from `start` on that match `filter`, in order; at most `limit` of them, and whether
    /// more would have followed.
    public func events(matching filter: EventFilter, from start: UInt64 = 1, limit: Int = .max) throws -> (
        events: [RecordedEvent], more: Bool
    ) {
        var found: [RecordedEvent] = []
        var more = false
        try forEachEvent(matching: filter, from: start) { event in
            guard found.count < limit else {
                more = true
                return false
            }
            found.append(event)
            return true
        }
        return (found, more)
    }
}
