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

/// The demo's scenario: Điện Biên's 18 provincial departments and 10 districts through the 2019 cycle
/// (scheme 1) and the 2020 cycle (scheme 2: the council established by decision, heads signing the
/// submissions, a contested score decided by the council's vote at its meeting, the council's report,
/// and the results approved by the vice-chairman under the chairman's delegation before publication)
/// on a new ledger, every stage signed by the actor whose role it needs, driven by `CycleDriver`:
/// self-assessments with evidence documents, a deadline extension, a self-assessment withdrawn and
/// submitted again, an explanation asked and answered, appraisal adjustments with reasons, the survey,
/// the 10% spot-check draw, publication, and in 2019 two objections (one accepted, one rejected) and a
/// correction resolving the accepted one. The same seed gives the same ledger, hash for hash.
public final class DemoScenario {
    /// The years whose cycles the demo runs, in order.
    public static let years = [2019, 2020]

    public let seed: UInt64
    public let scoring: ScoringLedger
    private let keys: DerivedKeys
    private let script: DemoScript
    private let driver: CycleDriver

    /// Creates the demo's ledger at `path` (its log key derived from `seed`); `progress` is told how
    /// far each cycle has come, as units done of a total.
    public init(
        ledger path: String, seed: UInt64, frameworks: [UnitKind: Framework], output: any DemoOutput,
        progress: @escaping (_ done: Int, _ total: Int) -> Void
    ) throws {
        self.seed = seed
        keys = DerivedKeys(label: "parledger-demo|\(seed)")
        let clock = ManualClock(start: DemoProvince.ledgerCreated, step: 1_000)
        scoring = try ScoringLedger.create(
            at: path, clock: clock, ledgerID: "dien-bien-demo-\(seed)", logKey: keys.key(for: "log-key"))
        script = DemoScript(
            scoring: scoring, clock: clock, seed: seed, keys: keys, output: output, progress: progress)
        driver = CycleDriver(scoring: scoring, cast: DemoProvince.cast, frameworks: frameworks, signatories: script)
    }

    /// The secretariat enrols itself, then everyone else who plays a part (one officer per unit), and
    /// registers the frameworks; returns how many actors were enrolled.
    public func enrol() throws -> Int {
        try driver.enrolSecretariat(
            key: try script.key(for: DemoProvince.cast.secretariat.id), commandID: "demo-\(seed)-enrol")
        let enrolled = try driver.enrolCast(units: DemoProvince.units, heads: true)
        try driver.registerFrameworks()
        return enrolled + 1
    }

    /// Runs the cycle scoring `year` (one of `years`, after those before it) from its opening on.
    public func runCycle(_ year: Int) throws -> DemoCycleReport {
        let before = try scoring.ledger.head().count
        let cycle = "dien-bien-\(year)"
        let plan = CyclePlan(
            cycle: cycle, name: "Chỉ số CCHC năm \(year)", year: year, units: DemoProvince.units,
            selfAssessmentDeadline: DemoProvince.selfAssessmentDeadline(year),
            previousCycle: year > Self.years[0] ? "dien-bien-\(year - 1)" : nil,
            drawSecret: keys.secret(for: "spot-check|\(cycle)"),
            decision: "\(year == 2019 ? 642 : 587)/QĐ-UBND", publicationDate: "\(year + 1)-05-29",
            wholeScheme: year == 2020 ? DemoProvince.wholeScheme2020 : nil
        )
        let summary = try driver.run(plan, script: script)
        return DemoCycleReport(plan: plan, events: try scoring.ledger.head().count - before, summary: summary)
    }

    /// The first score the council lowered, whose history the demo shows.
    public var tracedScore: (cycle: String, unit: String, criterion: String)? { script.traced }
}
