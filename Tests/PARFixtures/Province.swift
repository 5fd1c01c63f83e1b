import Foundation
public import Ledger
public import LedgerFormat
public import PARCore
public import PARIndex
import Scenarios
public import TestSupport
public import Testing

extension Repository {
    public static func framework(_ name: String) throws -> Framework {
        let data = try #require(FileManager.default.contents(atPath: file("schemas/frameworks/\(name).json")))
        return try Framework(json: try JSONParser.parse(Array(data)))
    }
}

/// A province's PAR ledger in a temporary directory: the secretariat, one officer per unit, the
/// council's chair (`hoi-dong`, every field) and a member (`thanh-vien`, field 1), a steering
/// committee member and the survey contractor, both Điện Biên frameworks registered, a cycle opened
/// with `departments` and `districts` units, the council assigned and the draw's secret committed.
/// It is unchecked Sendable: a test drives its province from one task at a time (the web tests hand it to
/// the server's handlers, which only read the ledger through it).
public final class Province: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public let clock = ManualClock(start: Timestamp(iso8601: "2020-01-05T02:00:00Z")!)
    public let scoring: ScoringLedger
    public let departments: Framework
    public let districts: Framework
    public let cycle = "dien-bien-2019"
    public private(set) var keys: [String: SigningKey] = [:]
    private var commandCount = 0
    public let units: [CycleUnit]
    /// The steering committee's secret for the draw, committed when the province is set up.
    public let secret = EventHash.of(Array("bí mật phúc tra".utf8)).bytes

    /// `initialMapSize` starts the storage small (see `ScoringLedger.create`).
    public init(
        departments departmentCount: Int = 20, districts districtCount: Int = 10, commitDraw: Bool = true,
        initialMapSize: Int? = nil
    ) throws {
        directory = try TemporaryDirectory()
        scoring = try ScoringLedger.create(at: directory.ledgerPath, clock: clock) { options in
            if let initialMapSize { options.storage.initialMapSize = initialMapSize }
        }
        departments = try Repository.framework("dien-bien-2019-departments")
        districts = try Repository.framework("dien-bien-2019-districts")
        units =
            (1...departmentCount).map {
                CycleUnit(id: String(format: "d%02d", $0), name: "Sở số \($0)", kind: .department)
            }
            + (1...max(districtCount, 1)).prefix(districtCount).map {
                CycleUnit(id: String(format: "h%02d", $0), name: "Huyện số \($0)", kind: .district)
            }
        let secretariat = SigningKey()
        keys["so-noi-vu"] = secretariat
        try scoring.append(
            try Enrolment.genesis(
                "so-noi-vu", name: "Sở Nội vụ", key: secretariat, commandID: "enrol-so-noi-vu", on: scoring.ledger))
        var enrolments = [
            enrol("hoi-dong", .councilMember, nil), enrol("thanh-vien", .councilMember, nil),
            enrol("ban-chi-dao", .steeringCommittee, nil),
            enrol("nha-thau", .surveyContractor, nil),
        ]
        for unit in units { enrolments.append(enrol("can-bo-\(unit.id)", .unitOfficer, unit.id)) }
        let documents = units.map {
            PAREvents.EvidenceAdded(sha256: Self.evidenceHash($0.id), name: "tlkc-\($0.id).pdf", size: 1, unit: $0.id)
                .draft
        }
        try issue(
            by: "so-noi-vu",
            enrolments + [
                PAREvents.FrameworkRegistered(framework: departments).draft,
                PAREvents.FrameworkRegistered(framework: districts).draft,
            ] + documents)
        let opened = PAREvents.CycleOpened(
            cycle: cycle, name: "Chỉ số CCHC năm 2019", year: 2019,
            frameworks: [.department: departments.id, .district: districts.id], units: units,
            selfAssessmentDeadline: Timestamp(iso8601: "2020-01-14T16:59:59.999Z")!, previousCycle: nil
        )
        try issue(
            by: "so-noi-vu",
            [
                opened.draft,
                assign(
                    "hoi-dong",
                    fields: [.department: departments.fields.map(\.code), .district: districts.fields.map(\.code)],
                    chair: true),
                assign("thanh-vien", fields: [.department: ["1"], .district: ["1"]], chair: false),
            ])
        if commitDraw { try issue(by: "ban-chi-dao", [commitment()]) }
    }

    public func commitment(to secret: [UInt8]? = nil) -> EventDraft {
        (PAREvents.SpotCheckSeedCommitted(
            cycle: cycle, commitment: SpotCheckDraw.commitment(to: secret ?? self.secret))).draft
    }

    /// Enrols another actor with `grants` (a person holding several roles).
    public func enrolPerson(_ id: String, name: String, grants: [RoleGrant]) throws {
        let key = SigningKey()
        keys[id] = key
        var events = [ActorEvent.enrolment(actor: id, name: name, grant: grants[0], publicKey: key.publicKey)]
        events += grants.dropFirst().map { ActorEvent.role($0, of: id, granted: true) }
        try issue(by: "so-noi-vu", events)
    }

    /// The document each unit's self-scores cite (registered when the province is set up).
    public static func evidenceHash(_ unit: String) -> String {
        EventHash.of(Array("tài liệu kiểm chứng \(unit)".utf8)).hex
    }

    private func enrol(_ id: String, _ role: Role, _ scope: String?) -> EventDraft {
        let key = SigningKey()
        keys[id] = key
        return Enrolment.draft(id, name: id, role: role, scope: scope, publicKey: key.publicKey)
    }

    public func framework(of unit: String) -> Framework { unit.hasPrefix("d") ? departments : districts }

    public func officer(_ unit: String) -> String { "can-bo-\(unit)" }

    @discardableResult
    public func issue(by actor: String, _ events: [EventDraft]) throws -> AppendResult {
        commandCount += 1
        let key = try #require(keys[actor])
        return try scoring.issue(events, by: key, commandID: "command-\(commandCount)")
    }

    /// Issues `events` and returns the reason they were refused, checking that nothing was appended
    /// and that the refusal says it in Vietnamese (`VietnameseRefusals`).
    public func refusal(by actor: String, _ events: [EventDraft]) throws -> String? {
        let before = try scoring.ledger.head()
        defer { #expect((try? scoring.ledger.head()) == before, "a refused command appended events") }
        do {
            try issue(by: actor, events)
            return nil
        } catch let violation as RuleViolation {
            try checkVietnamese(violation)
            return violation.reason
        } catch let error as LedgerError {
            guard case .notPermitted(let reason, _) = error else { throw error }
            try checkVietnamese(error)
            return reason
        }
    }

    /// Records an issue unless `error` says itself in Vietnamese, with no id of this ledger's units,
    /// and people's ids only where it lists them for the pages to name.
    public func checkVietnamese(_ error: any KindedError, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let units = try scoring.cycles().flatMap(\.opened.units).map(\.id)
        VietnameseRefusals.check(
            error, units: units, people: try scoring.ledger.allActors().map(\.id), sourceLocation: sourceLocation)
    }

    // MARK: Drafts

    public func selfScore(
        _ unit: String, _ criterion: String, _ points: String, evidence: Bool = true, explanation: String? = nil
    ) -> EventDraft {
        let citations = evidence ? [EvidenceCitation(name: "tlkc-\(unit).pdf", sha256: Self.evidenceHash(unit))] : []
        return PAREvents.SelfScoreRecorded(
            cycle: cycle, unit: unit, criterion: criterion, points: points, evidence: citations,
            explanation: explanation
        ).draft
    }

    public func notApplicable(_ unit: String, _ criterion: String) -> EventDraft {
        PAREvents.NotApplicableMarked(
            cycle: cycle, unit: unit, criterion: criterion, legalBasis: "Không thuộc nhiệm vụ năm 2019"
        ).draft
    }

    public func submit(_ unit: String) -> EventDraft {
        PAREvents.SelfAssessmentSubmitted(cycle: cycle, unit: unit).draft
    }

    public func appraise(
        _ unit: String, _ criterion: String, _ points: String, reason: String? = "Thiếu tài liệu kiểm chứng"
    )
        -> EventDraft
    {
        PAREvents.AppraisalScoreRecorded(
            cycle: cycle, unit: unit, criterion: criterion, points: points, reason: reason, evidence: nil
        ).draft
    }

    public func conclude(_ unit: String) -> EventDraft {
        PAREvents.AppraisalConcluded(cycle: cycle, unit: unit).draft
    }

    public func assign(_ member: String, fields: [UnitKind: [String]], chair: Bool) -> EventDraft {
        PAREvents.CouncilMemberAssigned(cycle: cycle, actor: member, fields: fields, chair: chair).draft
    }

    public func rejectNotApplicable(
        _ unit: String, _ criterion: String, reason: String = "Đơn vị có nhiệm vụ này trong năm"
    )
        -> EventDraft
    {
        PAREvents.NotApplicableRejected(cycle: cycle, unit: unit, criterion: criterion, reason: reason).draft
    }

    public func reopen(_ unit: String, reason: String = "Đơn vị giải trình, bổ sung tài liệu") -> EventDraft {
        PAREvents.AppraisalReopened(cycle: cycle, unit: unit, reason: reason).draft
    }

    public func closeAppraisal() -> EventDraft {
        PAREvents.AppraisalClosed(cycle: cycle).draft
    }

    public func concludeSpotCheck(_ unit: String) -> EventDraft {
        PAREvents.SpotCheckConcluded(cycle: cycle, unit: unit).draft
    }

    public func spotCheck(
        _ unit: String, _ criterion: String, _ decision: String, points: String? = nil, reason: String? = nil
    ) -> EventDraft {
        PAREvents.SpotCheckScoreRecorded(
            cycle: cycle, unit: unit, criterion: criterion, decision: decision, points: points, reason: reason
        ).draft
    }

    public func survey(_ unit: String, _ scores: [(String, String)]) -> EventDraft {
        PAREvents.SurveyScoresImported(
            cycle: cycle, unit: unit, scores: scores.map { PAREvents.SurveyScore(criterion: $0.0, points: $0.1) },
            source: String(repeating: "a", count: 64)
        ).draft
    }

    public func publish(hash: String? = nil, date: String = "2020-05-29") throws -> EventDraft {
        (PAREvents.ResultsPublished(
            cycle: cycle, decision: "640/QĐ-UBND", date: date,
            resultsHash: try hash ?? scoring.results(cycle: cycle).hash)).draft
    }

    // MARK: Whole stages

    public func assessedLeaves(of unit: String) -> [Criterion] {
        framework(of: unit).leaves.filter { $0.method == .assessed }
    }

    /// Every assessed criterion at its maximum, except those under `notApplicable`, then submission.
    public func selfAssessFully(_ unit: String, notApplicable codes: [String] = []) throws {
        let excluded = Set(
            codes.flatMap { code in framework(of: unit).criteriaByCode[code]?.allCriteria.map(\.code) ?? [] })
        let scores = assessedLeaves(of: unit).filter { !excluded.contains($0.code) }.map {
            selfScore(unit, $0.code, $0.maxPoints.description)
        }
        try issue(by: officer(unit), codes.map { notApplicable(unit, $0) } + scores + [submit(unit)])
    }

    /// The council lowers the first `count` applicable assessed criteria to 0, then concludes.
    public func appraiseLowering(_ unit: String, count: Int, skipping codes: Set<String> = []) throws {
        let lowered = assessedLeaves(of: unit).filter { !codes.contains($0.code) }.prefix(count).map {
            appraise(unit, $0.code, "0")
        }
        try issue(by: "hoi-dong", lowered + [conclude(unit)])
    }

    public func surveyFully(_ unit: String, except zeroed: Set<String> = []) throws {
        let rows = framework(of: unit).leaves.filter { $0.method == .survey }.map {
            ($0.code, zeroed.contains($0.code) ? "0" : $0.maxPoints.description)
        }
        try issue(by: "nha-thau", [survey(unit, rows)])
    }

    /// Closes the appraisal (the chair) unless it is closed, then draws the sample of `kind`.
    public func draw(_ kind: UnitKind) throws -> [String] {
        if try scoring.cycle(cycle)?.appraisalClosed == nil { try issue(by: "hoi-dong", [closeAppraisal()]) }
        let draft = try scoring.spotCheckDraw(cycle: cycle, kind: kind, secret: secret, adding: [])
        try issue(by: "ban-chi-dao", [draft])
        return try #require(try scoring.cycle(cycle)?.draws[kind.rawValue]?.units)
    }

    /// Concludes the spot-check of every drawn unit not concluded yet.
    public func concludeSpotChecks() throws {
        let drawn = try scoring.cycle(cycle)?.draws.values.flatMap(\.units) ?? []
        let open = try drawn.filter { try scoring.unitRecord(cycle: cycle, unit: $0)?.spotCheckConcluded == false }
        if !open.isEmpty { try issue(by: "ban-chi-dao", open.sorted().map(concludeSpotCheck)) }
    }
}

