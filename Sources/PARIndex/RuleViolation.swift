/// A PAR rule an event breaks (DOMAIN.md, "Rules the ledger enforces"); the command is refused
/// and nothing is appended.
public struct RuleViolation: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "refused: \(reason); nothing was appended" }
}
