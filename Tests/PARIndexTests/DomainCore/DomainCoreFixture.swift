import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import Testing

/// A province's scoring state driven in memory, with no ledger, database or directory: events are
/// built from payloads with increasing sequence numbers, a fake hash, a time and an actor, and folded
/// into a `ProvinceState` by `evolve` (the same code the ledger's append path runs).
///
/// The province has two tiny frameworks (one for departments, which the council may only lower, and
/// one for districts, which it may adjust either way), three departments `d01`–`d03` and two districts
/// `h01`–`h02`, one evidence document per unit, a chair (`chu-tich`, every field) and a member
/// (`thanh-vien`, field 1 only), and, unless asked otherwise, the steering committee's commitment to the
/// secret of its draw.
struct DomainCoreFixture {
    static let cycle = "dien-bien-2019"
    static let secretariat = "so-noi-vu"
    static let chair = "chu-tich"
    static let member = "thanh-vien"
    static let steering = "ban-chi-dao"
    static let contractor = "nha-thau"
    static let deadline = "2020-01-14T16:59:59.999Z"
    static let departmentIDs = ["d01", "d02", "d03"]
    static let districtIDs = ["h01", "h02"]
    static let secret = EventHash.of(Array("bí mật phúc tra".utf8)).bytes

    /// The departments' table: field 1 (40: 1.1 = 10, 1.2 = 1.2.1 10 + 1.2.2 20), field 2 (60: 2.1 = 35
    /// assessed, 2.2 = 25 survey).
    static let departments = framework(kind: .department, name: "Bảng thử nghiệm sở")
    /// The districts' table: the same rows, scored on the districts' settings (adjust either way).
    static let districts = framework(kind: .district, name: "Bảng thử nghiệm huyện")

    var state = ProvinceState()
    /// The time of the next event unless one is given; each event recorded moves it on by a second.
    var now = time("2020-01-05T02:00:00Z")
    private(set) var nextSequence: UInt64 = 1

    /// The province set up as described above.
    /// The scheme the cycle was opened under (nil: none named, scheme 1).
    let scheme: Int?
    static let provinceChair = "chu-tich-ubnd"
    static let viceChair = "pho-chu-tich-ubnd"

    static func head(_ unit: String) -> String { "thu-truong-\(unit)" }

    /// The province set up as described above; under scheme 2 also a head for every unit, the
    /// province's chairman and a vice-chairman, enrolled before the cycle opens.
    init(commitDraw: Bool = true, scheme: Int? = nil, establishCouncil: Bool = true) throws {
        self.scheme = scheme
        if scheme == 2 {
            var people = Self.units.map { (Self.head($0.id), "Thủ trưởng \($0.name)", "unit-head", Optional($0.id)) }
            people.append((Self.provinceChair, "Chủ tịch UBND tỉnh", "province-chair", nil))
            people.append((Self.viceChair, "Phó Chủ tịch UBND tỉnh", "province-vice-chair", nil))
            for (actor, name, role, scope) in people {
                try recordActorEvent(
                    ActorEvent.enrolment(
                        actor: actor, name: name, grant: RoleGrant(role: role, scope: scope),
                        publicKey: SigningKey().publicKey))
            }
        }
        try record(PAREvents.FrameworkRegistered(framework: Self.departments), by: Self.secretariat)
        try record(PAREvents.FrameworkRegistered(framework: Self.districts), by: Self.secretariat)
        for unit in Self.units { try record(Self.document(of: unit.id), by: Self.secretariat) }
        try record(Self.opening(scheme: scheme), by: Self.secretariat)
        if scheme == 2 {
            try record(Self.councilDocument, by: Self.secretariat)
            if establishCouncil { try record(Self.establishment(), by: Self.secretariat) }
        } else {
            try record(
                Self.assignment(
                    Self.chair, fields: [.department: ["1", "2"], .district: ["1", "2"]], chair: true),
                by: Self.secretariat)
            try record(
                Self.assignment(Self.member, fields: [.department: ["1"], .district: ["1"]], chair: false),
                by: Self.secretariat)
        }
        if commitDraw { try record(Self.commitment(), by: Self.steering) }
    }