extension Province {
    public func withdraw(_ unit: String, reason: String = "Bổ sung tài liệu kiểm chứng") -> EventDraft {
        PAREvents.SelfAssessmentWithdrawn(cycle: cycle, unit: unit, reason: reason).draft
    }

    public func ask(
        _ unit: String, _ criterion: String, request: String = "gt-1", question: String = "Đề nghị giải trình"
    )
        -> EventDraft
    {
        PAREvents.ExplanationRequested(
            cycle: cycle, unit: unit, criterion: criterion, request: request, question: question
        ).draft
    }

    public func explain(
        _ unit: String, request: String = "gt-1", answer: String = "Đơn vị giải trình", evidence: [String]? = nil
    )
        -> EventDraft
    {
        PAREvents.ExplanationGiven(
            cycle: cycle, unit: unit, request: request, answer: answer,
            evidence: evidence ?? [Self.evidenceHash(unit)]
        ).draft
    }

    /// Runs the cycle to its publication by a decision dated `date`: every unit self-assessed in full and
    /// sealed, surveyed, each kind drawn and its spot-checks concluded.
    public func publishCycle(date: String = "2020-05-29") throws {
        for unit in units {
            try selfAssessFully(unit.id)
            try issue(by: "hoi-dong", [conclude(unit.id)])
            try surveyFully(unit.id)
        }
        for kind in UnitKind.allCases where units.contains(where: { $0.kind == kind }) { _ = try draw(kind) }
        try concludeSpotChecks()
        try issue(by: "so-noi-vu", [try publish(date: date)])
    }

