package import Ledger
public import LedgerFormat

// The map of units changing between cycles: units merged, renamed, split or dissolved by a cited
// decision, recorded by the secretariat, which the change on the previous cycle follows.
// The payload, its type name, roles, stream and canonical coding (PAREvent) here, the rule that
// judges it in CycleRules+Reorganisation.swift, what it keeps in UnitMap.swift.

extension PAREvents {
    /// The province's units reorganised by a decision (a resolution of the National Assembly's Standing
    /// Committee, a government decree, a provincial decision), effective on a date.
    public struct UnitsReorganised: Sendable, Hashable {
        /// The stream every reorganisation is recorded in, in order.
        public static let stream = "reorganisations"

        /// The decision (số hiệu and issuer) that reorganises the units.
        public let decision: String
        /// When the change takes effect, `YYYY-MM-DD`.
        public let date: String
        public let changes: [UnitChange]

        public init(decision: String, date: String, changes: [UnitChange]) {
            (self.decision, self.date, self.changes) = (decision.nfc, date.nfc, changes)
        }
    }

    /// One change to the map: which units (ids) become which.
    public struct UnitChange: Sendable, Hashable {
        public enum Kind: String, Sendable, CaseIterable {
            /// Several units become one (which may keep the id of one of them).
            case merged
            /// One unit goes on under another id.
            case renamed
            /// One unit becomes several.
            case split
            /// Units cease to exist without successors.
            case dissolved
        }

        /// The kind as written (`merged`, `renamed`, `split`, `dissolved`).
        public let change: String
        public let from: [String]
        public let to: [String]

        public init(change: String, from: [String], to: [String]) {
            (self.change, self.from, self.to) = (change, from.map(\.nfc), to.map(\.nfc))
        }

        /// Why the numbers of units before and after do not fit the kind of change, or nil.
        var arityViolation: RuleViolation? {
            switch Kind(rawValue: change) {
            case nil:
                RuleViolation(
                    "a change is one of \(Kind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(change)'",
                    vi:
                        "Thay đổi phải là một trong \(Kind.allCases.map(\.rawValue).joined(separator: ", ")), không phải '\(change)'."
                )
            case .merged? where from.count < 2 || to.count != 1:
                RuleViolation(
                    "a merger makes one unit of two or more", vi: "Sáp nhập là gộp hai đơn vị trở lên thành một.")
            case .renamed? where from.count != 1 || to.count != 1 || from == to:
                RuleViolation(
                    "a renaming gives one unit another id", vi: "Đổi tên là đổi mã của một đơn vị sang mã khác.")
            case .split? where from.count != 1 || to.count < 2:
                RuleViolation(
                    "a split makes two or more units of one",
                    vi: "Chia tách là tách một đơn vị thành hai đơn vị trở lên.")
            case .dissolved? where from.isEmpty || !to.isEmpty:
                RuleViolation(
                    "a dissolution ends units without successors",
                    vi: "Giải thể là chấm dứt đơn vị mà không có đơn vị kế thừa.")
            default: nil
            }
        }
    }
}

extension PAREvents.UnitsReorganised: PAREvent {
    public static let type = "UnitsReorganised"
    public static let roles: [Role] = [.secretariat]
    public var stream: String { Self.stream }
    public var json: JSONValue {
        .object([
            "decision": .text(decision), "date": .text(date),
            "changes": .array(
                changes.map {
                    .object([
                        "change": .string($0.change), "from": .array($0.from.map(JSONValue.text)),
                        "to": .array($0.to.map(JSONValue.text)),
                    ])
                }),
        ])
    }
    public init(payload: PayloadReader) throws(RuleViolation) {
        self.init(
            decision: try payload.string("decision"), date: try payload.string("date"),
            changes: try payload.objects("changes") { (change) throws(RuleViolation) in
                PAREvents.UnitChange(
                    change: try change.string("change"), from: try change.strings("from"), to: try change.strings("to"))
            })
    }
}

extension PAREvents.UnitsReorganised: RuledEvent {
    package static func apply(_ event: RecordedEvent, to rules: inout CycleRules) throws { try rules.reorganise(event) }
}
