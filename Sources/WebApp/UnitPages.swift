import Application
import PARCore
import PARIndex

/// What the pages of one unit's sheet read: the cycle, the unit, its framework, its scores and where it
/// stands.
struct UnitInCycle {
    let cycle: CycleRecord
    let unit: CycleUnit
    let framework: Framework
    let scores: UnitScoresReport
    let record: UnitRecord
    /// Every person's name by id, for marks and explanations to name who made them.
    let actorNames: [String: String]

    /// The name of person `id`, the id itself for one not enrolled.
    func name(_ id: String) -> String { actorNames[id] ?? id }
}

/// The heading the unit's pages share (`unit-heading.mustache`) and what they all read of the unit:
/// its stage and the council's requests for explanations.
struct UnitHeading {
    let cycle: String
    let cycleName: String
    let unit: String
    let unitName: String
    let kind: String
    let stage: String
    let stageCode: String
    let deadline: String
    let editable: Bool
    let submitted: Bool
    let sealed: Bool
    let explanations: [ExplanationItem]
}

extension UnitHeading {
    init(_ sheet: UnitInCycle) {
        let stage = sheet.record.stage
        self.init(
            cycle: sheet.cycle.opened.cycle, cycleName: Vietnamese.cycleName(sheet.cycle), unit: sheet.unit.id,
            unitName: sheet.unit.name, kind: Vietnamese.kind(sheet.unit.kind.rawValue),
            stage: Vietnamese.stage(stage.rawValue), stageCode: stage.rawValue,
            deadline: Vietnamese.time(sheet.record.deadlineExtendedUntil ?? sheet.cycle.opened.selfAssessmentDeadline),
            editable: stage == .selfAssessment, submitted: stage == .submitted, sealed: stage == .appraised,
            explanations: sheet.scores.lines.flatMap { line in
                line.explanations.map { ExplanationItem($0, criterion: line.criterion.code, naming: sheet.name) }
            })
    }
}

/// A council's request for an explanation of one criterion, with the unit's answer once given.
struct ExplanationItem {
    let criterion: String
    let request: String
    let question: String
    let askedBy: String
    let answer: String?
    let answeredBy: String?
    let evidence: [DocumentLink]
}

extension ExplanationItem {
    init(_ record: ExplanationRecord, criterion: String, naming name: (String) -> String) {
        self.init(
            criterion: criterion, request: record.request, question: record.question, askedBy: name(record.askedBy),
            answer: record.answer?.text.nonEmpty, answeredBy: record.answer.map { name($0.by) },
            evidence: (record.answer?.evidence ?? []).map(DocumentLink.init))
    }
}

/// A stage's mark as people read it: points with a decimal comma, the library's own words in Vietnamese.
struct DisplayedMark {
    let actor: String
    let points: String?
    let reason: String?
    let decision: String?
}

extension DisplayedMark {
    init?(_ mark: Mark?, naming name: (String) -> String) {
        guard let mark else { return nil }
        self.init(
            actor: name(mark.actor), points: mark.points?.nonEmpty.map(Vietnamese.number),
            reason: mark.reason?.nonEmpty.map(Vietnamese.generated),
            decision: mark.decision?.nonEmpty.map(Vietnamese.generated))
    }
}

/// One row of a framework shown as a sheet: a field, criterion or sub-criterion with its depth and, for
/// a leaf, the unit's marks.
struct SheetRow {
    let code: String
    let title: String
    /// The table's guidance on how the points are given (hướng dẫn chấm), nil when it has none (the
    /// templates' section shows nothing for nil, but would for an empty string).
    let guidance: String?
    let maxPoints: String
    let depth: Int
    let field: String
    let isField: Bool
    let isLeaf: Bool
    /// A leaf scored by people rather than by the survey.
    var assessed = false
    var surveyMethod = false
    var selfPoints = ""
    var selfReason = ""
    var notApplicableReason = ""
    var isNotApplicable = false
    var selfEvidence: [DocumentLink] = []
    var appraised: DisplayedMark?
    var spotCheck: DisplayedMark?
    var survey: DisplayedMark?
    var effective: DisplayedMark?
    /// In the fields of the council member reading the appraisal page (the chair's are all).
    var mine = false
    /// In a cycle of scheme 2: the appraisal may be contested now (it has one, and none awaits a vote).
    var contestable = false
    /// In a cycle of scheme 2: the contest of this criterion and how it stands.
    var contest: String?
    /// On the appraisal page: in the reader's fields and not settled (nobody appraised it, or the unit
    /// answered a question after its last appraisal), so it is shown open.
    var attention = false

