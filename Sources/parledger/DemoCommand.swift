import ArgumentParser
import Foundation
import Ledger
import PARIndex
import Scenarios
import Transparency

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run two realistic yearly cycles (2019, 2020) of Điện Biên province on a new ledger.",
        discussion: """
            Creates DIR/ledger with actors for every role (their keys in DIR/keys), registers both
            frameworks, and runs each cycle end to end: self-assessments with evidence documents
            (written to DIR/documents, stored by hash in DIR/ledger/evidence), appraisal adjustments with reasons, the 10% spot-check draw, the survey
            import, publication, objections after publication (one accepted, one rejected), and a
            correction resolving the accepted one. It prints both rankings with
            the change on the year before, the trace of one adjusted score, the verification, and the
            export and verification of a certified bundle (DIR/bundle), and publishes the log as
            static tiles (DIR/tiles) for mirrors and monitors.
            The same seed gives the same ledger, hash for hash.

            Example:
              parledger demo --dir parledger-demo
              parledger ranking --cycle dien-bien-2020 --ledger parledger-demo/ledger
            """
    )

    @Option(
        name: [.customLong("dir"), .customLong("ledger")],
        help: ArgumentHelp(
            "Where to create the demo (must not exist); the ledger goes in DIR/ledger.", valueName: "dir"))
    var dir = "parledger-demo"
    @Option(help: ArgumentHelp("The frameworks directory.", valueName: "dir")) var frameworks = "schemas/frameworks"
    @Option(help: "The pseudo-random seed.") var seed: UInt64 = 2019
    @Flag(help: "Do not show progress.") var quiet = false

    func run() throws {
        try reportingFailures {
            guard !FileManager.default.fileExists(atPath: dir) else {
                throw InputError("\(dir) already exists", hint: "remove it, or choose another --dir")
            }
            var loaded: [UnitKind: Framework] = [:]
            for (kind, name) in [(UnitKind.department, "departments"), (.district, "districts")] {
                let file = (frameworks as NSString).appendingPathComponent("dien-bien-2019-\(name).json")
                guard FileManager.default.fileExists(atPath: file) else {
                    throw InputError(
                        "cannot find \(file)", hint: "run the demo from the repository's root, or pass --frameworks DIR"
                    )
                }
                loaded[kind] = try loadFramework(file)
            }
            let scenario = try DemoScenario(
                directory: dir, seed: seed, frameworks: loaded, progress: ProgressReporter("demo", quiet: quiet))
            try scenario.run()
        }
    }
}

/// The moment `iso8601` names; the demo's dates are written correctly, so a wrong one is a bug.
private func at(_ iso8601: String) -> Timestamp {
    guard let time = Timestamp(iso8601: iso8601) else { preconditionFailure("malformed demo date \(iso8601)") }
    return time
}

