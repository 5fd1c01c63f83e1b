import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Scenarios

/// Writes a realistic PAR ledger of a chosen size: whole cycles of many units scored on the Điện
/// Biên frameworks, driven stage by stage by `CycleDriver` (evidence, self-scores, submission, an
/// appraisal decision on every criterion, the survey, the 10% spot-check draw and its re-checks,
/// publication), each command signed by the actor whose role it needs; the events are synthetic.
///
/// Commands are signed outside the clock; only `ScoringLedger.append(batch:)` is timed, with about
/// `batchEvents` events per write transaction (commands are never split). With a `recording`, every
/// batch appended is also written there (after the clock), for `core` to append again.
final class SyntheticCycles: Signatories, CycleScript {
    private let scoring: ScoringLedger
    private let frameworks: [UnitKind: Framework]
    private let batchEvents: Int
    private var random = SyntheticRandom(seed: 2019)
    private let derivedKeys = DerivedKeys(label: "parledger-bench")
    private var keys: [String: SigningKey] = [:]
    private var pending: [Command] = []
    private var pendingEvents = 0
    private var commands = 0
    private var timing = false
    private var progress: (UInt64) -> Void = { _ in }
    /// Each unit's self-scores, which its appraisal starts from.
    private var marks: [String: [String: Points]] = [:]
    /// Where every appended batch is written for `core` to append again, when asked.
    private let recording: CommandRecording.Writer?
    private(set) var appendSeconds = 0.0
    private(set) var transactions = 0
    private(set) var timedEvents = 0

    init(
        scoring: ScoringLedger, frameworks: [UnitKind: Framework], batchEvents: Int,
        recording: CommandRecording.Writer? = nil
    ) {
        self.scoring = scoring
        self.frameworks = frameworks
        self.batchEvents = batchEvents
        self.recording = recording
    }

    static let cast = Cast(
        secretariat: Player("so-noi-vu", "Sở Nội vụ"),
        council: Council(chair: Player("hoi-dong-tham-dinh", "Hội đồng thẩm định")),
        steeringCommittee: Player("ban-chi-dao", "Ban Chỉ đạo CCHC"),
        surveyContractor: Player("nha-thau-dtxhh", "Đơn vị điều tra xã hội học")
    )

    /// Enrols the actors and registers the frameworks (not timed), then appends `cycles` cycles of
    /// `unitsPerCycle` units each (timed).
    func run(cycles: Int, unitsPerCycle: Int, progress: @escaping (UInt64) -> Void) throws {
        self.progress = progress
        let units = (1...unitsPerCycle).map { index in
            let kind: UnitKind = index % 3 == 0 ? .district : .department
            let id = String(format: "%@-%04d", kind == .district ? "huyen" : "so", index)
            return CycleUnit(
                id: id, name: kind == .district ? "UBND huyện số \(index)" : "Sở chuyên môn số \(index)", kind: kind)
        }
        let driver = CycleDriver(scoring: scoring, cast: Self.cast, frameworks: frameworks, signatories: self)
        // As `driver.enrolSecretariat` does, but through `append`, which records it.
        let secretariat = Self.cast.secretariat
        try append(
            [
                try Enrolment.genesis(
                    secretariat.id, name: secretariat.name, key: key(for: secretariat.id), commandID: "bench-enrol",
                    on: scoring.ledger)
            ], timed: false)
        try driver.enrolCast(units: units)
        try driver.registerFrameworks()
        timing = true
        var previous: String?
        for year in 2019..<(2019 + cycles) {
            let cycle = "bench-\(year)"
            let plan = CyclePlan(
                cycle: cycle, name: "Chỉ số CCHC năm \(year)", year: year, units: units,
                selfAssessmentDeadline: Timestamp(iso8601: "2999-01-14T16:59:59Z")
                    ?? Timestamp(millisecondsSinceEpoch: 0),
                previousCycle: previous, drawSecret: SHA256Digest.bytes(Array("bench|\(cycle)".utf8)),
                decision: "\(100 + year % 100)/QĐ-UBND", publicationDate: "\(year + 1)-05-29"
            )
            _ = try driver.run(plan, script: self)
            progress(UInt64(timedEvents))
            previous = cycle
        }
        try recording?.finish(head: scoring.ledger.head())
    }

