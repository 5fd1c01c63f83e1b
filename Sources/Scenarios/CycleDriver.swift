import Ledger
public import LedgerFormat
public import PARCore
public import PARIndex

/// Drives a province's PAR cycles through the library as its actors would, each stage signed by the
/// role it needs and in the order the rules require; the demo, the benchmarks and the tests share it.
public final class CycleDriver {
    public let scoring: ScoringLedger
    public let cast: Cast
    public let frameworks: [UnitKind: Framework]
    private let signatories: any Signatories

    public init(scoring: ScoringLedger, cast: Cast, frameworks: [UnitKind: Framework], signatories: any Signatories) {
        self.scoring = scoring
        self.cast = cast
        self.frameworks = frameworks
        self.signatories = signatories
    }

    // MARK: Enrolment

    /// The ledger's first command: the secretariat enrols itself with `key` (`Enrolment.genesis`).
    public func enrolSecretariat(key: SigningKey, commandID: String) throws {
        try scoring.append(
            try Enrolment.genesis(
                cast.secretariat.id, name: cast.secretariat.name, key: key, commandID: commandID,
                on: scoring.ledger))
    }

    /// The secretariat enrols, in one command, the council (chair first, its secretary last), the
    /// steering committee, the survey contractor, the auditors, one officer per unit, and with `heads`
    /// (for scheme 2) one head per unit and the province's chairman and vice-chairman; returns how many
    /// it enrolled.
    @discardableResult
    public func enrolCast(units: [CycleUnit], heads: Bool = false) throws -> Int {
        let council = cast.council.everyone
        var events = try (council + [cast.steeringCommittee, cast.surveyContractor]).enumerated().map { index, player in
            let role: Role =
                index < council.count ? .councilMember : index == council.count ? .steeringCommittee : .surveyContractor
            return try enrolment(player, role)
        }
        events += try cast.auditors.map { try enrolment($0, .auditor) }
        events += try units.map { try enrolment(Cast.officer(of: $0), .unitOfficer, scope: $0.id) }
        if heads {
            events += try units.map { try enrolment(Cast.head(of: $0), .unitHead, scope: $0.id) }
            if let chair = cast.provinceChair { events.append(try enrolment(chair, .provinceChair)) }
            if let vice = cast.provinceViceChair { events.append(try enrolment(vice, .provinceViceChair)) }
        }
        try signatories.issue(events, by: cast.secretariat.id)
        return events.count
    }

    private func enrolment(_ player: Player, _ role: Role, scope: String? = nil) throws -> EventDraft {
        Enrolment.draft(
            player.id, name: player.name, role: role, scope: scope, publicKey: try signatories.publicKey(of: player.id))
    }

    /// The secretariat registers the frameworks, in unit-kind order.
    public func registerFrameworks() throws {
        let sorted = frameworks.values.sorted { $0.unitKind.rawValue < $1.unitKind.rawValue }
        try signatories.issue(
            sorted.map { PAREvents.FrameworkRegistered(framework: $0).draft }, by: cast.secretariat.id)
    }

    // MARK: A cycle

    /// Runs every stage of `plan`'s cycle, in order, with the events `script` decides.
    public func run(_ plan: CyclePlan, script: any CycleScript) throws -> CycleSummary {
        var summary = CycleSummary()
        try open(plan, script: script)
        summary.withdrawals = try selfAssess(plan, script: script)
        let appraisal = try appraise(plan, script: script)
        summary.appraisalScores = appraisal.scores
        summary.explanationsAsked = appraisal.asked
        summary.explanationsAnswered = appraisal.answered
        summary.surveyScores = try survey(plan, script: script)
        summary.spotChecked = try spotCheck(plan, script: script)
        try publish(plan, script: script)
        summary.objections = try object(plan, script: script)
        summary.corrections = try correct(plan, script: script)
        try signatories.flush()
        return summary
    }

