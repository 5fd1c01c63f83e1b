import Ledger
public import LedgerFormat

/// A cycle's objections (kiến nghị) after publication, in filing order — who objected to what and why,
/// the secretariat's answer, and the corrections that cite each — the read model of
/// `parledger objection list` (JSON: schemas/read-models/objections.schema.json).
public struct ObjectionsReport: Sendable {
    public let cycle: String
    /// The decision that published the cycle, nil while it is not published.
    public let publishedBy: String?
    /// The last moment objections may be filed (`ObjectionWindow`), nil while the cycle is not published.
    public let deadline: Timestamp?
    /// In the order they were filed.
    public let objections: [ObjectionRecord]

    public var json: JSONValue {
        .object([
            "cycle": .string(cycle),
            "publishedBy": publishedBy.map(JSONValue.string) ?? .null,
            "deadline": deadline.map { .string($0.iso8601) } ?? .null,
            "objections": .array(objections.map(\.json)),
        ])
    }
}

extension ProjectionReading {
    /// The objections filed in a cycle, with their answers and the corrections citing them.
    public func objectionsReport(cycle cycleID: String) throws -> ObjectionsReport {
        guard let record = try cycle(cycleID.nfc) else {
            throw RuleViolation.notFound("no cycle '\(cycleID)'", vi: "Không có kỳ đánh giá '\(cycleID)'.")
        }
        let publication = record.publication
        return ObjectionsReport(
            cycle: cycleID.nfc, publishedBy: publication?.decision,
            deadline: publication.flatMap { ObjectionWindow.deadline(publishedOn: $0.date) },
            objections: try objections(cycle: cycleID))
    }
}
