import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The demo's actors and choices. As `Signatories` it signs each command with the acting person's key
/// (derived from the seed, handed to the `DemoOutput` when first used) and appends it at once, then
/// keeps the evidence documents staged for it. As the `CycleDriver`'s script it moves the clock to each
/// stage's day and decides, from the seed, every score, reason and document.
final class DemoScript: Signatories, CycleScript {
    let scoring: ScoringLedger
    let province: DemoProvince
    private let clock: ManualClock
    private let seed: UInt64
    private let keys: DerivedKeys
    private let output: any DemoOutput
    private let progress: (_ done: Int, _ total: Int) -> Void
    private let evidenceStore: EvidenceStore
    var random: SyntheticRandom
    private var signingKeys: [String: SigningKey] = [:]
    private var commands = 0
    private var staged: [StagedEvidence] = []
    /// The first score the council lowered, whose history the demo shows.
    var traced: (cycle: String, unit: String, criterion: String)?
    /// The cycles in which the chair has contested a score (one each).
    var contested: Set<String> = []

    init(
        scoring: ScoringLedger, province: DemoProvince, clock: ManualClock, seed: UInt64, keys: DerivedKeys,
        output: any DemoOutput, progress: @escaping (_ done: Int, _ total: Int) -> Void
    ) {
        self.scoring = scoring
        self.province = province
        self.clock = clock
        self.seed = seed
        self.keys = keys
        self.output = output
        self.progress = progress
        evidenceStore = EvidenceStore(ledger: scoring.ledger)
        random = SyntheticRandom(seed: seed)
    }

    // MARK: Actors (Signatories)

    func key(for actor: String) throws -> SigningKey {
        if let key = signingKeys[actor] { return key }
        let key = keys.key(for: actor)
        try output.keep(key, of: actor)
        signingKeys[actor] = key
        return key
    }

    func publicKey(of actor: String) throws -> PublicKey { try key(for: actor).publicKey }

    func issue(_ events: [EventDraft], by actor: String) throws {
        commands += 1
        try scoring.issue(events, by: try key(for: actor), commandID: "demo-\(seed)-\(commands)")
        for document in staged { try document.keep() }
        staged = []
    }

    /// A document the unit (or, without one, the council) wrote, handed to the `DemoOutput` and staged in
    /// the ledger's evidence store; kept there once the next command commits.
    func document(_ name: String, _ content: String, unit: String?) throws -> PAREvents.EvidenceAdded {
        let bytes = Array(content.utf8)
        try output.keep(document: name, content: bytes)
        let staging = try evidenceStore.stage(bytes, name: name, unit: unit)
        staged.append(staging)
        return staging.added[0]
    }

    func councilDocument(_ name: String, _ content: String) throws -> PAREvents.EvidenceAdded {
        try document(name, content, unit: nil)
    }

    // MARK: The calendar and progress

    func willBegin(_ stage: CycleStage, of plan: CyclePlan) throws {
        if let start = province.start(of: stage, year: plan.year) { clock.set(start) }
    }

    /// Progress through a cycle's three long stages: each unit's self-assessment, each unit's
    /// appraisal, then the spot-checks and the rest at once.
    func progressed(_ stage: CycleStage, done: Int, of total: Int) {
        let units = province.units.count
        switch stage {
        case .selfAssessment: progress(done, units * 3)
        case .appraisal: progress(units + done, units * 3)
        default: progress(units * 3, units * 3)
        }
    }

    // MARK: Self-assessment

    func deadlineExtension(for unit: CycleUnit, of plan: CyclePlan) -> (until: String, reason: String)? {
        guard unit.id == province.lateUnit else { return nil }
        return (
            province.extendedDeadline(plan.year), "Mưa lũ chia cắt địa bàn, gia hạn theo đề nghị của UBND huyện"
        )
    }

    /// Each unit's self-scores, most citing a document it wrote; the exempt unit first marks 2.1 not applicable.
    func selfAssessment(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [EventDraft] {
        let exempt =
            unit.id == province.exemptUnit ? framework.criteriaByCode["2.1"]?.allCriteria.map(\.code) ?? [] : []
        let marked =
            exempt.isEmpty
            ? []
            : [
                PAREvents.NotApplicableMarked(
                    cycle: plan.cycle, unit: unit.id, criterion: "2.1",
                    legalBasis: "Không được giao chủ trì xây dựng VBQPPL trong năm \(plan.year)"
                ).draft
            ]
        let scored = try SyntheticScoring.selfAssessment(
            of: unit, framework: framework, in: plan, skipping: Set(exempt), random: &random
        ) { leaf, _ in
            try document(
                "\(unit.id)-\(plan.year)-\(leaf.code).txt",
                "Tài liệu kiểm chứng \(leaf.code) (\(leaf.title)) của \(unit.name), năm \(plan.year)\n", unit: unit.id)
        }
        return marked + scored.events
    }

    /// Sở Tư pháp takes back its submission to add the report it forgot on its first criterion, then submits again.
    func withdrawal(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> (
        reason: String, changes: [EventDraft]
    )? {
        guard unit.id == province.withdrawingUnit,
            let leaf = framework.leaves.first(where: { $0.method == .assessed })
        else { return nil }
        let added = try document(
            "\(unit.id)-\(plan.year)-\(leaf.code)-bo-sung.txt",
            "Báo cáo bổ sung tiêu chí \(leaf.code) (\(leaf.title)) của \(unit.name), năm \(plan.year)\n", unit: unit.id)
        let rescored = PAREvents.SelfScoreRecorded(
            cycle: plan.cycle, unit: unit.id, criterion: leaf.code, points: leaf.maxPoints.description,
            evidence: [added.citation], explanation: nil)
        return (
            "Bổ sung tài liệu kiểm chứng tiêu chí \(leaf.code) trước thời hạn tự đánh giá",
            [added.draft, rescored.draft]
        )
    }
}