    /// The secretariat opens the cycle with its council; the steering committee commits to the draw's secret.
    public func open(_ plan: CyclePlan, script: any CycleScript) throws {
        try script.willBegin(.opening, of: plan)
        let opened = PAREvents.CycleOpened(
            cycle: plan.cycle, name: plan.name, year: plan.year, frameworks: frameworks.mapValues(\.id),
            units: plan.units,
            selfAssessmentDeadline: plan.selfAssessmentDeadline, previousCycle: plan.previousCycle,
            publicationWindow: plan.publicationWindow, scheme: plan.wholeScheme == nil ? nil : .whole
        )
        let council =
            plan.wholeScheme.map {
                [cast.council.establishment(cycle: plan.cycle, decision: $0.councilDecision, frameworks: frameworks)]
            } ?? cast.council.assignments(cycle: plan.cycle, frameworks: frameworks)
        try signatories.issue([opened.draft] + council, by: cast.secretariat.id)
        let commitment = SpotCheckDraw.commitment(to: plan.drawSecret)
        try signatories.issue(
            [PAREvents.SpotCheckSeedCommitted(cycle: plan.cycle, commitment: commitment).draft],
            by: cast.steeringCommittee.id)
    }

    /// Each unit's officer self-assesses and submits; units given an extension submit last, after it. A
    /// unit the script has withdraw its submission records its changes and submits again; returns those units.
    @discardableResult
    public func selfAssess(_ plan: CyclePlan, script: any CycleScript) throws -> [String] {
        var withdrawn: [String] = []
        try script.willBegin(.selfAssessment, of: plan)
        let extensions = plan.units.map { script.deadlineExtension(for: $0, of: plan) }
        let order =
            zip(plan.units, extensions).filter { $0.1 == nil } + zip(plan.units, extensions).filter { $0.1 != nil }
        for (index, (unit, extended)) in order.enumerated() {
            guard let framework = frameworks[unit.kind] else { continue }
            if let extended {
                try script.willBegin(.deadlineExtension(unit: unit.id), of: plan)
                let draft = PAREvents.DeadlineExtended(
                    cycle: plan.cycle, unit: unit.id, until: extended.until, reason: extended.reason
                ).draft
                try signatories.issue([draft], by: cast.secretariat.id)
            }
            let officer = Cast.officer(of: unit).id
            let submitted = PAREvents.SelfAssessmentSubmitted(cycle: plan.cycle, unit: unit.id).draft
            let events = try script.selfAssessment(of: unit, framework: framework, in: plan)
            try sign(events, then: submitted, of: unit, in: plan)
            if let withdrawal = try script.withdrawal(of: unit, framework: framework, in: plan) {
                let draft = PAREvents.SelfAssessmentWithdrawn(
                    cycle: plan.cycle, unit: unit.id, reason: withdrawal.reason
                ).draft
                try signatories.issue([draft], by: plan.wholeScheme == nil ? officer : Cast.head(of: unit).id)
                try sign(withdrawal.changes, then: submitted, of: unit, in: plan)
                withdrawn.append(unit.id)
            }
            script.progressed(.selfAssessment, done: index + 1, of: order.count)
        }
        return withdrawn
    }

    /// The officer's `events` and then `submission`: one command of the officer under scheme 1; under
    /// scheme 2 the officer's, then the head's signing the submission.
    private func sign(_ events: [EventDraft], then submission: EventDraft, of unit: CycleUnit, in plan: CyclePlan)
        throws
    {
        guard plan.wholeScheme != nil else {
            try signatories.issue(events + [submission], by: Cast.officer(of: unit).id)
            return
        }
        if !events.isEmpty { try signatories.issue(events, by: Cast.officer(of: unit).id) }
        try signatories.issue([submission], by: Cast.head(of: unit).id)
    }