    private func key(for actor: String) -> SigningKey {
        if let key = keys[actor] { return key }
        let key = derivedKeys.key(for: actor)
        keys[actor] = key
        return key
    }

    /// The secretariat's key, for the export's signed checkpoint.
    var secretariatKey: SigningKey { key(for: Self.cast.secretariat.id) }

    // MARK: Signatories

    func publicKey(of actor: String) throws -> PublicKey { key(for: actor).publicKey }

    /// Signs a command; while timing, queues it (appending the queue first when this command would
    /// overfill the batch), otherwise appends it at once, untimed.
    func issue(_ events: [EventDraft], by actor: String) throws {
        commands += 1
        let command = try scoring.ledger.sign(
            Command(id: "bench-\(commands)", actor: actor, events: events), with: key(for: actor))
        guard timing else {
            try append([command], timed: false)
            return
        }
        if pendingEvents > 0 && pendingEvents + events.count > batchEvents { try flush() }
        pending.append(command)
        pendingEvents += events.count
    }

    func flush() throws {
        guard !pending.isEmpty else { return }
        try append(pending, timed: true)
        pending = []
        pendingEvents = 0
    }

    /// Appends `commands` in one write transaction, timed or not; then, when recording, records them.
    private func append(_ commands: [Command], timed: Bool) throws {
        let start = ContinuousClock.now
        let results = try scoring.append(batch: commands)
        if timed {
            appendSeconds += (ContinuousClock.now - start).seconds
            transactions += 1
            timedEvents += results.map(\.events.count).reduce(0, +)
        }
        if let recording, let recordedAt = results.first?.events.first?.recordedAt {
            recording.write(commands, recordedAt: recordedAt, timed: timed)
        }
    }

    // MARK: CycleScript

    func progressed(_ stage: CycleStage, done: Int, of total: Int) { progress(UInt64(timedEvents)) }

    /// An evidence document (a synthetic PDF, its hash and size) for most criteria and a self-score for
    /// every assessed one.
    func selfAssessment(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [EventDraft] {
        let assessment = SyntheticScoring.selfAssessment(of: unit, framework: framework, in: plan, random: &random) {
            leaf, random in
            let content = "Tài liệu kiểm chứng \(leaf.code) của \(unit.name), năm \(plan.year)"
            return PAREvents.EvidenceAdded(
                sha256: SHA256Digest.hex(Array(content.utf8)), name: "\(unit.id)-\(plan.year)-\(leaf.code).pdf",
                size: 40_000 + random.below(400_000), unit: unit.id)
        }
        marks[unit.id] = assessment.points
        return assessment.events
    }

    /// The council's decision on every assessed criterion, the self-score recognised unless reconsidered
    /// (one in ten), then with a reason.
    func appraisal(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PAREvents
        .AppraisalScoreRecorded]
    {
        let selfScores = marks[unit.id] ?? [:]
        return framework.leaves.filter { $0.method == .assessed }.map { leaf in
            let selfPoints = selfScores[leaf.code] ?? .zero
            let appraised = SyntheticScoring.appraisal(of: selfPoints, random: &random) ?? selfPoints
            return PAREvents.AppraisalScoreRecorded(
                cycle: plan.cycle, unit: unit.id, criterion: leaf.code, points: appraised.description,
                reason: appraised == selfPoints ? nil : "Tài liệu kiểm chứng chưa đầy đủ theo hướng dẫn", evidence: nil)
        }
    }

    func surveyScores(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PAREvents.SurveyScore] {
        SyntheticScoring.surveyScores(of: framework, random: &random)
    }

    /// The steering committee re-checks every assessed criterion, lowering one in twenty.
    func spotCheck(of unit: String, in plan: CyclePlan) throws -> [PAREvents.SpotCheckScoreRecorded] {
        try SyntheticScoring.spotCheck(of: unit, in: plan, scoring: scoring) { _ in random.chance(5) }
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
