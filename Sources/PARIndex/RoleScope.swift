import Ledger

extension ScoringLedger {
    /// Why `scope` cannot be the unit a role is limited to, or nil. A scope is a unit id (a slug);
    /// once the ledger has cycles it must be a unit of one of them, so that a typo does not enrol
    /// an officer for a unit nobody scores. The refusal lists the units the ledger knows.
    public func scopeProblem(_ scope: String) throws -> String? {
        if let problem = Slug.problem(scope, "scope") { return problem }
        let units = Set(try cycles().flatMap { $0.opened.units.map(\.id) })
        guard !units.isEmpty, !units.contains(scope.nfc) else { return nil }
        return
            "the scope '\(scope)' is not a unit of any cycle of this ledger; the units are: \(units.sorted().joined(separator: ", "))"
    }
}