    /// The council appraises each unit: members ask for the script's explanations in their fields and the
    /// unit answers, then each member scores in their fields and the chair concludes; then the chair
    /// closes the appraisal. Returns how many appraisal scores were recorded and explanations asked and answered.
    @discardableResult
    public func appraise(_ plan: CyclePlan, script: any CycleScript) throws -> (scores: Int, asked: Int, answered: Int)
    {
        try script.willBegin(.appraisal, of: plan)
        if let whole = plan.wholeScheme { try holdMeeting(whole, of: plan, script: script) }
        var (recorded, asked, answered) = (0, 0, 0)
        for (index, unit) in plan.units.enumerated() {
            guard let framework = frameworks[unit.kind] else { continue }
            for request in try script.explanationRequests(of: unit, framework: framework, in: plan) {
                try signatories.issue([request.draft], by: cast.council.appraiser(of: request.criterion))
                asked += 1
                let answer = try script.explanation(answering: request, of: unit, in: plan)
                if !answer.isEmpty {
                    try signatories.issue(answer, by: Cast.officer(of: unit).id)
                    answered += 1
                }
            }
            let scores = try script.appraisal(of: unit, framework: framework, in: plan)
            recorded += scores.count
            for member in cast.council.members.map(\.player.id) {
                let theirs = scores.filter { cast.council.appraiser(of: $0.criterion) == member }
                if !theirs.isEmpty { try signatories.issue(theirs.map(\.draft), by: member) }
            }
            let chair = cast.council.chair.id
            let chairs = scores.filter { cast.council.appraiser(of: $0.criterion) == chair }.map(\.draft)
            let seal = PAREvents.AppraisalConcluded(
                cycle: plan.cycle, unit: unit.id, meeting: plan.wholeScheme?.meeting)
            if let whole = plan.wholeScheme {
                if !chairs.isEmpty { try signatories.issue(chairs, by: chair) }
                try contest(unit, scores, of: plan, at: whole, script: script)
                try signatories.issue([seal.draft], by: chair)
            } else {
                try signatories.issue(chairs + [seal.draft], by: chair)
            }
            script.progressed(.appraisal, done: index + 1, of: plan.units.count)
        }
        try signatories.issue([PAREvents.AppraisalClosed(cycle: plan.cycle).draft], by: cast.council.chair.id)
        if plan.wholeScheme != nil {
            let report = try script.councilDocument(
                "bao-cao-tham-dinh-\(plan.cycle).txt",
                "Báo cáo kết quả thẩm định Chỉ số CCHC \(plan.name) của Hội đồng thẩm định gửi UBND tỉnh\n")
            try signatories.issue(
                [report.draft, PAREvents.CouncilReportSubmitted(cycle: plan.cycle, report: report.citation).draft],
                by: cast.council.chair.id)
        }
        return (recorded, asked, answered)
    }

    /// The council's secretary records the meeting every seal cites, the whole council present, with its minutes.
    private func holdMeeting(_ whole: WholeSchemePlan, of plan: CyclePlan, script: any CycleScript) throws {
        guard let secretary = cast.council.secretary else { return }
        let minutes = try script.councilDocument(
            "bien-ban-\(whole.meeting)-\(plan.cycle).txt",
            "Biên bản phiên họp \(whole.meeting) ngày \(whole.meetingDate) của Hội đồng thẩm định, \(plan.name)\n")
        let held = PAREvents.CouncilMeetingHeld(
            cycle: plan.cycle, meeting: whole.meeting, date: whole.meetingDate,
            attendees: cast.council.everyone.map(\.id), minutes: minutes.citation)
        try signatories.issue([minutes.draft, held.draft], by: secretary.id)
    }

    /// The chair contests the appraisal of `unit` the script names, and the secretary records the vote
    /// at the meeting: the chair and the secretary for, the member who appraised it against.
    private func contest(
        _ unit: CycleUnit, _ scores: [PAREvents.AppraisalScoreRecorded], of plan: CyclePlan, at whole: WholeSchemePlan,
        script: any CycleScript
    ) throws {
        guard let secretary = cast.council.secretary,
            let (criterion, reason, points) = script.contest(of: unit, appraised: scores, in: plan)
        else { return }
        let appraiser = cast.council.appraiser(of: criterion)
        try signatories.issue(
            [
                PAREvents.AdjustmentContested(cycle: plan.cycle, unit: unit.id, criterion: criterion, reason: reason)
                    .draft
            ],
            by: cast.council.chair.id)
        let inFavour = [cast.council.chair.id, secretary.id].filter { $0 != appraiser }
        let vote = PAREvents.CouncilVoteRecorded(
            cycle: plan.cycle, unit: unit.id, criterion: criterion, meeting: whole.meeting, points: points,
            inFavour: inFavour, against: [appraiser])
        try signatories.issue([vote.draft], by: secretary.id)
    }

