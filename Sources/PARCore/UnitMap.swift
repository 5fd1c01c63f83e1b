package import Ledger

/// The province's units across reorganisations: every recorded change, and which unit ids have
/// ended (merged into another, renamed, split or dissolved) and not been made again since. The
/// change on the previous cycle follows a unit back through it (`predecessors`).
public struct UnitMap: Sendable, Hashable {
    /// A recorded change: the decision, its date and the change, with the event that recorded it.
    public struct Step: Sendable, Hashable {
        public let decision: String
        public let date: String
        public let change: PAREvents.UnitChange
        public let sequence: UInt64
    }

    public package(set) var steps: [Step] = []
    /// Units that no longer exist under their id.
    public package(set) var ended: Set<String> = []
    /// Units made by a change (they may be scored by later cycles).
    public package(set) var made: Set<String> = []

    public init() {}

    /// Notes a reorganisation the rules accepted.
    package mutating func note(_ reorganised: PAREvents.UnitsReorganised, at sequence: UInt64) {
        for change in reorganised.changes {
            steps.append(
                Step(decision: reorganised.decision, date: reorganised.date, change: change, sequence: sequence))
            apply(change)
        }
    }

    /// Notes a recorded `UnitsReorganised` event, as the storage reads its stream back.
    package mutating func note(_ event: RecordedEvent) throws(RuleViolation) {
        note(try PAREvents.UnitsReorganised.decode(event), at: event.sequence)
    }

    /// Ends the units a change makes into others and makes its new ones.
    package mutating func apply(_ change: PAREvents.UnitChange) {
        ended.formUnion(change.from)
        ended.subtract(change.to)
        made.formUnion(change.to)
    }

    /// The units of `previous` that `unit` continues: itself when `previous` scored it, and those any
    /// recorded change made it from, followed back through earlier changes; in the order met.
    public func predecessors(of unit: String, in previous: Set<String>) -> [String] {
        var found: [String] = []
        var visited: Set<String> = []
        var pending = [unit]
        while let current = pending.popLast() {
            guard visited.insert(current).inserted else { continue }
            if previous.contains(current) { found.append(current) }
            for step in steps.reversed() where step.change.to.contains(current) {
                pending.append(contentsOf: step.change.from.reversed())
            }
        }
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
