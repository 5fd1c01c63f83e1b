package import Ledger
public import LedgerFormat

// Who decides: the province's chairman approves a cycle's results (signing "TM. ỦY BAN NHÂN DÂN /
// CHỦ TỊCH"), or a vice-chairman signs in his place ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") under a recorded
// delegation; in a cycle of scheme 2 the secretariat publishes only what was approved.
// Each event type: its payload, its type name, roles, stream and canonical coding (PAREvent), and
// the rule that judges it (CycleRules+Approval.swift), beside each other.

extension PAREvents {
    /// The chairman of the province's People's Committee assigns a vice-chairman to sign the approval
    /// of a cycle's results in his place, citing the decision that assigns it.
    public struct SigningDelegated: Sendable, Hashable {
        public let cycle: String
        /// The vice-chairman (`province-vice-chair`) who signs "KT. CHỦ TỊCH".
        public let delegate: String
        /// The decision (số hiệu) that assigns the signing.
        public let decision: String

        public init(cycle: String, delegate: String, decision: String) {
            (self.cycle, self.delegate, self.decision) = (cycle.nfc, delegate.nfc, decision.nfc)
        }
    }
}

extension PAREvents.SigningDelegated: PAREvent {
    public static let type = "SigningDelegated"
    public static let roles: [Role] = [.provinceChair]
    public var stream: String { PAREvents.cycleStream(cycle) }
    public var json: JSONValue {
        .object(["cycle": .text(cycle), "delegate": .text(delegate), "decision": .text(decision)])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            cycle: try payload.string("cycle"), delegate: try payload.string("delegate"),
            decision: try payload.string("decision"))
    }
}

extension PAREvents.SigningDelegated: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.delegateSigning(event)
    }
}

extension PAREvents {
    /// The province approves the results of a cycle by its decision: the results the events give now,
    /// named by their hash, which the secretariat then publishes.
    public struct ResultsApproved: ResultsDecisionEvent, Hashable {
        public static let type = "ResultsApproved"
        public static let roles: [Role] = [.provinceChair, .provinceViceChair]
        public let cycle: String
        /// The decision's number (số hiệu), which the publication cites.
        public let decision: String
        /// The decision's date, `YYYY-MM-DD`.
        public let date: String
        /// SHA-256 of the canonical results approved.
        public let resultsHash: String

        public init(cycle: String, decision: String, date: String, resultsHash: String) {
            self.cycle = cycle.nfc
            self.decision = decision.nfc
            self.date = date.nfc
            self.resultsHash = resultsHash.nfc
        }
    }
}

extension PAREvents.ResultsApproved: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws {
        try rules.approve(event)
    }
}