/// Điện Biên's units and the two demo cycles: the actors, their reproducible keys and choices, driven
/// stage by stage by the `Scenarios` module's `CycleDriver`.
final class DemoScenario: Signatories, CycleScript {
    static let departments = [
        ("so-noi-vu", "Sở Nội vụ"), ("so-tu-phap", "Sở Tư pháp"), ("so-ke-hoach-dau-tu", "Sở Kế hoạch và Đầu tư"),
        ("so-tai-chinh", "Sở Tài chính"), ("so-cong-thuong", "Sở Công Thương"),
        ("so-nong-nghiep", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("so-giao-thong-van-tai", "Sở Giao thông vận tải"),
        ("so-xay-dung", "Sở Xây dựng"), ("so-tai-nguyen-moi-truong", "Sở Tài nguyên và Môi trường"),
        ("so-thong-tin-truyen-thong", "Sở Thông tin và Truyền thông"),
        ("so-lao-dong", "Sở Lao động - Thương binh và Xã hội"),
        ("so-van-hoa", "Sở Văn hóa, Thể thao và Du lịch"), ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ"),
        ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo"), ("so-y-te", "Sở Y tế"), ("thanh-tra-tinh", "Thanh tra tỉnh"),
        ("ban-dan-toc", "Ban Dân tộc"), ("so-ngoai-vu", "Sở Ngoại vụ"),
    ]
    static let districts = [
        ("tp-dien-bien-phu", "Thành phố Điện Biên Phủ"), ("tx-muong-lay", "Thị xã Mường Lay"),
        ("huyen-dien-bien", "Huyện Điện Biên"),
        ("huyen-dien-bien-dong", "Huyện Điện Biên Đông"), ("huyen-muong-ang", "Huyện Mường Ảng"),
        ("huyen-muong-cha", "Huyện Mường Chà"),
        ("huyen-muong-nhe", "Huyện Mường Nhé"), ("huyen-nam-po", "Huyện Nậm Pồ"), ("huyen-tua-chua", "Huyện Tủa Chùa"),
        ("huyen-tuan-giao", "Huyện Tuần Giáo"),
    ]
    static let appraisalReasons = [
        "Tài liệu kiểm chứng chưa đầy đủ", "Báo cáo gửi chậm so với quy định",
        "Kết quả thực hiện chưa đạt kế hoạch đề ra",
        "Văn bản ban hành chưa đúng thể thức", "Số liệu không khớp với báo cáo của Sở Nội vụ",
    ]
    /// The council: its chair appraises fields 4 on and seals; a member appraises fields 1 to 3.
    static let cast = Cast(
        secretariat: Player("so-noi-vu-thuong-truc", "Sở Nội vụ (thường trực Ban Chỉ đạo CCHC)"),
        council: Council(
            chair: Player("hoi-dong-tham-dinh", "Chủ tịch Hội đồng thẩm định tỉnh"),
            members: [(Player("thanh-vien-hoi-dong", "Thành viên Hội đồng thẩm định tỉnh"), ["1", "2", "3"])]),
        steeringCommittee: Player("ban-chi-dao-cchc", "Ban Chỉ đạo CCHC tỉnh"),
        surveyContractor: Player("nha-thau-dtxhh", "Đơn vị điều tra xã hội học độc lập"),
        auditors: [Player("kiem-toan", "Kiểm toán viên")]
    )
    static let lateUnit = "huyen-muong-nhe"
    /// Withdraws its submitted self-assessment to add a document, then submits again.
    static let withdrawingUnit = "so-tu-phap"
    /// Is asked for an explanation during appraisal and answers with a document.
    static let explainingUnit = "so-tai-chinh"

    let directory: String
    let frameworks: [UnitKind: Framework]
    let clock = ManualClock(start: Timestamp(millisecondsSinceEpoch: 0), step: 1_000)
    let scoring: ScoringLedger
    let progress: ProgressReporter
    let evidenceStore: EvidenceStore
    private var random: SyntheticRandom
    private var keys: [String: SigningKey] = [:]
    private var commands = 0
    private let seed: UInt64
    private var traced: (cycle: String, unit: String, criterion: String)?
    private var staged: [StagedEvidence] = []

    init(directory: String, seed: UInt64, frameworks: [UnitKind: Framework], progress: ProgressReporter) throws {
        self.directory = directory
        self.seed = seed
        self.frameworks = frameworks
        self.progress = progress
        random = SyntheticRandom(seed: seed)
        for sub in ["keys", "documents"] {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true)
        }
        clock.set(at("2019-12-02T01:00:00Z"))
        let logSeed = SHA256Digest.bytes(Array("parledger-demo|\(seed)|log-key".utf8))
        scoring = try ScoringLedger.create(
            at: "\(directory)/ledger", clock: clock, ledgerID: "dien-bien-demo-\(seed)",
            logKey: SigningKey(seed: logSeed))
        evidenceStore = EvidenceStore(ledger: scoring.ledger)
    }

    var units: [CycleUnit] {
        Self.departments.map { CycleUnit(id: $0.0, name: $0.1, kind: .department) }
            + Self.districts.map { CycleUnit(id: $0.0, name: $0.1, kind: .district) }
    }

