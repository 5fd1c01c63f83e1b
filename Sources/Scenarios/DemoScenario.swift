import Ledger
public import LedgerFormat
public import PARCore
public import PARIndex

/// Where the demo keeps what lies outside its ledger; the caller decides where that is.
public protocol DemoOutput {
    /// Keeps `key`, the key `actor` signs with (for people to log in as the demo's actors); called once
    /// per actor, when its key is first used.
    func keep(_ key: SigningKey, of actor: String) throws
    /// Keeps the document `name` a unit wrote, as it wrote it; the ledger's evidence store holds it too.
    func keep(document name: String, content: [UInt8]) throws
}

/// What one of the demo's cycles came to, for the caller to report.
public struct DemoCycleReport: Sendable {
    public let plan: CyclePlan
    /// How many events the cycle appended.
    public let events: UInt64
    public let summary: CycleSummary
}

/// The demo's scenario: a province's cycles on a new ledger (`DemoProvince`: Điện Biên's 2019 cycle
/// under scheme 1 and its 2020 cycle under the whole scheme, or An Giang's 2018 cycle under the whole
/// scheme), every stage signed by the actor whose role it needs, driven by `CycleDriver`:
/// self-assessments with evidence documents, a deadline extension, a self-assessment withdrawn and
/// submitted again, an explanation asked and answered, appraisal adjustments with reasons, the survey,
/// the 10% spot-check draw, publication, and after the first publication two objections (one
/// accepted, one rejected) and a correction resolving the accepted one. A cycle of the whole scheme
/// adds the council established by decision, heads signing the submissions, a contested score decided
/// by the council's vote at its meeting, the council's report, and the approval before publication.
/// The same province and seed give the same ledger, hash for hash.
public final class DemoScenario {
    public let province: DemoProvince
    public let seed: UInt64
    public let scoring: ScoringLedger
    private let keys: DerivedKeys
    private let script: DemoScript
    private let driver: CycleDriver

    /// Creates the demo's ledger of `province` at `path` (its log key derived from `seed`); `progress`
    /// is told how far each cycle has come, as units done of a total.
    public init(
        province: DemoProvince, ledger path: String, seed: UInt64, frameworks: [UnitKind: Framework],
        output: any DemoOutput, progress: @escaping (_ done: Int, _ total: Int) -> Void
    ) throws {
        self.province = province
        self.seed = seed
        keys = DerivedKeys(label: "parledger-demo|\(seed)")
        let clock = ManualClock(start: province.ledgerCreated, step: 1_000)
        scoring = try ScoringLedger.create(
            at: path, clock: clock, ledgerID: "\(province.key)-demo-\(seed)", logKey: keys.key(for: "log-key"))
        script = DemoScript(
            scoring: scoring, province: province, clock: clock, seed: seed, keys: keys, output: output,
            progress: progress)
        driver = CycleDriver(scoring: scoring, cast: DemoProvince.cast, frameworks: frameworks, signatories: script)
    }

    /// The secretariat enrols itself, then everyone else who plays a part (an officer and a head per
    /// unit), and registers the frameworks; returns how many actors were enrolled.
    public func enrol() throws -> Int {
        try driver.enrolSecretariat(
            key: try script.key(for: DemoProvince.cast.secretariat.id), commandID: "demo-\(seed)-enrol")
        let enrolled = try driver.enrolCast(units: province.units, heads: true)
        try driver.registerFrameworks()
        return enrolled + 1
    }

    /// Runs the cycle scoring `year` (one of the province's years, after those before it) from its opening on.
    public func runCycle(_ year: Int) throws -> DemoCycleReport {
        let before = try scoring.ledger.head().count
        let cycle = province.cycle(year)
        let plan = CyclePlan(
            cycle: cycle, name: "Chỉ số CCHC năm \(year)", year: year, units: province.units,
            selfAssessmentDeadline: province.selfAssessmentDeadline(year),
            previousCycle: year > province.years[0] ? province.cycle(year - 1) : nil,
            drawSecret: keys.secret(for: "spot-check|\(cycle)"),
            decision: province.decisions[year] ?? "", publicationDate: province.publicationDate(year),
            wholeScheme: province.wholeScheme[year], publicationWindow: province.publicationWindow(year)
        )
        let summary = try driver.run(plan, script: script)
        return DemoCycleReport(plan: plan, events: try scoring.ledger.head().count - before, summary: summary)
    }

    /// The first score the council lowered, whose history the demo shows.
    public var tracedScore: (cycle: String, unit: String, criterion: String)? { script.traced }
}
