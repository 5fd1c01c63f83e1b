import Ledger
public import LedgerFormat

/// A unit's scores per criterion — each stage's mark with who set it, when, why and on what
/// evidence, the one that counts, and the council's requests for explanations with the unit's
/// answers — with the unit's stage and totals: the read model of `parledger scores`
/// and the web's score sheet (JSON: schemas/read-models/unit-scores.schema.json).
public struct UnitScoresReport: Sendable {
    /// One leaf criterion's marks.
    public struct Line: Sendable {
        public let criterion: Criterion
        public let score: CriterionScore
        /// The council's requests for explanations of this criterion, in the order they were made.
        public let explanations: [ExplanationRecord]
        /// Marked not applicable (and not corrected since): it counts neither in points nor maximum.
        public var isNotApplicable: Bool { score.notApplicable != nil && score.correction == nil }
        /// The mark that counts, nil when none does.
        public var effective: Mark? { isNotApplicable ? nil : score.effective(method: criterion.method ?? .assessed) }
    }

    public let cycle: String
    public let unit: String
    public let lines: [Line]
    /// Where the unit stands in the cycle.
    public let stage: UnitStage
    /// The unit's totals, index, class and rank.
    public let result: UnitResult?

    public var json: JSONValue {
        func mark(_ value: Mark?) -> JSONValue {
            guard let value else { return .null }
            var object: [String: JSONValue] = [
                "actor": .string(value.actor), "sequence": .integer(Int64(value.sequence)), "at": .string(value.at),
            ]
            if let points = value.points { object["points"] = .string(points) }
            if let reason = value.reason { object["reason"] = .string(reason) }
            if let decision = value.decision { object["decision"] = .string(decision) }
            if let evidence = value.evidence, !evidence.isEmpty { object["evidence"] = .array(evidence.map(\.json)) }
            return .object(object)
        }
        func explanation(_ record: ExplanationRecord) -> JSONValue {
            var object: [String: JSONValue] = [
                "request": .string(record.request), "question": .string(record.question),
                "askedBy": .string(record.askedBy), "askedAt": .string(record.askedAt),
                "evidence": .array((record.answer?.evidence ?? []).map(\.json)),
            ]
            if let answer = record.answer {
                object["answer"] = .string(answer.text)
                object["answeredBy"] = .string(answer.by)
                object["answeredAt"] = .string(answer.at)
            }
            return .object(object)
        }
        var object: [String: JSONValue] = [
            "cycle": .string(cycle), "unit": .string(unit), "stage": .string(stage.rawValue),
            "criteria": .array(
                lines.map { line in
                    .object([
                        "code": .string(line.criterion.code), "title": .string(line.criterion.title),
                        "maxPoints": .string(line.criterion.maxPoints.description),
                        "method": .string(line.criterion.method?.rawValue ?? ""),
                        "self": mark(line.score.selfScore), "notApplicable": mark(line.score.notApplicable),
                        "notApplicableRejected": mark(line.score.notApplicableRejected),
                        "appraised": mark(line.score.appraised),
                        "spotCheck": mark(line.score.spotCheck), "survey": mark(line.score.survey),
                        "correction": mark(line.score.correction),
                        "effective": mark(line.effective),
                        "explanations": .array(line.explanations.map(explanation)),
                    ])
                }),
        ]
        if let result {
            object["points"] = .string(result.points.description)
            object["maxPoints"] = .string(result.maxPoints.description)
            object["index"] = .string(result.indexText)
            object["class"] = .string(result.className)
            object["rank"] = result.rank.map { .integer(Int64($0)) } ?? .null
        }
        return .object(object)
    }
}

extension ProjectionReading {
    /// A unit's scores per criterion with its totals.
    public func unitScores(cycle cycleID: String, unit unitID: String) throws -> UnitScoresReport {
        let requests = Dictionary(grouping: try explanations(cycle: cycleID, unit: unitID), by: \.criterion)
        let lines = try scores(cycle: cycleID, unit: unitID).map {
            UnitScoresReport.Line(criterion: $0.0, score: $0.1, explanations: requests[$0.0.code] ?? [])
        }
        let result = try results(cycle: cycleID).units.first { $0.unit.id == unitID.nfc }
        let stage = try unitRecord(cycle: cycleID, unit: unitID)?.stage ?? .selfAssessment
        return UnitScoresReport(cycle: cycleID.nfc, unit: unitID.nfc, lines: lines, stage: stage, result: result)
    }
}