    // MARK: Building events

    static func time(_ text: String) -> Timestamp {
        guard let time = Timestamp(iso8601: text) else { preconditionFailure("not a time: \(text)") }
        return time
    }

    static func points(_ text: String) -> Points {
        guard let points = try? Points(parsing: text) else { preconditionFailure("not points: \(text)") }
        return points
    }

    /// A fake but distinct hash for the event at `sequence`.
    static func fakeHash(_ sequence: UInt64) -> EventHash {
        EventHash.of(Array("domain-core-event-\(sequence)".utf8))
    }

    /// The next event: `payload` recorded by `actor` at `at` (or `now`), in `stream` (or the payload's).
    func event(_ payload: some PAREvent, by actor: String, at time: String? = nil, stream: String? = nil)
        -> RecordedEvent
    {
        RecordedEvent(
            sequence: nextSequence, stream: stream ?? payload.stream, streamVersion: 1,
            type: type(of: payload).type, schemaVersion: 1, payload: CanonicalJSON.encode(payload.json),
            actor: actor, recordedAt: time.map(Self.time) ?? now, commandID: "command-\(nextSequence)",
            causationID: "command-\(nextSequence)", correlationID: "command-\(nextSequence)", keyID: "key-\(actor)",
            signature: [], previousHash: state.lastHash, hash: Self.fakeHash(nextSequence))
    }

