import Ledger
public import LedgerFormat

/// A PAR rule an event breaks (DOMAIN.md, "Rules the ledger enforces"); the command is refused
/// and nothing is appended. Its kind says whether the input itself is wrong, the actor may not do
/// it, the cycle is not at that stage, or something named does not exist.
public struct RuleViolation: KindedError, Equatable, Sendable {
    public let reason: String
    public let kind: ErrorKind

    public init(_ reason: String, kind: ErrorKind = .invalidInput) {
        self.reason = reason
        self.kind = kind
    }

    /// The cycle or unit is not at the stage this needs (already done, not yet, closed, published).
    public static func stage(_ reason: String) -> RuleViolation { RuleViolation(reason, kind: .conflict) }
    /// The actor may not do this here (not on the council, not the chair, a party to the unit).
    public static func forbidden(_ reason: String) -> RuleViolation { RuleViolation(reason, kind: .forbidden) }
    /// Something named does not exist (a cycle, a unit of the cycle).
    public static func notFound(_ reason: String) -> RuleViolation { RuleViolation(reason, kind: .notFound) }

    public var description: String { "refused: \(reason); nothing was appended" }
}
