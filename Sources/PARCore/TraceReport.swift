import Ledger
public import LedgerFormat

/// How a criterion's score, or a unit's total, came to be: every event that changed it, each with
/// the criterion, old → new, the actor and their roles, the reason and the evidence cited — the read
/// model of `parledger trace` and the auditor's timeline (JSON: schemas/read-models/trace.schema.json).
public struct TraceReport: Sendable {
    public let cycle: String
    public let unit: String
    /// The criterion traced; nil for the unit's total (points / applicable maximum / index).
    public let criterion: String?
    public let entries: [TraceEntry]
    /// Each actor's roles, as the ledger's actors hold them now.
    public let roles: [String: String]

    package init(cycle: String, unit: String, criterion: String?, entries: [TraceEntry], roles: [String: String]) {
        (self.cycle, self.unit, self.criterion, self.entries, self.roles) = (cycle, unit, criterion, entries, roles)
    }

    public var json: JSONValue {
        .object([
            "cycle": .string(cycle), "unit": .string(unit), "criterion": criterion.map(JSONValue.string) ?? .null,
            "entries": .array(
                entries.map { entry in
                    .object([
                        "sequence": .integer(Int64(entry.event.sequence)),
                        "recordedAt": .string(entry.event.recordedAt.iso8601),
                        "actor": .string(entry.event.actor), "role": .string(roles[entry.event.actor] ?? ""),
                        "stage": .string(entry.stage),
                        "type": .string(entry.event.type), "criterion": entry.criterion.map(JSONValue.string) ?? .null,
                        "before": .string(entry.before), "after": .string(entry.after),
                        "reason": entry.reason.map(JSONValue.string) ?? .null,
                        "evidence": .array(entry.evidence.map(\.json)),
                        "eventHash": .string(entry.event.hash.hex),
                    ])
                }),
        ])
    }
}
