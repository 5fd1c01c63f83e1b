import PARCore
import PARIndex

/// A council member's appraisal of one unit (`appraise.mustache`): one form for the whole unit, its
/// fields collapsed but those with criteria needing attention, each criterion kept unless changed and
/// signed as one command; in a cycle of scheme 2 the contests, and the meetings the chair's seal cites.
/// Before the chair seals, the page names what the seal would accept unseen (`SealReadiness`).
struct AppraisalPage: PageModel {
    let heading: UnitHeading
    var rows: [SheetRow]
    var fields: [AppraisalField] = []
    let chair: Bool
    let myFields: String
    let mayRaise: Bool
    /// The criteria no council member appraised, which the seal would recognise at the self-score.
    let unappraised: [CriterionName]
    /// The unit's answers no appraisal of their criterion followed.
    let unreadAnswers: [CriterionName]
    let hasUnappraised: Bool
    let hasUnreadAnswers: Bool
    /// The member's appraisal of the unit, asking for an explanation, the chair's seal and reopening:
    /// each allowed now, or why not (nil where the page does not offer it).
    var appraise: Offer?
    var ask: Offer?
    var seal: Offer?
    var reopen: Offer?
    var wholeScheme = false
    var meetings: [MeetingItem] = []
    var hasMeetings = false

    var sharedParts: [Any] { [heading] }

    /// The appraisal of `sheet` by a member in `fields` (the chair appraises every field).
    init(_ sheet: UnitInCycle, chair: Bool, fields: Set<String>) {
        heading = UnitHeading(sheet)
        let readiness = sheet.scores.sealReadiness
        let unread = Set(readiness.unreadAnswers.map(\.criterion.code))
        let unappraisedCodes = Set(readiness.unappraised.map(\.code))
        rows = SheetRow.rows(of: sheet).map { row in
            var row = row
            row.mine = chair || fields.contains(row.field)
            row.attention =
                row.mine && row.isLeaf && (unappraisedCodes.contains(row.code) || unread.contains(row.code))
            return row
        }
        self.chair = chair
        myFields = fields.sorted().joined(separator: ", ")
        mayRaise = sheet.framework.settings.appraisalMayRaise
        unappraised = readiness.unappraised.map(CriterionName.init)
        unreadAnswers = readiness.unreadAnswers.map { CriterionName($0.criterion, answer: $0.request.answer?.text) }
        (hasUnappraised, hasUnreadAnswers) = (!unappraised.isEmpty, !unreadAnswers.isEmpty)
        group()
    }

    /// Offers `actor` what the rules allow now: the appraisal of their first criterion still to settle
    /// (or their first), a question, and for the chair the seal (citing the latest meeting in scheme 2)
    /// or the reopening.
    mutating func addOffers(_ sheet: UnitInCycle, by actor: String, scoring: ScoringLedger) {
        let (cycle, unit) = (sheet.cycle.opened.cycle, sheet.unit.id)
        let mine = rows.filter { $0.mine && $0.assessed && !$0.isNotApplicable }
        if let first = mine.first(where: \.attention) ?? mine.first {
            let points = (first.appraised?.points ?? first.selfPoints).nonEmpty ?? "0"
            appraise = Offer(
                RecordAppraisal(cycle: cycle, unit: unit, criterion: first.code, points: points, reason: "—"),
                by: actor, scoring: scoring)
            ask = Offer(
                RequestExplanation(cycle: cycle, unit: unit, criterion: first.code, question: "—"), by: actor,
                scoring: scoring)
        }
        guard chair else { return }
        if heading.sealed {
            reopen = Offer(ReopenAppraisal(cycle: cycle, unit: unit, reason: "—"), by: actor, scoring: scoring)
        } else {
            seal = Offer(
                SealUnit(cycle: cycle, unit: unit, meeting: wholeScheme ? meetings.last?.meeting : nil), by: actor,
                scoring: scoring)
        }
    }

    /// What a cycle of scheme 2 adds: each criterion's contest, and the council's meetings.
    mutating func addWholeScheme(_ sheet: UnitInCycle, names: ActorNames) {
        guard let body = sheet.cycle.councilBody else { return }
        wholeScheme = true
        meetings = CouncilBodyView(of: sheet.cycle, names: names)?.meetings ?? []
        hasMeetings = !meetings.isEmpty
        let contests = body.contests.values.filter { $0.unit == sheet.unit.id }.sorted { $0.sequence < $1.sequence }
        let submitted = sheet.record.stage == .submitted
        rows = rows.map { row in
            var row = row
            let contest = contests.last { $0.criterion == row.code }
            let open = contest.map { $0.decidedAt == nil } ?? false
            row.contestable = submitted && row.appraised != nil && !open
            row.contest = contest.map { contest in
                let asked = "Đề nghị của \(names.name(contest.by)): \(contest.reason)"
                guard let carried = contest.carried else { return asked + " — đang chờ Hội đồng biểu quyết" }
                return asked
                    + (carried ? " — Hội đồng đã biểu quyết thông qua" : " — Hội đồng đã biểu quyết không thông qua")
            }
            return row
        }
        group()
    }

    /// The rows grouped by field, for the page to collapse each.
    private mutating func group() {
        fields = []
        for row in rows {
            if row.isField {
                fields.append(AppraisalField(field: row, leaves: [], open: false))
            } else if row.isLeaf && row.assessed, !fields.isEmpty {
                fields[fields.count - 1].leaves.append(row)
                fields[fields.count - 1].open = fields[fields.count - 1].open || row.attention
            }
        }
    }
}

/// A field of the appraisal form: its heading row, its assessed criteria, and whether it is shown open
/// (a criterion in it needs the reader's attention).
struct AppraisalField {
    let field: SheetRow
    var leaves: [SheetRow]
    var open: Bool
}

/// A criterion as the seal's confirmation names it: its code and title, and the unit's answer when it
/// is an answer nobody read.
struct CriterionName {
    let code: String
    let title: String
    var answer: String?
}

extension CriterionName {
    init(_ criterion: Criterion) {
        self.init(code: criterion.code, title: criterion.title)
    }

    init(_ criterion: Criterion, answer: String?) {
        self.init(code: criterion.code, title: criterion.title, answer: answer)
    }
}
