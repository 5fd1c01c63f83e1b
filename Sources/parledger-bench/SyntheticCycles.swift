import Foundation
import Ledger
import PARIndex

/// Writes a realistic PAR ledger of a chosen size: whole cycles of many units scored on the Điện
/// Biên frameworks, with every stage a real cycle has (evidence, self-scores, submission, an
/// appraisal decision on every criterion, the 10% spot-check draw and its re-checks, the survey,
/// publication), each command signed by the actor whose role it needs.
///
/// Commands are signed outside the clock; only `ScoringLedger.append(batch:)` is timed, with about
/// `batchEvents` events per write transaction (commands are never split).
final class SyntheticCycles {
    private let scoring: ScoringLedger
    private let frameworks: [UnitKind: Framework]
    private let batchEvents: Int
    private var random = SyntheticRandom(seed: 2019)
    private var keys: [String: SigningKey] = [:]
    private var pending: [Command] = []
    private var pendingEvents = 0
    private var commands = 0
    private(set) var appendSeconds = 0.0
    private(set) var transactions = 0
    private(set) var timedEvents = 0

    init(scoring: ScoringLedger, frameworks: [UnitKind: Framework], batchEvents: Int) {
        self.scoring = scoring
        self.frameworks = frameworks
        self.batchEvents = batchEvents
    }

    static let secretariat = "so-noi-vu"
    static let council = "hoi-dong-tham-dinh"
    static let steeringCommittee = "ban-chi-dao"
    static let surveyContractor = "nha-thau-dtxhh"

    /// Enrols the actors and registers the frameworks (not timed), then appends `cycles` cycles of
    /// `unitsPerCycle` units each (timed).
    func run(cycles: Int, unitsPerCycle: Int, progress: (UInt64) -> Void) throws {
        let units = (1...unitsPerCycle).map { index in
            let kind: UnitKind = index % 3 == 0 ? .district : .department
            let id = String(format: "%@-%04d", kind == .district ? "huyen" : "so", index)
            return CycleUnit(id: id, name: kind == .district ? "UBND huyện số \(index)" : "Sở chuyên môn số \(index)", kind: kind)
        }
        try enrol(units)
        var previous: String?
        for year in 2019..<(2019 + cycles) {
            let cycle = "bench-\(year)"
            try runCycle(cycle, year: year, previous: previous, units: units, progress: progress)
            previous = cycle
        }
    }

    private func key(for actor: String) -> SigningKey {
        if let key = keys[actor] { return key }
        let key = SigningKey(seed: EventHash.of(Array("parledger-bench|\(actor)".utf8)).bytes) ?? SigningKey()
        keys[actor] = key
        return key
    }

    /// The secretariat's key, for the export's signed checkpoint.
    var secretariatKey: SigningKey { key(for: Self.secretariat) }

    private func enrol(_ units: [CycleUnit]) throws {
        let secretariat = key(for: Self.secretariat)
        let first = ActorEvent.enrolment(actor: Self.secretariat, name: "Sở Nội vụ", grant: RoleGrant(role: Role.secretariat.rawValue, scope: nil),
                                         publicKey: secretariat.publicKey)
        try scoring.append(try scoring.ledger.sign(Command(id: "bench-enrol", actor: Self.secretariat, events: [first]), with: secretariat))
        var events = [
            enrolment(Self.council, "Hội đồng thẩm định", .councilMember, nil),
            enrolment(Self.steeringCommittee, "Ban Chỉ đạo CCHC", .steeringCommittee, nil),
            enrolment(Self.surveyContractor, "Đơn vị điều tra xã hội học", .surveyContractor, nil),
        ]
        events += units.map { enrolment("can-bo-\($0.id)", "Cán bộ CCHC \($0.name)", .unitOfficer, $0.id) }
        events += frameworks.values.sorted { $0.unitKind.rawValue < $1.unitKind.rawValue }.map { PARPayload.FrameworkRegistered(framework: $0).draft }
        try scoring.append(try sign(Self.secretariat, events))
    }