    func run() throws {
        print("ParLedger demo: Điện Biên province, cycles 2019 and 2020 (seed \(seed))")
        let driver = CycleDriver(scoring: scoring, cast: Self.cast, frameworks: frameworks, signatories: self)
        try driver.enrolSecretariat(key: try key(for: Self.cast.secretariat.id), commandID: "demo-\(seed)-enrol")
        let enrolled = try driver.enrolCast(units: units)
        try driver.registerFrameworks()
        print(
            "Enrolled \(enrolled + 1) actors and registered the two frameworks (departments: Bảng 1, districts: corrected Bảng 2)"
        )
        for year in [2019, 2020] { try runCycle(year, driver: driver) }
        progress.finish()
        try printRankings(cycle: "dien-bien-2020")
        try printTrace()
        let report = try scoring.ledger.verify()
        print("\n$ parledger verify --ledger \(directory)/ledger")
        print(report.problem.map { "FAILED: \($0)" } ?? "OK: \(report.eventCount) events, head \(report.headHash.hex)")
        try exportAndVerifyBundle()
        try publishTiles()
        print(
            "\nThe ledger is in \(directory)/ledger, the actors' keys in \(directory)/keys, the certified bundle in \(directory)/bundle, the published log in \(directory)/tiles. Try:"
        )
        print("  parledger ranking --cycle dien-bien-2019 --ledger \(directory)/ledger")
        print("  parledger trace huyen-muong-nhe --cycle dien-bien-2020 --ledger \(directory)/ledger")
        print("  python3 tools/verify_bundle.py \(directory)/bundle --trust \(directory)/trust-policy.txt")
        print(
            "  parledger monitor \(directory)/tiles --trust \(directory)/trust-policy.txt --state \(directory)/monitor --once"
        )
    }

    /// The log as static tiles (C2SP tlog-tiles), as a province publishes it for mirrors and monitors;
    /// the demo configures no witness.
    private func publishTiles() throws {
        print("\n$ parledger tiles --ledger \(directory)/ledger --out \(directory)/tiles")
        let (checkpoint, note) = try scoring.signedCheckpoint()
        let publication = try StaticLog(directory: "\(directory)/tiles").publish(
            scoring.ledger, checkpoint: checkpoint, note: note)
        print("Published \(checkpoint.size) events to \(directory)/tiles (\(publication.files) files written)")
    }

    // MARK: Actors (Signatories)

    private func key(for actor: String) throws -> SigningKey {
        if let key = keys[actor] { return key }
        let seedBytes = SHA256Digest.bytes(Array("parledger-demo|\(seed)|\(actor)".utf8))
        guard let key = SigningKey(seed: seedBytes) else { throw InputError("cannot derive a key for \(actor)") }
        try KeyFile.write(key, to: "\(directory)/keys/\(actor).key")
        keys[actor] = key
        return key
    }

    func publicKey(of actor: String) throws -> PublicKey { try key(for: actor).publicKey }

    func issue(_ events: [EventDraft], by actor: String) throws {
        commands += 1
        try scoring.issue(events, by: try key(for: actor), commandID: "demo-\(seed)-\(commands)")
        for document in staged { try document.keep() }
        staged = []
    }

    // MARK: A cycle (CycleScript)

    private func runCycle(_ year: Int, driver: CycleDriver) throws {
        let cycle = "dien-bien-\(year)"
        let next = year + 1
        let before = try scoring.ledger.head().count
        let plan = CyclePlan(
            cycle: cycle, name: "Chỉ số CCHC năm \(year)", year: year, units: units,
            selfAssessmentDeadline: Timestamp(iso8601: "\(next)-01-14T16:59:59.999Z")
                ?? Timestamp(millisecondsSinceEpoch: 0),
            previousCycle: year > 2019 ? "dien-bien-\(year - 1)" : nil,
            drawSecret: SHA256Digest.bytes(Array("parledger-demo|\(seed)|spot-check|\(cycle)".utf8)),
            decision: "\(year == 2019 ? 642 : 587)/QĐ-UBND", publicationDate: "\(next)-05-29"
        )
        let summary = try driver.run(plan, script: self)
        progress.finish()
        let events = try scoring.ledger.head().count - before
        let withdrawn = summary.withdrawals.map { "; \($0) withdrew and resubmitted its self-assessment" }.joined()
        let objected = summary.objections.map {
            "; \($0.filed.unit) objected (\($0.filed.objection)\($0.filed.criterion.map { " on \($0)" } ?? "")): \($0.answer.decision)"
        }.joined()
        let corrected = summary.corrections.map {
            "; then corrected \($0.unit) \($0.criterion) to \($0.points) by decision \($0.decision)\($0.objection.map { " resolving \($0)" } ?? "")"
        }.joined()
        print(
            "\nCycle \(cycle): \(units.count) units, \(events) events\(withdrawn); explanation requests: \(summary.explanationsAsked) (\(summary.explanationsAnswered) answered); \(summary.appraisalScores) appraisal adjustments; \(summary.surveyScores) survey scores; "
                + "spot-checked \(summary.spotChecked.joined(separator: ", ")); published by decision \(plan.decision)\(objected)\(corrected)"
        )
    }

