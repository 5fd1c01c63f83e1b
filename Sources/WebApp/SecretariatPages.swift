import Ledger
import PARCore
import PARIndex

/// The secretariat's setup page (`secretariat.mustache`): cycles, frameworks, and the persons enrolled
/// with their roles.
struct SecretariatPage: PageModel {
    let actors: [EnrolledActor]
    let cycles: [CycleLink]
    let frameworks: [RegisteredFramework]
    let roleOptions: [SelectOption]
    /// The units a role may be scoped to, by name.
    let unitOptions: [SelectOption]
}

/// A person enrolled on the ledger, with their roles and whether they may act.
struct EnrolledActor {
    let id: String
    let name: String
    let status: String
    let roles: String
}

/// A cycle in the secretariat's list.
struct CycleLink {
    let cycle: String
    let name: String
    let published: Bool
}

/// A framework registered on the ledger.
struct RegisteredFramework {
    let id: String
    let name: String
    let kind: String
}

extension SecretariatPage {
    init(actors: [ActorRecord], cycles: [CycleRecord], frameworks: [Framework]) {
        self.init(
            actors: actors.map {
                EnrolledActor(
                    id: $0.id, name: $0.name, status: $0.status == .active ? "Đang hoạt động" : "Tạm dừng",
                    roles: Vietnamese.roles($0.grants, unitNames: ChoiceLists.unitNames(of: cycles)))
            },
            cycles: cycles.map {
                CycleLink(cycle: $0.opened.cycle, name: Vietnamese.cycleName($0), published: $0.publication != nil)
            },
            frameworks: frameworks.map {
                RegisteredFramework(id: $0.id, name: $0.name, kind: Vietnamese.kind($0.unitKind.rawValue))
            },
            roleOptions: Role.allCases.map { SelectOption(value: $0.rawValue, label: Vietnamese.role($0.rawValue)) },
            unitOptions: ChoiceLists.units(of: cycles))
    }
}

/// The secretariat's dashboard of one cycle (`dashboard.mustache`): each unit's progress, the council,
/// the publication checklist and form, and the objections to answer. In a cycle of scheme 2 the
/// council is established by decision (the form, then its composition) and the publication cites the
/// province's approval.
struct DashboardPage: PageModel {
    let cycle: String
    let cycleName: String
    let progress: ProgressCounts
    let units: [UnitProgressItem]
    var council: [CouncilSeat]
    let published: PublicationFacts?
    var checklist: [ChecklistItem]
    let windowFrom: String
    let windowUntil: String
    let objections: [ObjectionItem]
    var wholeScheme = false
    var councilBody: CouncilBodyView?
    /// The enrolled council members the establishing decision may seat.
    var candidates: [CouncilCandidate] = []
    var kinds: [KindFields] = []
    var approval: ApprovalFacts?
    /// The cycle's units and the enrolled council members, by name, for the forms to choose from.
    var unitOptions: [SelectOption] = []
    var memberOptions: [SelectOption] = []
    /// The publication, while the cycle is not published: allowed now, or why not.
    var publish: Offer?
}

/// How many units are at each stage, and how many are late.
struct ProgressCounts {
    let selfAssessment: Int
    let submitted: Int
    let sealed: Int
    let late: Int
}

/// One unit's row in the dashboard.
struct UnitProgressItem {
    let name: String
    let kind: String
    let stage: String
    let deadline: String
    let late: Bool
    let submitted: Bool
    let sealed: Bool
    let drawn: Bool
    let concluded: Bool
    let survey: Bool
}

/// A member of the cycle's appraisal council.
struct CouncilSeat {
    let actor: String
    let chair: Bool
}

/// The decision that published a cycle.
struct PublicationFacts {
    let decision: String
    let date: String
    let resultsHash: String
}

/// A condition of publication, and whether it holds.
struct ChecklistItem {
    let done: Bool
    let text: String
    /// The condition on the decision's date, which the page checks again against the date typed.
    var window = false
}

extension DashboardPage {
    /// The dashboard of `record` as `status` has it, judged on `today` (YYYY-MM-DD, Vietnam time).
    init(_ record: CycleRecord, status: CycleStatus, objections: ObjectionsReport, today: String) {
        let counts = status.counts
        self.init(
            cycle: record.opened.cycle, cycleName: Vietnamese.cycleName(record),
            progress: ProgressCounts(
                selfAssessment: counts.selfAssessment, submitted: counts.submitted, sealed: counts.sealed,
                late: counts.late),
            units: status.units.map { progress in
                UnitProgressItem(
                    name: progress.unit.name, kind: Vietnamese.kind(progress.unit.kind.rawValue),
                    stage: Vietnamese.stage(progress.record.stage.rawValue),
                    deadline: Vietnamese.time(progress.deadline), late: progress.isLate,
                    submitted: progress.record.stage != .selfAssessment, sealed: progress.record.stage == .appraised,
                    drawn: progress.record.spotChecked, concluded: progress.record.spotCheckConcluded,
                    survey: progress.surveyComplete)
            },
            council: record.council.keys.sorted().compactMap { record.council[$0] }.map {
                CouncilSeat(actor: $0.actor, chair: $0.chair)
            },
            published: record.publication.map {
                PublicationFacts(decision: $0.decision, date: Vietnamese.date($0.date), resultsHash: $0.resultsHash)
            },
            checklist: Self.checklist(record, status: status, today: today),
            windowFrom: status.publicationWindow.from, windowUntil: status.publicationWindow.until,
            objections: ObjectionItem.items(of: objections, in: record))
    }