    private func enrolment(_ id: String, _ name: String, _ role: Role, _ scope: String?) -> EventDraft {
        ActorEvent.enrolment(actor: id, name: name, grant: RoleGrant(role: role.rawValue, scope: scope), publicKey: key(for: id).publicKey)
    }

    private func sign(_ actor: String, _ events: [EventDraft]) throws -> Command {
        commands += 1
        return try scoring.ledger.sign(Command(id: "bench-\(commands)", actor: actor, events: events), with: key(for: actor))
    }

    /// Queues a signed command, appending the queue first when this command would overfill the batch.
    private func issue(_ actor: String, _ events: [EventDraft]) throws {
        let command = try sign(actor, events)
        if pendingEvents > 0 && pendingEvents + events.count > batchEvents { try flush() }
        pending.append(command)
        pendingEvents += events.count
    }

    private func flush() throws {
        guard !pending.isEmpty else { return }
        let start = ContinuousClock.now
        try scoring.append(batch: pending)
        appendSeconds += (ContinuousClock.now - start).seconds
        transactions += 1
        timedEvents += pendingEvents
        pending = []
        pendingEvents = 0
    }

    private func runCycle(_ cycle: String, year: Int, previous: String?, units: [CycleUnit], progress: (UInt64) -> Void) throws {
        let opened = PARPayload.CycleOpened(
            cycle: cycle, name: "Chỉ số CCHC năm \(year)", year: year, frameworks: frameworks.mapValues(\.id), units: units,
            selfAssessmentDeadline: Timestamp(iso8601: "2999-01-14T16:59:59Z") ?? Timestamp(millisecondsSinceEpoch: 0),
            previousCycle: previous
        )
        let allFields = frameworks.mapValues { $0.fields.map(\.code) }
        try issue(Self.secretariat, [
            opened.draft,
            PARPayload.CouncilMemberAssigned(cycle: cycle, actor: Self.council, fields: allFields, chair: true).draft,
        ])
        let secret = EventHash.of(Array("bench|\(cycle)".utf8)).bytes
        try issue(Self.steeringCommittee, [PARPayload.SpotCheckSeedCommitted(cycle: cycle, commitment: SpotCheckDraw.commitment(to: secret).hex).draft])
        var marks: [String: [String: Points]] = [:]
        for unit in units {
            marks[unit.id] = try selfAssess(cycle, unit, year: year)
            progress(UInt64(timedEvents))
        }
        for unit in units {
            try appraise(cycle, unit, selfScores: marks[unit.id] ?? [:])
            progress(UInt64(timedEvents))
        }
        try importSurvey(cycle, units)
        try issue(Self.council, [PARPayload.AppraisalClosed(cycle: cycle).draft])
        try flush()
        for kind in UnitKind.allCases where units.contains(where: { $0.kind == kind }) {
            try issue(Self.steeringCommittee, [try scoring.spotCheckDraw(cycle: cycle, kind: kind, secret: secret, adding: [])])
            try flush()
        }
        for kind in UnitKind.allCases {
            for unit in try scoring.cycle(cycle)?.draws[kind.rawValue]?.units ?? [] { try spotCheck(cycle, unit) }
        }
        try flush()
        let published = PARPayload.ResultsPublished(cycle: cycle, decision: "\(100 + year % 100)/QĐ-UBND", date: "\(year + 1)-05-29",
                                                    resultsHash: try scoring.results(cycle: cycle).hash)
        try issue(Self.secretariat, [published.draft])
        try flush()
        progress(UInt64(timedEvents))
    }