    /// The rows of the unit's framework, each field followed by its criteria, depth first.
    static func rows(of sheet: UnitInCycle) -> [SheetRow] {
        let lines = Dictionary(uniqueKeysWithValues: sheet.scores.lines.map { ($0.criterion.code, $0) })
        var rows: [SheetRow] = []
        func walk(_ criterion: Criterion, depth: Int, field: String) {
            var row = SheetRow(
                code: criterion.code, title: criterion.title, guidance: criterion.guidance,
                maxPoints: Vietnamese.number(criterion.maxPoints.description), depth: depth, field: field,
                isField: depth == 0, isLeaf: criterion.isLeaf)
            if criterion.isLeaf, let line = lines[criterion.code] {
                let score = line.score
                row.assessed = (criterion.method ?? .assessed) == .assessed
                row.surveyMethod = criterion.method == .survey
                row.appraised = DisplayedMark(score.appraised, naming: sheet.name)
                row.spotCheck = DisplayedMark(score.spotCheck, naming: sheet.name)
                row.survey = DisplayedMark(score.survey, naming: sheet.name)
                row.effective = DisplayedMark(line.effective, naming: sheet.name)
                row.selfPoints = Vietnamese.number(score.selfScore?.points ?? "")
                row.selfReason = score.selfScore?.reason ?? ""
                row.notApplicableReason = score.notApplicable?.reason ?? ""
                row.isNotApplicable = score.notApplicable != nil
                row.selfEvidence = (score.selfScore?.evidence ?? []).map(DocumentLink.init)
            }
            rows.append(row)
            for child in criterion.children { walk(child, depth: depth + 1, field: field) }
        }
        for field in sheet.framework.fields { walk(field, depth: 0, field: field.code) }
        return rows
    }
}

/// The unit officer's self-assessment sheet (`unit.mustache`): score, submit or withdraw, answer the
/// council, and object once the results are published. In a cycle of scheme 2 the officer prepares
/// the sheet and the unit's head signs its submission and withdrawal.
struct UnitSheetPage: PageModel {
    let heading: UnitHeading
    let rows: [SheetRow]
    let totalMax: String
    /// The viewer may change the sheet now (an officer of the unit, before submission).
    let mayEdit: Bool
    let wholeScheme: Bool
    /// The officer's sheet waits for the head's signature (scheme 2): the heads' names.
    let awaitingHead: String?
    /// The head's submission (scheme 2), while the sheet is not submitted.
    let headSubmission: HeadSubmission?
    let withdrawable: Bool
    /// The officer's submission of the sheet as saved (scheme 1): allowed now, or why not.
    let submit: Offer?
    let published: UnitPublication?

    var sharedParts: [Any] { [heading] }

    /// The sheet of `sheet` for `actor` (an `officer` of the unit, or its head), offering what the
    /// rules allow now (the same trial as a prepared command's).
    init(_ sheet: UnitInCycle, for actor: String, officer: Bool, names: ActorNames, scoring: ScoringLedger) throws {
        let service = ScoringService(scoring)
        let (cycleID, unitID) = (sheet.cycle.opened.cycle, sheet.unit.id)
        heading = UnitHeading(sheet)
        mayEdit = heading.editable && officer
        wholeScheme = sheet.cycle.opened.effectiveScheme == .whole
        let heads = names.holding(.unitHead, scope: unitID)
        let isHead = heads.contains { $0.id == actor }
        awaitingHead =
            wholeScheme && heading.editable && !isHead
            ? (heads.isEmpty ? "chưa có thủ trưởng được ghi danh" : heads.map(\.name).joined(separator: ", ")) : nil
        headSubmission =
            wholeScheme && heading.editable && isHead
            ? HeadSubmission(
                refusal: service.vietnameseRefusal(
                    of: RecordSelfAssessment(cycle: cycleID, unit: unitID, rows: [], submit: true), by: actor)) : nil
        withdrawable =
            sheet.record.stage == .submitted
            && service.refusal(of: WithdrawSelfAssessment(cycle: cycleID, unit: unitID, reason: "—"), by: actor) == nil
        submit =
            mayEdit && !wholeScheme
            ? Offer(
                RecordSelfAssessment(cycle: cycleID, unit: unitID, rows: [], submit: true), by: actor, scoring: scoring)
            : nil
        rows = SheetRow.rows(of: sheet)
        totalMax = sheet.framework.fields.filter { $0.fieldAdjustment == nil }.map(\.maxPoints).sum().description
        published = try sheet.cycle.publication.map { publication in
            let report = try scoring.objectionsReport(cycle: cycleID)
            return UnitPublication(
                publication: "Quyết định \(publication.decision) ngày \(Vietnamese.date(publication.date))",
                objections: ObjectionItem.items(of: report, in: sheet.cycle, unit: unitID),
                objectionDeadline: report.deadline.map { Vietnamese.time($0.iso8601) },
                mayObject: service.refusal(of: FileObjection(cycle: cycleID, unit: unitID, reason: "—"), by: actor)
                    == nil,
                leaves: sheet.framework.leaves.map(\.code))
        }
    }
}

/// The head's signature of the unit's submission (scheme 2): offered, or why the rules refuse it now.
struct HeadSubmission {
    let refusal: String?
}

/// What the unit's sheet adds once its cycle is published: the decision, the unit's objections and
/// whether it may file one.
struct UnitPublication {
    let publication: String
    let objections: [ObjectionItem]
    let objectionDeadline: String?
    let mayObject: Bool
    let leaves: [String]
}

/// The steering committee's spot-check of one unit (`spotcheck.mustache`).
struct SpotCheckPage: PageModel {
    let heading: UnitHeading
    let rows: [SheetRow]
    let drawn: Bool
    let concluded: Bool
    /// The conclusion of the unit's spot-check, while drawn and not concluded: allowed now, or why not.
    var conclude: Offer?

    var sharedParts: [Any] { [heading] }

    init(_ sheet: UnitInCycle) {
        heading = UnitHeading(sheet)
        rows = SheetRow.rows(of: sheet)
        drawn = sheet.record.spotChecked
        concluded = sheet.record.spotCheckConcluded
    }
}
