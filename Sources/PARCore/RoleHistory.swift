public import Ledger
package import LedgerFormat

/// Who held which role, from which event until which: the grants that actor events gave and took
/// back, kept in the scoring state so that a rule of the cycle can ask whether the signer of an event
/// was the head of its unit, or the province's chairman, when it signed, in a view of the past as
/// well as at the head. The ledger's identity layer has already judged every actor event; this only
/// remembers what they did.
public struct RoleHistory: Sendable, Hashable {
    /// One grant held: given by the event at `from`, taken back by the one at `until` (nil while held).
    public struct Span: Sendable, Hashable {
        public let role: String
        public let scope: String?
        public let from: UInt64
        public package(set) var until: UInt64?

        package init(role: String, scope: String?, from: UInt64, until: UInt64?) {
            (self.role, self.scope, self.from, self.until) = (role, scope, from, until)
        }

        /// Whether the grant was held when the event at `sequence` was recorded.
        public func isHeld(at sequence: UInt64) -> Bool { from < sequence && until.map { sequence <= $0 } ?? true }
    }

    /// Every span by actor id, oldest first.
    public package(set) var spans: [String: [Span]] = [:]

    public init() {}

    /// Whether `actor` held `role` (limited to `scope` when one is given, else with no scope) when the
    /// event at `sequence` was recorded: a grant counts from the event after the one that gave it.
    public func holds(_ actor: String, _ role: Role, scope: String?, at sequence: UInt64) -> Bool {
        spans[actor]?.contains { $0.role == role.rawValue && $0.scope == scope && $0.isHeld(at: sequence) } ?? false
    }

    /// The roles `actor` held in unit `unit` when the event at `sequence` was recorded.
    public func roles(of actor: String, in unit: String, at sequence: UInt64) -> [String] {
        (spans[actor] ?? []).filter { $0.scope == unit && $0.isHeld(at: sequence) }.map(\.role)
    }

    /// Notes what an actor event (`ActorEnrolled`, `RoleGranted`, `RoleRevoked`) did to the grants;
    /// other events change nothing. Returns the spans of the actor before, when they changed.
    package mutating func note(_ type: String, payload: JSONValue, at sequence: UInt64) -> (String, [Span]?)? {
        guard type == ActorEvent.enrolled || type == ActorEvent.roleGranted || type == ActorEvent.roleRevoked,
            let actor = payload["actor"]?.stringValue, let role = payload["role"]?.stringValue
        else { return nil }
        let scope = payload["scope"]?.stringValue
        let before = spans[actor]
        if type == ActorEvent.roleRevoked {
            guard let open = before?.lastIndex(where: { $0.role == role && $0.scope == scope && $0.until == nil })
            else { return nil }
            spans[actor]?[open].until = sequence
        } else {
            spans[actor, default: []].append(Span(role: role, scope: scope, from: sequence, until: nil))
        }
        return (actor, before)
    }
}