    /// One command: an evidence document for most criteria, a self-score for every assessed one, the submission.
    private func selfAssess(_ cycle: String, _ unit: CycleUnit, year: Int) throws -> [String: Points] {
        guard let framework = frameworks[unit.kind] else { return [:] }
        let stream = PAREvents.unitStream(cycle, unit.id)
        let quality = 30 + random.below(70)
        var events: [EventDraft] = []
        var marks: [String: Points] = [:]
        for leaf in framework.leaves where leaf.method == .assessed {
            let points = random.chance(quality) ? leaf.maxPoints : random.part(of: leaf.maxPoints, from: 10)
            marks[leaf.code] = points
            var evidence: [EvidenceCitation] = []
            var explanation: String?
            if random.chance(85) {
                let content = "Tài liệu kiểm chứng \(leaf.code) của \(unit.name), năm \(year)"
                let added = PARPayload.EvidenceAdded(sha256: EventHash.of(Array(content.utf8)).hex, name: "\(unit.id)-\(year)-\(leaf.code).pdf",
                                                     size: 40_000 + random.below(400_000), unit: unit.id)
                events.append(added.draft)
                evidence = [EvidenceCitation(name: added.name, sha256: added.sha256)]
            } else {
                explanation = "Tự chấm theo hướng dẫn: đạt \(points) trên \(leaf.maxPoints) điểm theo kết quả thực hiện trong năm"
            }
            events.append(PARPayload.SelfScoreRecorded(
                cycle: cycle, unit: unit.id, criterion: leaf.code, points: points.description, evidence: evidence, explanation: explanation).draft)
        }
        events.append(PARPayload.SelfAssessmentSubmitted(cycle: cycle, unit: unit.id).draft)
        try issue("can-bo-\(unit.id)", events)
        return marks
    }

    /// One command: the council's decision on every assessed criterion (one in ten lowered, with a reason), the conclusion.
    private func appraise(_ cycle: String, _ unit: CycleUnit, selfScores: [String: Points]) throws {
        guard let framework = frameworks[unit.kind] else { return }
        let stream = PAREvents.unitStream(cycle, unit.id)
        var events: [EventDraft] = []
        for leaf in framework.leaves where leaf.method == .assessed {
            let selfPoints = selfScores[leaf.code] ?? .zero
            let lowered = random.chance(10) ? random.part(of: selfPoints, from: 0) : selfPoints
            events.append((PARPayload.AppraisalScoreRecorded(
                cycle: cycle, unit: unit.id, criterion: leaf.code, points: lowered.description,
                reason: lowered == selfPoints ? nil : "Tài liệu kiểm chứng chưa đầy đủ theo hướng dẫn", evidence: nil)).draft)
        }
        events.append(PARPayload.AppraisalConcluded(cycle: cycle, unit: unit.id).draft)
        try issue(Self.council, events)
    }

    private func importSurvey(_ cycle: String, _ units: [CycleUnit]) throws {
        var events: [EventDraft] = []
        for unit in units {
            guard let framework = frameworks[unit.kind] else { continue }
            let scores = framework.leaves.filter { $0.method == .survey }.map { leaf in
                PARPayload.SurveyScore(criterion: leaf.code, points: random.part(of: leaf.maxPoints, from: 35).description)
            }
            events.append(PARPayload.SurveyScoresImported(
                cycle: cycle, unit: unit.id, scores: scores, source: EventHash.of(Array("dtxhh-\(cycle).csv".utf8)).hex).draft)
            if events.count == 100 {
                try issue(Self.surveyContractor, events)
                events = []
            }
        }
        if !events.isEmpty { try issue(Self.surveyContractor, events) }
    }

    /// One command per sampled unit: the steering committee re-checks every assessed criterion, lowering one in twenty.
    private func spotCheck(_ cycle: String, _ unit: String) throws {
        var events: [EventDraft] = []
        for (criterion, score) in try scoring.scores(cycle: cycle, unit: unit) where criterion.method == .assessed && score.notApplicable == nil {
            let appraised = score.appraised?.value ?? .zero
            let lower = appraised.hundredths >= 25 && random.chance(5)
            events.append((PARPayload.SpotCheckScoreRecorded(
                cycle: cycle, unit: unit, criterion: criterion.code, decision: lower ? "lower" : "recognise",
                points: lower ? (appraised - Points(hundredths: 25)).description : nil,
                reason: lower ? "Phúc tra: hồ sơ lưu trữ không đầy đủ" : nil)).draft)
        }
        events.append(PARPayload.SpotCheckConcluded(cycle: cycle, unit: unit).draft)
        try issue(Self.steeringCommittee, events)
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