    func willBegin(_ stage: CycleStage, of plan: CyclePlan) throws {
        let year = plan.year
        switch stage {
        case .opening: clock.set(at("\(year)-12-05T02:00:00Z"))
        case .selfAssessment: clock.set(at("\(year + 1)-01-06T02:00:00Z"))
        case .deadlineExtension: clock.set(at("\(year + 1)-01-20T02:00:00Z"))
        case .appraisal: clock.set(at("\(year + 1)-02-20T02:00:00Z"))
        case .survey: clock.set(at("\(year + 1)-03-25T02:00:00Z"))
        case .spotCheck: clock.set(at("\(year + 1)-04-10T02:00:00Z"))
        case .publication: clock.set(at("\(year + 1)-05-29T02:00:00Z"))
        case .objections: if year == 2019 { clock.set(at("\(year + 1)-06-05T02:00:00Z")) }
        case .objectionAnswers: if year == 2019 { clock.set(at("\(year + 1)-06-12T02:00:00Z")) }
        case .correction: if year == 2019 { clock.set(at("\(year + 1)-06-16T02:00:00Z")) }
        }
    }

    func progressed(_ stage: CycleStage, done: Int, of total: Int) {
        let all = UInt64(units.count * 3)
        switch stage {
        case .selfAssessment: progress.update(UInt64(done), of: all)
        case .appraisal: progress.update(UInt64(units.count + done), of: all)
        default: progress.update(all, of: all)
        }
    }

    func deadlineExtension(for unit: CycleUnit, of plan: CyclePlan) -> (until: String, reason: String)? {
        guard unit.id == Self.lateUnit else { return nil }
        return ("\(plan.year + 1)-01-31T16:59:59Z", "Mưa lũ chia cắt địa bàn, gia hạn theo đề nghị của UBND huyện")
    }

