import Ledger
public import LedgerFormat

/// A PAR rule an event breaks (DOMAIN.md, "Rules the ledger enforces"); the command is refused
/// and nothing is appended. Its kind says whether the input itself is wrong, the actor may not do
/// it, the cycle is not at that stage, or something named does not exist. `reason` says it in
/// English for the CLI and the logs; `vietnamese` says it for the person at the web pages, naming
/// units and cycles by their names and people by the ids in `actors`.
public struct RuleViolation: KindedError, Equatable, Sendable {
    public let reason: String
    public let vietnamese: String
    public let kind: ErrorKind
    public let actors: [String]

    public init(_ reason: String, vi vietnamese: String, kind: ErrorKind = .invalidInput, actors: [String] = []) {
        self.reason = reason
        self.vietnamese = vietnamese
        self.kind = kind
        self.actors = actors
    }

    /// The cycle or unit is not at the stage this needs (already done, not yet, closed, published).
    public static func stage(_ reason: String, vi: String, actors: [String] = []) -> RuleViolation {
        RuleViolation(reason, vi: vi, kind: .conflict, actors: actors)
    }
    /// The actor may not do this here (not on the council, not the chair, a party to the unit).
    public static func forbidden(_ reason: String, vi: String, actors: [String] = []) -> RuleViolation {
        RuleViolation(reason, vi: vi, kind: .forbidden, actors: actors)
    }
    /// Something named does not exist (a cycle, a unit of the cycle).
    public static func notFound(_ reason: String, vi: String, actors: [String] = []) -> RuleViolation {
        RuleViolation(reason, vi: vi, kind: .notFound, actors: actors)
    }

    /// `text` is not a valid id of `what` (`Slug`); `vi` names `what` in Vietnamese. Nil for a valid id.
    public static func invalidID(_ text: String, _ what: String, vi: String) -> RuleViolation? {
        Slug.problem(text, what).map { problem in
            RuleViolation(
                problem,
                vi:
                    "Mã \(vi) '\(text)' không hợp lệ: mã gồm 1 đến 64 ký tự là chữ thường không dấu, chữ số và dấu '-', bắt đầu và kết thúc bằng chữ hoặc số."
            )
        }
    }

    public var description: String { "refused: \(reason); nothing was appended" }
}

extension ProvinceState {
    /// The name of cycle `id` for a person to read; its id when there is no such cycle.
    package func cycleName(_ id: String) -> String { cycle(id)?.opened.name ?? id }

    /// The name of unit `id` of cycle `cycle` for a person to read; its id when the cycle has no such unit.
    package func unitName(_ cycle: String, _ id: String) -> String { self.cycle(cycle)?.unitName(id) ?? id }

    /// The name of unit `id` in the first cycle that has it, for rules that know no cycle; its id when none has it.
    package func unitName(_ id: String) -> String {
        cycles.keys.sorted().lazy.compactMap { self.cycle($0)?.unit(id)?.name }.first ?? id
    }
}

extension CycleRecord {
    /// The name of unit `id` of this cycle; its id when the cycle has no such unit.
    public func unitName(_ id: String) -> String { unit(id)?.name ?? id }

    /// The names of `ids`, joined with ", " as a person reads a list of units.
    public func unitNames(_ ids: some Sequence<String>) -> String { ids.map(unitName).joined(separator: ", ") }
}
