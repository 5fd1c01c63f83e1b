import Ledger
public import LedgerFormat

/// A council member's appraisal of a whole unit in one signed command: the page sends every criterion of
/// the member's fields with the points it shows; a criterion kept at the points already appraised (and
/// with no new reason) records nothing, any other records its appraisal (the self-score kept is a
/// recognition, which needs no reason; a changed score needs one, as `AppraisalScoreRecorded` always
/// does). Each event is judged by the same rule as a single appraisal.
public struct AppraiseUnit: PAROperation {
    public static let name = "appraise-unit"
    public let cycle: String
    public let unit: String
    public let rows: [Row]

    /// One criterion as the member leaves it.
    public struct Row: Codable, Sendable {
        public let criterion: String
        public let points: String
        /// Why the score differs from the unit's; empty or absent where it does not.
        public let reason: String?
        public let evidence: [String]?

        public init(criterion: String, points: String, reason: String? = nil, evidence: [String] = []) {
            (self.criterion, self.points, self.reason, self.evidence) = (criterion, points, reason, evidence)
        }
    }

    public init(cycle: String, unit: String, rows: [Row]) {
        (self.cycle, self.unit, self.rows) = (cycle, unit, rows)
    }

    public func events(_ context: OperationContext) throws -> [EventDraft] {
        var events: [EventDraft] = []
        for row in rows {
            let points = try context.points(row.points)
            let reason = row.reason?.trimmingWhiteSpace ?? ""
            let cited = try context.citations(row.evidence)
            let appraised = context.state.score(cycle, unit, row.criterion).appraised?.points
            if appraised == points && reason.isEmpty && cited.isEmpty { continue }
            events.append(
                PAREvents.AppraisalScoreRecorded(
                    cycle: cycle, unit: unit, criterion: row.criterion, points: points,
                    reason: reason.isEmpty ? nil : reason, evidence: cited.isEmpty ? nil : cited
                ).draft)
        }
        guard !events.isEmpty else {
            throw RuleViolation(
                "\(unit): nothing to record; every criterion is kept at the points already appraised",
                vi:
                    "\(context.state.unitName(cycle, unit)): không có gì để ghi; mọi tiêu chí đều giữ nguyên điểm đã thẩm định."
            )
        }
        return events
    }
}