    func selfAssessment(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [EventDraft] {
        let year = plan.year
        let quality = 30 + random.below(70)
        let exempt = unit.id == "ban-dan-toc" ? framework.criteriaByCode["2.1"]?.allCriteria.map(\.code) ?? [] : []
        var events: [EventDraft] =
            exempt.isEmpty
            ? []
            : [
                PARPayload.NotApplicableMarked(
                    cycle: plan.cycle, unit: unit.id, criterion: "2.1",
                    legalBasis: "Không được giao chủ trì xây dựng VBQPPL trong năm \(year)"
                ).draft
            ]
        for leaf in framework.leaves where leaf.method == .assessed && !exempt.contains(leaf.code) {
            let points = random.chance(quality) ? leaf.maxPoints : random.part(of: leaf.maxPoints, from: 10)
            var evidence: [EvidenceCitation] = []
            var explanation: String?
            if random.chance(85) {
                let file = "\(directory)/documents/\(unit.id)-\(year)-\(leaf.code).txt"
                let content = "Tài liệu kiểm chứng \(leaf.code) (\(leaf.title)) của \(unit.name), năm \(year)\n"
                try Data(content.utf8).write(to: URL(fileURLWithPath: file))
                let document = try evidenceStore.stage([file], unit: unit.id)
                staged.append(document)
                let added = document.added[0]
                events.append(added.draft)
                evidence = [added.citation]
            } else {
                explanation =
                    "Tự chấm theo hướng dẫn: đạt \(points) trên \(leaf.maxPoints) điểm theo kết quả thực hiện trong năm"
            }
            events.append(
                PARPayload.SelfScoreRecorded(
                    cycle: plan.cycle, unit: unit.id, criterion: leaf.code, points: points.description,
                    evidence: evidence, explanation: explanation
                ).draft)
        }
        return events
    }

    func didSubmit(_ unit: CycleUnit, in plan: CyclePlan) throws {
        for document in staged { try document.keep() }
        staged = []
    }

    /// A document written to DIR/documents and staged for the unit; kept once the command adding it commits.
    private func document(_ name: String, _ content: String, unit: String) throws -> PARPayload.EvidenceAdded {
        let file = "\(directory)/documents/\(name)"
        try Data(content.utf8).write(to: URL(fileURLWithPath: file))
        let staging = try evidenceStore.stage([file], unit: unit)
        staged.append(staging)
        return staging.added[0]
    }

    /// Sở Tư pháp takes back its submission to add the report it forgot on its first criterion, then submits again.
    func withdrawal(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> (
        reason: String, changes: [EventDraft]
    )? {
        guard unit.id == Self.withdrawingUnit,
            let leaf = framework.leaves.first(where: { $0.method == .assessed })
        else { return nil }
        let added = try document(
            "\(unit.id)-\(plan.year)-\(leaf.code)-bo-sung.txt",
            "Báo cáo bổ sung tiêu chí \(leaf.code) (\(leaf.title)) của \(unit.name), năm \(plan.year)\n", unit: unit.id)
        let rescored = PARPayload.SelfScoreRecorded(
            cycle: plan.cycle, unit: unit.id, criterion: leaf.code, points: leaf.maxPoints.description,
            evidence: [added.citation], explanation: nil)
        return (
            "Bổ sung tài liệu kiểm chứng tiêu chí \(leaf.code) trước thời hạn tự đánh giá",
            [added.draft, rescored.draft]
        )
    }

    /// The council member of fields 1 to 3 asks Sở Tài chính to explain its first criterion of field 1.
    func explanationRequests(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PARPayload
        .ExplanationRequested]
    {
        guard unit.id == Self.explainingUnit,
            let leaf = framework.leaves.first(where: { $0.method == .assessed && $0.code.hasPrefix("1.") })
        else { return [] }
        return [
            PARPayload.ExplanationRequested(
                cycle: plan.cycle, unit: unit.id, criterion: leaf.code, request: "gt-\(plan.year)-1",
                question: "Đề nghị giải trình thời điểm ban hành và tài liệu kiểm chứng của tiêu chí \(leaf.code)")
        ]
    }

    func explanation(answering request: PARPayload.ExplanationRequested, of unit: CycleUnit, in plan: CyclePlan)
        throws -> [EventDraft]
    {
        let added = try document(
            "\(unit.id)-\(plan.year)-giai-trinh-\(request.criterion).txt",
            "Văn bản giải trình tiêu chí \(request.criterion) của \(unit.name), năm \(plan.year)\n", unit: unit.id)
        let given = PARPayload.ExplanationGiven(
            cycle: plan.cycle, unit: unit.id, request: request.request,
            answer: "Văn bản được ban hành đúng hạn; đính kèm văn bản giải trình và bản chụp văn bản",
            evidence: [added.sha256])
        return [added.draft, given.draft]
    }

    func appraisal(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PARPayload
        .AppraisalScoreRecorded]
    {
        var recorded: [PARPayload.AppraisalScoreRecorded] = []
        for (criterion, score) in try scoring.scores(cycle: plan.cycle, unit: unit.id)
        where criterion.method == .assessed && score.notApplicable == nil && random.chance(10) {
            let selfPoints = score.selfScore?.value ?? .zero
            var appraised = random.part(of: selfPoints, from: 0)
            if unit.kind == .district && selfPoints < criterion.maxPoints && random.chance(30) {
                appraised = criterion.maxPoints
            }
            guard appraised != selfPoints else { continue }
            let reason =
                appraised > selfPoints
                ? "Đơn vị bổ sung tài liệu kiểm chứng đầy đủ, đạt tối đa"
                : Self.appraisalReasons[random.below(Self.appraisalReasons.count)]
            recorded.append(
                PARPayload.AppraisalScoreRecorded(
                    cycle: plan.cycle, unit: unit.id, criterion: criterion.code,
                    points: appraised.description, reason: reason, evidence: nil))
            if traced == nil && appraised < selfPoints { traced = (plan.cycle, unit.id, criterion.code) }
        }
        return recorded
    }

    func surveyScores(of unit: CycleUnit, framework: Framework, in plan: CyclePlan) throws -> [PARPayload.SurveyScore] {
        framework.leaves.filter { $0.method == .survey }.map { leaf in
            PARPayload.SurveyScore(criterion: leaf.code, points: random.part(of: leaf.maxPoints, from: 35).description)
        }
    }

    func spotCheck(of unit: String, in plan: CyclePlan) throws -> [PARPayload.SpotCheckScoreRecorded] {
        let candidates = try scoring.scores(cycle: plan.cycle, unit: unit).filter {
            $0.0.method == .assessed && $0.1.notApplicable == nil
        }
        return candidates.prefix(3).enumerated().map { index, candidate in
            let (criterion, score) = candidate
            let appraised = score.appraised?.value ?? .zero
            let lower = index == 2 && appraised.hundredths >= 25
            return PARPayload.SpotCheckScoreRecorded(
                cycle: plan.cycle, unit: unit, criterion: criterion.code, decision: lower ? "lower" : "recognise",
                points: lower ? (appraised - Points(hundredths: 25)).description : nil,
                reason: lower ? "Phúc tra: hồ sơ lưu trữ không đầy đủ" : nil)
        }
    }

    /// The unit whose objection after the 2019 publication is accepted and resolved by a correction.
    static let objectingUnit = "so-y-te"
    /// The unit whose objection after the 2019 publication is rejected.
    static let rejectedUnit = "huyen-dien-bien"
    /// The id of the accepted objection, which the correction cites.
    static let acceptedObjection = "kn-2019-so-y-te"

    /// The first assessed criterion of Sở Y tế below its maximum after the 2019 publication: the one it
    /// objects to and the secretariat corrects.
    private func disputedCriterion(in plan: CyclePlan) throws -> Criterion? {
        guard plan.year == 2019 else { return nil }
        return try scoring.scores(cycle: plan.cycle, unit: Self.objectingUnit).first(where: {
            $0.0.method == .assessed && ($0.1.effective(method: .assessed)?.value ?? .zero) < $0.0.maxPoints
        })?.0
    }

    /// After the 2019 publication, Sở Y tế objects to one criterion's score and the secretariat accepts;
    /// Huyện Điện Biên objects to its whole result and the secretariat rejects.
    func objections(in plan: CyclePlan) throws -> [(
        filed: PARPayload.ObjectionFiled, answer: PARPayload.ObjectionAnswered
    )] {
        guard let criterion = try disputedCriterion(in: plan), units.contains(where: { $0.id == Self.rejectedUnit })
        else { return [] }
        let accepted = PARPayload.ObjectionFiled(
            cycle: plan.cycle, unit: Self.objectingUnit, objection: Self.acceptedObjection, criterion: criterion.code,
            reason:
                "Tài liệu kiểm chứng tiêu chí \(criterion.code) đã nộp đúng hạn nhưng không được ghi nhận khi thẩm định"
        )
        let rejected = PARPayload.ObjectionFiled(
            cycle: plan.cycle, unit: Self.rejectedUnit, objection: "kn-2019-huyen-dien-bien",
            reason: "Đề nghị xem xét lại điểm điều tra xã hội học của huyện")
        return [
            (
                accepted,
                PARPayload.ObjectionAnswered(
                    cycle: plan.cycle, unit: accepted.unit, objection: accepted.objection, decision: "accepted",
                    answer:
                        "Hội đồng phúc khảo chấp nhận: tài liệu kiểm chứng hợp lệ bị bỏ sót; điểm được điều chỉnh theo Quyết định 815/QĐ-UBND"
                )
            ),
            (
                rejected,
                PARPayload.ObjectionAnswered(
                    cycle: plan.cycle, unit: rejected.unit, objection: rejected.objection, decision: "rejected",
                    answer:
                        "Điểm điều tra xã hội học do đơn vị độc lập thực hiện theo đúng phương pháp; không có căn cứ điều chỉnh"
                )
            ),
        ]
    }

    /// After the 2019 publication, one of Sở Y tế's scores is raised to its maximum on review, resolving
    /// its objection.
    func corrections(in plan: CyclePlan) throws -> [PARPayload.CorrectionRecorded] {
        guard let criterion = try disputedCriterion(in: plan) else { return [] }
        let objection = try scoring.objections(cycle: plan.cycle).first {
            $0.objection == Self.acceptedObjection && $0.answer?.decision == "accepted"
        }
        return [
            PARPayload.CorrectionRecorded(
                cycle: plan.cycle, unit: Self.objectingUnit, criterion: criterion.code,
                points: criterion.maxPoints.description, decision: "815/QĐ-UBND",
                reason: "Kết quả phúc khảo: tài liệu kiểm chứng hợp lệ bị bỏ sót khi thẩm định",
                objection: objection?.objection)
        ]
    }

    // MARK: Output

    private func printRankings(cycle: String) throws {
        for kind in UnitKind.allCases {
            print("\n$ parledger ranking --cycle \(cycle) --kind \(kind.rawValue)")
            print("rank\tindex %\tchange\tplaces\tclass\tunit")
            for row in try scoring.ranking(cycle: cycle, kind: kind).rows {
                let result = row.result
                let change =
                    row.change.map {
                        ($0.indexPoints.hundredths >= 0 ? "+" : "") + $0.indexPoints.formatted(decimals: 2)
                    } ?? ""
                let places = row.change?.places.map { $0 > 0 ? "+\($0)" : "\($0)" } ?? ""
                print(
                    "\(result.rank.map(String.init) ?? "-")\t\(result.indexText)\t\(change)\t\(places)\t\(result.className)\t\(result.unit.name)"
                )
            }
        }
    }

    private func exportAndVerifyBundle() throws {
        let policy = try scoring.ledger.trustPolicy()
        print("\n$ parledger trust-policy --ledger \(directory)/ledger --out \(directory)/trust-policy.txt")
        try policy.text.write(toFile: "\(directory)/trust-policy.txt", atomically: true, encoding: .utf8)
        print(
            "Wrote the trust policy of ledger \(policy.ledgerID); log key fingerprint \(TrustPolicy.fingerprint(of: policy.log.publicKey))"
        )
        print("\n$ parledger export \(directory)/bundle --with-evidence")
        let summary = try CertifiedBundle.export(scoring, to: "\(directory)/bundle", withEvidence: true)
        print("Exported \(summary.events) events in \(summary.files) files; checkpoint root \(summary.rootHash)")
        print("\n$ parledger verify-bundle \(directory)/bundle --trust \(directory)/trust-policy.txt")
        let report = try BundleVerifier.verify("\(directory)/bundle", policy: policy)
        for check in report.checks { print("ok  \(check)") }
        print(report.failure.map { "FAILED [\($0.code.rawValue)] \($0.message)" } ?? "OK: the bundle verifies")
    }

    private func printTrace() throws {
        guard let traced else { return }
        print("\n$ parledger trace \(traced.unit) \(traced.criterion) --cycle \(traced.cycle)")
        for entry in try scoring.trace(cycle: traced.cycle, unit: traced.unit, criterion: traced.criterion) {
            var line =
                "  event \(entry.event.sequence)  \(entry.event.recordedAt)  \(entry.stage) \(entry.before) → \(entry.after) by \(entry.event.actor)"
            if let reason = entry.reason { line += " — \(reason)" }
            if let evidence = entry.evidence.first {
                line += " [evidence \(evidence.name) \(evidence.sha256.prefix(12))…]"
            }
            print(line)
        }
    }
}