    /// Folds an actor event (judged by the ledger's identity layer, not here) in, by the secretariat:
    /// the scoring state notes only the roles it gives or takes back.
    mutating func recordActorEvent(_ draft: EventDraft) throws {
        let event = RecordedEvent(
            sequence: nextSequence, stream: draft.stream, streamVersion: 1, type: draft.type, schemaVersion: 1,
            payload: CanonicalJSON.encode(draft.payload), actor: Self.secretariat, recordedAt: now,
            commandID: "command-\(nextSequence)", causationID: "command-\(nextSequence)",
            correlationID: "command-\(nextSequence)", keyID: "key-\(Self.secretariat)", signature: [],
            previousHash: state.lastHash, hash: Self.fakeHash(nextSequence))
        try state.evolve(event)
        nextSequence += 1
        now = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1_000)
    }

    /// Folds the next event in; fails the test (and throws) when the rules refuse it.
    @discardableResult
    mutating func record(
        _ payload: some PAREvent, by actor: String, at time: String? = nil, stream: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [StateChange] {
        let event = event(payload, by: actor, at: time, stream: stream)
        if case .failure(let violation) = state.decide([event]) {
            Issue.record("\(event.type) was refused: \(violation.reason)", sourceLocation: sourceLocation)
        }
        let changes = try state.evolve(event)
        #expect(state.sequence == event.sequence, sourceLocation: sourceLocation)
        #expect(state.lastHash == event.hash, sourceLocation: sourceLocation)
        nextSequence += 1
        now = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 1_000)
        return changes
    }

    /// The rule the next event breaks: `decide` must return `.failure`, leave the state as it was, and
    /// agree with `evolve`. Nil (and a failed test) when the event is accepted.
    func refusal(
        _ payload: some PAREvent, by actor: String, at time: String? = nil, stream: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> RuleViolation? {
        let event = event(payload, by: actor, at: time, stream: stream)
        let before = DomainCoreFingerprint(state)
        guard case .failure(let violation) = state.decide([event]) else {
            Issue.record("\(event.type) was accepted", sourceLocation: sourceLocation)
            return nil
        }
        #expect(DomainCoreFingerprint(state) == before, "decide changed the state", sourceLocation: sourceLocation)
        var trial = state
        #expect(throws: violation, sourceLocation: sourceLocation) { try trial.evolve(event) }
        VietnameseRefusals.check(
            violation, units: Self.units.map(\.id), people: [event.actor], sourceLocation: sourceLocation)
        return violation
    }

    /// Expects the next event to be refused with a reason containing `expected` and, when given, of `kind`.
    func expectRefused(
        _ payload: some PAREvent, by actor: String, at time: String? = nil, stream: String? = nil,
        _ expected: String, kind: ErrorKind? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let violation = refusal(payload, by: actor, at: time, stream: stream, sourceLocation: sourceLocation)
        else { return }
        #expect(
            violation.reason.contains(expected), "refused for '\(violation.reason)', expected '\(expected)'",
            sourceLocation: sourceLocation)
        if let kind { #expect(violation.kind == kind, "\(violation.reason)", sourceLocation: sourceLocation) }
    }

    // MARK: Reading the state

    var cycleRecord: CycleRecord? { state.cycle(Self.cycle) }

    func unit(_ id: String) -> UnitRecord? { state.cycles[Self.cycle]?.units[id]?.record }

    func score(_ unit: String, _ criterion: String) -> CriterionScore {
        state.cycles[Self.cycle]?.units[unit]?.scores[criterion] ?? CriterionScore()
    }

    func explanation(_ unit: String, _ request: String) -> ExplanationRecord? {
        state.cycles[Self.cycle]?.units[unit]?.explanations[request]
    }

    func objection(_ id: String) -> ObjectionRecord? { state.cycles[Self.cycle]?.objections[id] }

    /// The units drawn for the spot-check of `kind` (the draw must have been recorded).
    func drawn(_ kind: UnitKind) -> [String] { cycleRecord?.draws[kind.rawValue]?.units ?? [] }

    // MARK: Payloads

    static let units: [CycleUnit] =
        departmentIDs.enumerated().map { CycleUnit(id: $1, name: "Sở số \($0 + 1)", kind: .department) }
        + districtIDs.enumerated().map { CycleUnit(id: $1, name: "Huyện số \($0 + 1)", kind: .district) }

    static func framework(kind: UnitKind, name: String, fieldTwo: Points = points("60")) -> Framework {
        func leaf(_ code: String, _ max: String, _ method: ScoringMethod = .assessed) -> Criterion {
            Criterion(code: code, title: "Tiêu chí \(code)", maxPoints: points(max), method: method, children: [])
        }
        let survey = points("25")
        let assessedTwo = Points(hundredths: fieldTwo.hundredths - survey.hundredths)
        return Framework(
            name: name, unitKind: kind, source: "Bảng thử nghiệm, không phải văn bản thật",
            statedAssessed: Points(hundredths: 4_000 + assessedTwo.hundredths), statedSurvey: survey,
            settings: .dienBien(for: kind),
            fields: [
                Criterion(
                    code: "1", title: "Công tác chỉ đạo", maxPoints: points("40"), method: nil,
                    children: [
                        leaf("1.1", "10"),
                        Criterion(
                            code: "1.2", title: "Tiêu chí 1.2", maxPoints: points("30"), method: nil,
                            children: [leaf("1.2.1", "10"), leaf("1.2.2", "20")]),
                    ]),
                Criterion(
                    code: "2", title: "Kết quả", maxPoints: fieldTwo, method: nil,
                    children: [leaf("2.1", assessedTwo.description), leaf("2.2", "25", .survey)]),
            ])
    }

    static func framework(of unit: String) -> Framework { unit.hasPrefix("d") ? departments : districts }

    /// The assessed leaves every unit scores, with their maxima.
    static let assessedLeaves = departments.leaves.filter { $0.method == .assessed }

    static func evidenceHash(_ unit: String) -> String { EventHash.of(Array("tài liệu kiểm chứng \(unit)".utf8)).hex }

    static func document(of unit: String) -> PAREvents.EvidenceAdded {
        PAREvents.EvidenceAdded(sha256: evidenceHash(unit), name: "tlkc-\(unit).pdf", size: 1, unit: unit)
    }

    static func citation(of unit: String) -> EvidenceCitation { document(of: unit).citation }

    static func officer(_ unit: String) -> String { "can-bo-\(unit)" }

    static func opening(
        cycle: String = cycle, units: [CycleUnit] = units, frameworks: [String: String]? = nil,
        deadline: String = deadline, previousCycle: String? = nil, publicationWindow: PAREvents.DateWindow? = nil,
        scheme: Int? = nil, year: Int = 2019
    ) -> PAREvents.CycleOpened {
        PAREvents.CycleOpened(
            cycle: cycle, name: "Chỉ số CCHC năm \(year)", year: year,
            frameworks: frameworks ?? [
                UnitKind.department.rawValue: departments.id, UnitKind.district.rawValue: districts.id,
            ],
            units: units, selfAssessmentDeadline: deadline, previousCycle: previousCycle,
            publicationWindow: publicationWindow, scheme: scheme)
    }

    static func assignment(_ actor: String, fields: [UnitKind: [String]], chair: Bool)
        -> PAREvents.CouncilMemberAssigned
    {
        PAREvents.CouncilMemberAssigned(cycle: cycle, actor: actor, fields: fields, chair: chair)
    }

    static func commitment(to secret: [UInt8] = secret) -> PAREvents.SpotCheckSeedCommitted {
        PAREvents.SpotCheckSeedCommitted(cycle: cycle, commitment: SpotCheckDraw.commitment(to: secret))
    }

    static func selfScore(
        _ unit: String, _ criterion: String, _ points: String, evidence: [EvidenceCitation]? = nil,
        explanation: String? = nil
    ) -> PAREvents.SelfScoreRecorded {
        PAREvents.SelfScoreRecorded(
            cycle: cycle, unit: unit, criterion: criterion, points: points,
            evidence: evidence ?? [citation(of: unit)], explanation: explanation)
    }

    static func notApplicable(_ unit: String, _ criterion: String, legalBasis: String = "Nghị định 61/2018/NĐ-CP")
        -> PAREvents.NotApplicableMarked
    {
        PAREvents.NotApplicableMarked(cycle: cycle, unit: unit, criterion: criterion, legalBasis: legalBasis)
    }

    static func submission(_ unit: String) -> PAREvents.SelfAssessmentSubmitted {
        PAREvents.SelfAssessmentSubmitted(cycle: cycle, unit: unit)
    }

    static func withdrawal(_ unit: String, reason: String = "sửa điểm tiêu chí 1.1")
        -> PAREvents.SelfAssessmentWithdrawn
    {
        PAREvents.SelfAssessmentWithdrawn(cycle: cycle, unit: unit, reason: reason)
    }

    static func appraisal(
        _ unit: String, _ criterion: String, _ points: String, reason: String? = nil,
        evidence: [EvidenceCitation]? = nil
    ) -> PAREvents.AppraisalScoreRecorded {
        PAREvents.AppraisalScoreRecorded(
            cycle: cycle, unit: unit, criterion: criterion, points: points, reason: reason, evidence: evidence)
    }

    static func seal(_ unit: String, meeting: String? = nil) -> PAREvents.AppraisalConcluded {
        PAREvents.AppraisalConcluded(cycle: cycle, unit: unit, meeting: meeting)
    }

    /// The council's secretary under scheme 2 (no fields).
    static let secretary = "thu-ky"
    /// The meeting at which the fixture's council agrees every unit's results under scheme 2.
    static let meeting = "phien-hop-1"
    /// The document the council's minutes and report cite under scheme 2.
    static let councilDocument = PAREvents.EvidenceAdded(
        sha256: EventHash.of(Array("biên bản họp hội đồng".utf8)).hex, name: "bien-ban-hop.pdf", size: 1, unit: nil)

    /// The council of scheme 2: the chair (every field), the member (field 1) and the secretary, half
    /// of them needed at a meeting.
    static func establishment(
        members: [PAREvents.CouncilSeat]? = nil, decision: String = "QĐ 20/QĐ-UBND", quorumPercent: String = "50"
    ) -> PAREvents.CouncilEstablished {
        PAREvents.CouncilEstablished(
            cycle: cycle, decision: decision,
            members: members ?? [
                PAREvents.CouncilSeat(
                    actor: chair, position: "chair", fields: ["department": ["1", "2"], "district": ["1", "2"]]),
                PAREvents.CouncilSeat(
                    actor: member, position: "member", fields: ["department": ["1"], "district": ["1"]]),
                PAREvents.CouncilSeat(actor: secretary, position: "secretary", fields: [:]),
            ], quorumPercent: quorumPercent)
    }

    static func meetingHeld(_ id: String = meeting, attendees: [String] = [chair, member, secretary])
        -> PAREvents.CouncilMeetingHeld
    {
        PAREvents.CouncilMeetingHeld(
            cycle: cycle, meeting: id, date: "2020-03-10", attendees: attendees, minutes: councilDocument.citation)
    }

    static func closing() -> PAREvents.AppraisalClosed { PAREvents.AppraisalClosed(cycle: cycle) }

    static func spotCheck(
        _ unit: String, _ criterion: String, _ decision: String, points: String? = nil, reason: String? = nil
    ) -> PAREvents.SpotCheckScoreRecorded {
        PAREvents.SpotCheckScoreRecorded(
            cycle: cycle, unit: unit, criterion: criterion, decision: decision, points: points, reason: reason)
    }

    static func survey(_ unit: String, _ points: String = "20", criterion: String = "2.2")
        -> PAREvents.SurveyScoresImported
    {
        PAREvents.SurveyScoresImported(
            cycle: cycle, unit: unit, scores: [PAREvents.SurveyScore(criterion: criterion, points: points)],
            source: EventHash.of(Array("khảo sát 2019".utf8)).hex)
    }

    static func correction(
        _ unit: String, _ criterion: String, _ points: String, decision: String = "QĐ 999/QĐ-UBND",
        reason: String = "sai sót khi tổng hợp", objection: String? = nil
    ) -> PAREvents.CorrectionRecorded {
        PAREvents.CorrectionRecorded(
            cycle: cycle, unit: unit, criterion: criterion, points: points, decision: decision, reason: reason,
            objection: objection)
    }

    /// The draw of `kind` as the rules expect it: the committed secret revealed, the seed from the
    /// AppraisalClosed event's hash, the sample ceil(10%) of the kind's units.
    func draw(_ kind: UnitKind, secret: [UInt8] = secret, added: [String] = []) throws -> PAREvents.SpotCheckDrawn {
        let closure = try #require(cycleRecord?.appraisalClosed)
        let closedBy = try #require(EventHash(hex: closure.hash))
        let units = Self.units.filter { $0.kind == kind }.map(\.id)
        let seed = SpotCheckDraw.seed(secret: secret, closedBy: closedBy)
        let size = SpotCheckDraw.sampleSize(units: units.count, percent: Self.points("10"))
        return PAREvents.SpotCheckDrawn(
            cycle: Self.cycle, kind: kind, secret: hexString(secret), seed: hexString(seed),
            algorithm: SpotCheckDraw.algorithm, sampleSize: size,
            drawn: SpotCheckDraw.draw(seed: seed, units: units, size: size), added: added)
    }

    /// The publication of the results the state gives now.
    func publication(date: String = "2020-05-15", decision: String = "QĐ 456/QĐ-UBND") throws
        -> PAREvents.ResultsPublished
    {
        PAREvents.ResultsPublished(
            cycle: Self.cycle, decision: decision, date: date,
            resultsHash: try state.results(cycle: Self.cycle).hash)
    }

    // MARK: Stages

    /// Self-scores every assessed leaf of `unit` (its maximum unless `points` says otherwise), citing its
    /// document, by its officer.
    mutating func selfAssess(_ unit: String, points: [String: String] = [:]) throws {
        for leaf in Self.assessedLeaves {
            try record(
                Self.selfScore(unit, leaf.code, points[leaf.code] ?? leaf.maxPoints.description),
                by: Self.officer(unit))
        }
    }

    /// The unit's submission, signed by its head under scheme 2, by its officer otherwise.
    mutating func submit(_ unit: String) throws {
        try record(Self.submission(unit), by: scheme == 2 ? Self.head(unit) : Self.officer(unit))
    }

    /// Every unit self-assessed in full and submitted.
    mutating func submitAll() throws {
        for unit in Self.units {
            try selfAssess(unit.id)
            try submit(unit.id)
        }
    }

    /// The chair's seal; under scheme 2 citing the fixture's meeting, recorded first when it was not.
    mutating func seal(_ unit: String) throws {
        guard scheme == 2 else {
            try record(Self.seal(unit), by: Self.chair)
            return
        }
        if cycleRecord?.councilBody?.meetings[Self.meeting] == nil {
            try record(Self.meetingHeld(), by: Self.secretary)
        }
        try record(Self.seal(unit, meeting: Self.meeting), by: Self.chair)
    }

    /// Every unit submitted, sealed by the chair, and the appraisal closed (under scheme 2, the
    /// council's report sent to the province too).
    mutating func closeAppraisal() throws {
        try submitAll()
        for unit in Self.units { try seal(unit.id) }
        try record(Self.closing(), by: Self.chair)
        if scheme == 2 {
            try record(
                PAREvents.CouncilReportSubmitted(cycle: Self.cycle, report: Self.councilDocument.citation),
                by: Self.chair)
        }
    }

    /// The appraisal closed and both kinds drawn.
    mutating func drawBoth() throws {
        try closeAppraisal()
        try record(try draw(.department), by: Self.steering)
        try record(try draw(.district), by: Self.steering)
    }

    /// Everything a publication needs: both draws concluded and every unit's survey points imported.
    mutating func readyToPublish() throws {
        try drawBoth()
        for unit in drawn(.department) + drawn(.district) {
            try record(PAREvents.SpotCheckConcluded(cycle: Self.cycle, unit: unit), by: Self.steering)
        }
        for unit in Self.units { try record(Self.survey(unit.id), by: Self.contractor) }
    }

    /// The cycle published on 15 May 2020, the events recorded that day (under scheme 2 approved by
    /// the chairman first).
    mutating func publish() throws {
        try readyToPublish()
        now = Self.time("2020-05-15T03:00:00Z")
        if scheme == 2 { try record(try approval(), by: Self.provinceChair) }
        try record(try publication(), by: Self.secretariat)
    }

    func approval(date: String = "2020-05-15", decision: String = "QĐ 456/QĐ-UBND") throws -> PAREvents.ResultsApproved
    {
        PAREvents.ResultsApproved(
            cycle: Self.cycle, decision: decision, date: date, resultsHash: try state.results(cycle: Self.cycle).hash)
    }
}