    /// What a cycle of scheme 2 adds: the council as a body (or the form establishing it, seating the
    /// enrolled council members on the fields of `frameworks`), and the approval the publication cites,
    /// judged against the results' hash now.
    mutating func addWholeScheme(
        _ record: CycleRecord, names: ActorNames, frameworks: [UnitKind: Framework], resultsHash: String
    ) {
        wholeScheme = true
        councilBody = CouncilBodyView(of: record, names: names)
        candidates = names.holding(.councilMember).map { CouncilCandidate(actor: $0.id, name: $0.name) }
        kinds = UnitKind.allCases.compactMap { kind in
            frameworks[kind].map { framework in
                KindFields(
                    kind: kind.rawValue, kindName: Vietnamese.kind(kind.rawValue),
                    legend: framework.fields.map { "\($0.code). \($0.title)" }.joined(separator: "; "))
            }
        }
        approval = ApprovalFacts(of: record, resultsHash: resultsHash, names: names)
        checklist.append(
            ChecklistItem(
                done: approval?.current ?? false,
                text: approval.map {
                    $0.current
                        ? "UBND tỉnh đã phê duyệt kết quả (Quyết định \($0.decision) ngày \(Vietnamese.date($0.date)))"
                        : "Kết quả đã thay đổi sau Quyết định phê duyệt \($0.decision); UBND tỉnh cần phê duyệt lại"
                } ?? "UBND tỉnh đã phê duyệt kết quả"))
    }

    /// What must hold before the cycle is published.
    static func checklist(_ record: CycleRecord, status: CycleStatus, today: String) -> [ChecklistItem] {
        let kinds = record.opened.units.kinds
        let sealed = status.counts.sealed
        let drawn = status.units.filter { $0.record.spotChecked }
        let everyKindDrawn = kinds.allSatisfy { record.draws[$0.rawValue] != nil }
        let ranked = status.units.filter { $0.record.excludedFromRanking == nil }
        let window = status.publicationWindow
        return [
            ChecklistItem(
                done: sealed == status.units.count,
                text: "Hội đồng đã kết thúc thẩm định \(sealed)/\(status.units.count) đơn vị"),
            ChecklistItem(
                done: record.appraisalClosed != nil, text: "Chủ tịch Hội đồng đã khép lại việc thẩm định của kỳ"),
            ChecklistItem(
                done: everyKindDrawn,
                text: "Ban Chỉ đạo đã bốc thăm phúc tra ("
                    + kinds.map {
                        Vietnamese.kind($0.rawValue) + (record.draws[$0.rawValue] != nil ? ": rồi" : ": chưa")
                    }.joined(separator: "; ") + ")"),
            ChecklistItem(
                done: everyKindDrawn && drawn.allSatisfy(\.record.spotCheckConcluded),
                text:
                    "Đã kết luận phúc tra \(status.units.filter { $0.record.spotCheckConcluded }.count)/\(drawn.count) đơn vị được bốc thăm"
            ),
            ChecklistItem(
                done: ranked.allSatisfy(\.surveyComplete),
                text:
                    "Đã có điểm điều tra xã hội học của \(ranked.filter(\.surveyComplete).count)/\(ranked.count) đơn vị"
            ),
            ChecklistItem(
                done: window.contains(today),
                text:
                    "Ngày quyết định công bố nằm trong khoảng \(Vietnamese.date(window.from)) – \(Vietnamese.date(window.until))",
                window: true),
        ]
            + (record.opened.effectiveScheme == .whole
                ? [
                    ChecklistItem(
                        done: record.councilBody?.report != nil,
                        text: "Hội đồng thẩm định đã gửi báo cáo kết quả thẩm định đến UBND tỉnh")
                ] : [])
    }
}

/// An objection to published results, with the secretariat's answer once given, as the pages list it.
struct ObjectionItem {
    let objection: String
    let unit: String
    let unitName: String?
    let criterion: String?
    let reason: String
    let filedBy: String
    let filedAt: String
    let answer: ObjectionAnswer?
    /// The corrections citing the objection, by sequence number.
    let correctedBy: [UInt64]
}

/// The secretariat's answer to an objection.
struct ObjectionAnswer {
    let decisionName: String
    let text: String
    let by: String
    let at: String
}

extension ObjectionItem {
    /// The objections of `report` (of `unit` only, when given), in filing order.
    static func items(of report: ObjectionsReport, in cycle: CycleRecord, unit: String? = nil) -> [ObjectionItem] {
        report.objections.filter { unit == nil || $0.unit == unit }.map { record in
            ObjectionItem(
                objection: record.objection, unit: record.unit, unitName: cycle.unit(record.unit)?.name,
                criterion: record.criterion?.nonEmpty, reason: record.reason, filedBy: record.filedBy,
                filedAt: Vietnamese.time(record.filedAt),
                answer: record.answer.map {
                    ObjectionAnswer(
                        decisionName: $0.decision == "accepted" ? "Chấp nhận" : "Không chấp nhận", text: $0.text,
                        by: $0.by, at: Vietnamese.time($0.at))
                }, correctedBy: record.correctedBy)
        }
    }
}