    /// The survey contractor imports every unit's survey scores; returns how many.
    public func survey(_ plan: CyclePlan, script: any CycleScript) throws -> Int {
        try script.willBegin(.survey, of: plan)
        let source = SHA256Digest.hex(Array("dtxhh-\(plan.cycle).csv".utf8))
        var events: [EventDraft] = []
        var count = 0
        for unit in plan.units {
            guard let framework = frameworks[unit.kind] else { continue }
            let scores = try script.surveyScores(of: unit, framework: framework, in: plan)
            count += scores.count
            events.append(
                PAREvents.SurveyScoresImported(cycle: plan.cycle, unit: unit.id, scores: scores, source: source).draft)
            if events.count == plan.surveyUnitsPerCommand {
                try signatories.issue(events, by: cast.surveyContractor.id)
                events = []
            }
        }
        if !events.isEmpty { try signatories.issue(events, by: cast.surveyContractor.id) }
        return count
    }

    /// The steering committee draws each kind's sample from its committed secret, then re-checks and
    /// concludes every unit drawn; returns the units drawn, department sample first.
    public func spotCheck(_ plan: CyclePlan, script: any CycleScript) throws -> [String] {
        try script.willBegin(.spotCheck, of: plan)
        var drawn: [String] = []
        for kind in plan.units.kinds {
            try signatories.flush()
            let draw = try scoring.spotCheckDraw(cycle: plan.cycle, kind: kind, secret: plan.drawSecret, adding: [])
            try signatories.issue([draw], by: cast.steeringCommittee.id)
            try signatories.flush()
            drawn += try scoring.cycle(plan.cycle)?.draws[kind.rawValue]?.units ?? []
        }
        for unit in drawn {
            let scores = try script.spotCheck(of: unit, in: plan)
            try signatories.issue(
                scores.map(\.draft) + [PAREvents.SpotCheckConcluded(cycle: plan.cycle, unit: unit).draft],
                by: cast.steeringCommittee.id)
        }
        script.progressed(.spotCheck, done: drawn.count, of: drawn.count)
        return drawn
    }

    /// The secretariat publishes the results as the ledger computes them; under scheme 2 the province's
    /// chairman approves them first (or, when the plan names a delegation, assigns a vice-chairman who does).
    public func publish(_ plan: CyclePlan, script: any CycleScript) throws {
        try script.willBegin(.publication, of: plan)
        try signatories.flush()
        let hash = try scoring.results(cycle: plan.cycle).hash
        if let whole = plan.wholeScheme, let chair = cast.provinceChair {
            var approver = chair.id
            if let decision = whole.delegationDecision, let vice = cast.provinceViceChair {
                let delegated = PAREvents.SigningDelegated(cycle: plan.cycle, delegate: vice.id, decision: decision)
                try signatories.issue([delegated.draft], by: chair.id)
                approver = vice.id
            }
            let approved = PAREvents.ResultsApproved(
                cycle: plan.cycle, decision: plan.decision, date: plan.publicationDate, resultsHash: hash)
            try signatories.issue([approved.draft], by: approver)
        }
        let published = PAREvents.ResultsPublished(
            cycle: plan.cycle, decision: plan.decision, date: plan.publicationDate, resultsHash: hash)
        try signatories.issue([published.draft], by: cast.secretariat.id)
    }

    /// Each unit's officer files the script's objections after publication, then the secretariat answers them.
    public func object(_ plan: CyclePlan, script: any CycleScript) throws -> [(
        filed: PAREvents.ObjectionFiled, answer: PAREvents.ObjectionAnswered
    )] {
        try script.willBegin(.objections, of: plan)
        try signatories.flush()
        let objections = try script.objections(in: plan)
        guard !objections.isEmpty else { return [] }
        for (filed, _) in objections {
            guard let unit = plan.units.first(where: { $0.id == filed.unit }) else { continue }
            try signatories.issue([filed.draft], by: Cast.officer(of: unit).id)
        }
        try script.willBegin(.objectionAnswers, of: plan)
        try signatories.flush()
        try signatories.issue(objections.map(\.answer.draft), by: cast.secretariat.id)
        return objections
    }

    /// The secretariat records the script's corrections after publication, if it has any.
    public func correct(_ plan: CyclePlan, script: any CycleScript) throws -> [PAREvents.CorrectionRecorded] {
        try script.willBegin(.correction, of: plan)
        try signatories.flush()
        let corrections = try script.corrections(in: plan)
        if !corrections.isEmpty { try signatories.issue(corrections.map(\.draft), by: cast.secretariat.id) }
        return corrections
    }
}