/// Everything a `ProvinceState` holds, comparable: a refused event must leave all of it as it was.
struct DomainCoreFingerprint: Equatable {
    struct Unit: Equatable {
        let record: UnitRecord
        let scores: [String: CriterionScore]
        let explanations: [String: ExplanationRecord]
    }

    struct Cycle: Equatable {
        let record: CycleRecord
        let version: UInt64
        let units: [String: Unit]
        let objections: [String: ObjectionRecord]
    }

    let sequence: UInt64
    let lastHash: EventHash
    let frameworks: [String: Framework]
    let evidence: [String: [UInt8]]
    let cycles: [String: Cycle]
    let roles: RoleHistory
    let map: UnitMap

    init(_ state: ProvinceState) {
        roles = state.roles
        map = state.map
        sequence = state.sequence
        lastHash = state.lastHash
        frameworks = state.frameworks
        evidence = Dictionary(uniqueKeysWithValues: state.evidence.entries.map { ($0.sha256, $0.payload) })
        cycles = state.cycles.mapValues { cycle in
            Cycle(
                record: cycle.record, version: cycle.version,
                units: cycle.units.mapValues {
                    Unit(record: $0.record, scores: $0.scores, explanations: $0.explanations)
                },
                objections: cycle.objections)
        }
    }
}
