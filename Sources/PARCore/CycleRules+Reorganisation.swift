package import Ledger
import LedgerFormat

/// Units merged, renamed, split or dissolved between cycles.
extension CycleRules {
    package mutating func reorganise(_ event: RecordedEvent) throws {
        let reorganised = try payload(PAREvents.UnitsReorganised.self, of: event)
        guard event.stream == PAREvents.UnitsReorganised.stream else {
            throw RuleViolation("UnitsReorganised belongs in the stream '\(PAREvents.UnitsReorganised.stream)'")
        }
        guard !reorganised.decision.isBlank else { throw RuleViolation("a reorganisation cites its decision") }
        guard PAREvents.DateWindow.isDate(reorganised.date) else {
            throw RuleViolation("the reorganisation's date '\(reorganised.date)' is not a date YYYY-MM-DD")
        }
        guard !reorganised.changes.isEmpty else { throw RuleViolation("a reorganisation lists its changes") }
        var map = state.map
        let scored = Set(state.cycles.values.flatMap { $0.record.opened.units.map(\.id) })
        for change in reorganised.changes {
            if let problem = change.arityProblem { throw RuleViolation(problem) }
            for unit in change.from + change.to {
                if let problem = Slug.problem(unit, "unit") { throw RuleViolation(problem) }
            }
            guard Set(change.from).count == change.from.count, Set(change.to).count == change.to.count else {
                throw RuleViolation("a change names each unit once before and once after")
            }
            for unit in change.from {
                guard scored.contains(unit) || map.made.contains(unit) else {
                    throw RuleViolation.notFound(
                        "unit '\(unit)' is in no cycle and no earlier reorganisation; only a unit that exists can change"
                    )
                }
                guard !map.ended.contains(unit) else {
                    throw RuleViolation.stage("unit '\(unit)' was already merged, renamed, split or dissolved")
                }
            }
            for unit in change.to where !change.from.contains(unit) && !map.ended.contains(unit) {
                guard !scored.contains(unit) && !map.made.contains(unit) else {
                    throw RuleViolation.stage(
                        "unit '\(unit)' exists; a change makes a new unit or keeps the id of one it changes")
                }
            }
            map.apply(change)
        }
        undo.append(.map(state.map))
        state.map.note(reorganised, at: event.sequence)
    }
}