    public func fileObjection(
        _ unit: String, objection: String = "kn-1", criterion: String? = nil,
        reason: String = "Tài liệu kiểm chứng đã nộp nhưng không được ghi nhận"
    ) -> EventDraft {
        PAREvents.ObjectionFiled(cycle: cycle, unit: unit, objection: objection, criterion: criterion, reason: reason)
            .draft
    }

    public func answerObjection(
        _ unit: String, objection: String = "kn-1", decision: String = "accepted",
        answer: String = "Chấp nhận kiến nghị"
    ) -> EventDraft {
        PAREvents.ObjectionAnswered(
            cycle: cycle, unit: unit, objection: objection, decision: decision, answer: answer
        ).draft
    }

    public func correct(_ unit: String, _ criterion: String, _ points: String, objection: String? = nil) -> EventDraft {
        PAREvents.CorrectionRecorded(
            cycle: cycle, unit: unit, criterion: criterion, points: points, decision: "815/QĐ-UBND",
            reason: "Kết quả phúc khảo", objection: objection
        ).draft
    }

    /// Issues `events` and expects them refused with `kind` and a reason containing `reason`, the
    /// ledger's head unchanged.
    public func expectRefused(
        by actor: String, _ events: [EventDraft], _ kind: ErrorKind, _ reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let refusal = try refusalKind(by: actor, events, sourceLocation: sourceLocation)
        #expect(refusal?.kind == kind, "\(refusal?.reason ?? "accepted")", sourceLocation: sourceLocation)
        #expect(
            refusal?.reason.contains(reason) == true, "\(refusal?.reason ?? "accepted")",
            sourceLocation: sourceLocation)
    }

    /// Issues `events`, expecting a refusal: its reason and kind, with the ledger's head unchanged.
    public func refusalKind(by actor: String, _ events: [EventDraft], sourceLocation: SourceLocation = #_sourceLocation)
        throws -> (reason: String, kind: ErrorKind)?
    {
        let before = try scoring.ledger.head()
        defer {
            #expect(
                (try? scoring.ledger.head()) == before, "a refused command appended events",
                sourceLocation: sourceLocation)
        }
        do {
            try issue(by: actor, events)
            return nil
        } catch let error as any KindedError {
            try checkVietnamese(error, sourceLocation: sourceLocation)
            return ("\(error)", error.kind)
        }
    }
}
