import Ledger
public import LedgerFormat

/// Where a cycle stands and what is still missing — each unit's stage, deadline and lateness,
/// spot-check and survey, the council, the draw's commitment and close, the publication — the read
/// model of `parledger cycle show` and the secretariat's progress dashboard
/// (JSON: schemas/read-models/cycle-status.schema.json).
public struct CycleStatus: Sendable {
    /// One unit's progress.
    public struct UnitProgress: Sendable {
        public let unit: CycleUnit
        public let record: UnitRecord
        /// The deadline that applies to it: its extension, else the cycle's.
        public let deadline: String
        /// Still in self-assessment after its deadline (as of `asOf`).
        public let isLate: Bool
        /// Every survey criterion of its framework has survey points.
        public let surveyComplete: Bool

        /// The unit's progress, its lateness judged at `now`.
        package init(unit: CycleUnit, record: UnitRecord, deadline: String, surveyComplete: Bool, now: Timestamp) {
            (self.unit, self.record, self.deadline, self.surveyComplete) = (unit, record, deadline, surveyComplete)
            isLate = record.stage == .selfAssessment && Timestamp(iso8601: deadline).map { now > $0 } == true
        }
    }

    public let record: CycleRecord
    public let units: [UnitProgress]
    /// The moment lateness was judged at.
    public let asOf: Timestamp

    package init(record: CycleRecord, units: [UnitProgress], asOf: Timestamp) {
        (self.record, self.units, self.asOf) = (record, units, asOf)
    }

    /// The same progress with lateness judged at `now` instead: what the events say does not change
    /// with the time, only which deadlines have passed.
    package func judged(at now: Timestamp) -> CycleStatus {
        let units = units.map {
            UnitProgress(
                unit: $0.unit, record: $0.record, deadline: $0.deadline, surveyComplete: $0.surveyComplete, now: now)
        }
        return CycleStatus(record: record, units: units, asOf: now)
    }

    public var publicationWindow: PAREvents.DateWindow { record.opened.effectivePublicationWindow }

    /// How many units are at each stage, and how many are late.
    public var counts: (selfAssessment: Int, submitted: Int, sealed: Int, late: Int) {
        (
            units.count { $0.record.stage == .selfAssessment }, units.count { $0.record.stage == .submitted },
            units.count { $0.record.stage == .appraised }, units.count(where: \.isLate)
        )
    }

    public var json: JSONValue {
        let opened = record.opened
        let counts = counts
        return .object([
            "cycle": .string(opened.cycle), "name": .string(opened.name), "year": .integer(Int64(opened.year)),
            "frameworks": .object(opened.frameworks.mapValues(JSONValue.string)),
            "selfAssessmentDeadline": .string(opened.selfAssessmentDeadline),
            "publicationWindow": .object([
                "from": .string(publicationWindow.from), "until": .string(publicationWindow.until),
            ]),
            "council": .array(
                record.council.keys.sorted().compactMap { record.council[$0] }.map { member in
                    .object([
                        "actor": .string(member.actor), "chair": .bool(member.chair),
                        "fields": .object(member.fields.mapValues { .array($0.map(JSONValue.string)) }),
                    ])
                }),
            "spotCheckCommitment": record.spotCheckCommitment.map(JSONValue.string) ?? .null,
            "appraisalClosedAt": record.appraisalClosed.map { .integer(Int64($0.sequence)) } ?? .null,
            "spotCheckDrawn": .array(record.draws.keys.sorted().map(JSONValue.string)),
            "published": record.publication.map {
                .object([
                    "decision": .string($0.decision), "date": .string($0.date), "resultsHash": .string($0.resultsHash),
                ])
            } ?? .null,
            "progress": .object([
                "selfAssessment": .integer(Int64(counts.selfAssessment)),
                "submitted": .integer(Int64(counts.submitted)),
                "sealed": .integer(Int64(counts.sealed)), "late": .integer(Int64(counts.late)),
            ]),
            "asOf": .string(asOf.iso8601),
            "units": .array(
                units.map { progress in
                    .object([
                        "id": .string(progress.unit.id), "name": .string(progress.unit.name),
                        "kind": .string(progress.unit.kind.rawValue),
                        "stage": .string(progress.record.stage.rawValue), "deadline": .string(progress.deadline),
                        "late": .bool(progress.isLate),
                        "spotChecked": .bool(progress.record.spotChecked),
                        "spotCheckConcluded": .bool(progress.record.spotCheckConcluded),
                        "surveyComplete": .bool(progress.surveyComplete),
                        "excludedFromRanking": progress.record.excludedFromRanking.map(JSONValue.string) ?? .null,
                    ])
                }),
        ])
    }
}
