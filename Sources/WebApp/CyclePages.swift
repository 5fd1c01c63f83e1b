import LedgerFormat
import PARCore
import PARIndex

/// The home page (`home.mustache`): the viewer's tasks in every cycle, newest cycle first with the
/// stage it is at, one task per role they hold there.
struct HomePage: PageModel {
    let cycles: [HomeCycle]
    let secretariat: Bool
    /// What the viewer has to do now ("Việc cần làm"), from `ScoringService.todo(for:now:)`.
    var todos: [TodoItem] = []
}

/// A cycle on the home page: its name, its stage and the viewer's tasks in it.
struct HomeCycle {
    let name: String
    let stage: String
    let tasks: [TaskLink]
}

/// A task on the home page: where it is done and what it is.
struct TaskLink {
    let href: String
    let text: String
}

extension HomePage {
    init(for viewer: Pages.Viewer, cycles: [CycleRecord]) {
        var homeCycles: [HomeCycle] = []
        for record in cycles.sorted(by: { $0.opened.year > $1.opened.year }) {
            var tasks: [TaskLink] = []
            let id = record.opened.cycle
            let label = Vietnamese.cycleName(record)
            for grant in viewer.actor.grants {
                switch Role(rawValue: grant.role) {
                case .unitOfficer, .unitHead:
                    if let scope = grant.scope, let unit = record.unit(scope) {
                        let task = grant.role == Role.unitHead.rawValue ? "Ký nộp bản tự đánh giá" : "Tự đánh giá"
                        tasks.append(
                            TaskLink(href: "/don-vi/\(id)/\(scope)", text: "\(task) của \(unit.name) — \(label)"))
                    }
                case .councilMember
                where record.council[viewer.actor.id] != nil || record.councilBody?.seat(of: viewer.actor.id) != nil:
                    tasks.append(TaskLink(href: "/hoi-dong/\(id)", text: "Thẩm định — \(label)"))
                case .provinceChair where record.opened.effectiveScheme == .whole,
                    .provinceViceChair where record.opened.effectiveScheme == .whole:
                    tasks.append(TaskLink(href: "/phe-duyet/\(id)", text: "Phê duyệt kết quả — \(label)"))
                case .steeringCommittee:
                    tasks.append(TaskLink(href: "/ban-chi-dao/\(id)", text: "Bốc thăm và phúc tra — \(label)"))
                case .surveyContractor:
                    tasks.append(TaskLink(href: "/dieu-tra/\(id)", text: "Nhập điểm điều tra xã hội học — \(label)"))
                case .secretariat:
                    tasks.append(TaskLink(href: "/van-phong/\(id)", text: "Theo dõi, công bố và đính chính — \(label)"))
                default:
                    break
                }
            }
            tasks.append(TaskLink(href: "/ket-qua/\(id)", text: "Kết quả và xếp hạng — \(label)"))
            homeCycles.append(HomeCycle(name: label, stage: Vietnamese.cycleStage(record), tasks: tasks))
        }
        self.init(cycles: homeCycles, secretariat: viewer.holds(.secretariat))
    }
}

/// A council member's queue (`council.mustache`): the units with criteria in their fields, and for the
/// chair the close of the cycle's appraisal. In a cycle of scheme 2 also the council as a body: for its
/// secretary the record of meetings and votes, for its chair the report to the province.
struct CouncilQueuePage: PageModel {
    let cycle: String
    let cycleName: String
    let units: [QueuedUnit]
    let chair: Bool
    let closed: Bool
    var councilBody: CouncilBodyView?
    var secretary = false
    var votes: [VoteForm] = []
    /// The chair may send the council's report: the appraisal is closed and no report was sent.
    var mayReport = false
    /// The chair's close of the cycle's appraisal, while it is open: allowed now, or why not.
    var close: Offer?
}

/// A unit in a council member's queue, with the member's fields in it.
struct QueuedUnit {
    let unit: String
    let name: String
    let kind: String
    let stage: String
    let fields: String
}

extension CouncilQueuePage {
    /// The queue of a member with `fields` for each kind of unit (the chair sees every unit).
    init(_ record: CycleRecord, status: CycleStatus, chair: Bool, fields: [String: [String]]) {
        let units = status.units.compactMap { progress -> QueuedUnit? in
            let mine = fields[progress.unit.kind.rawValue] ?? []
            guard !mine.isEmpty || chair else { return nil }
            return QueuedUnit(
                unit: progress.unit.id, name: progress.unit.name, kind: Vietnamese.kind(progress.unit.kind.rawValue),
                stage: Vietnamese.stage(progress.record.stage.rawValue), fields: mine.joined(separator: ", "))
        }
        self.init(
            cycle: record.opened.cycle, cycleName: Vietnamese.cycleName(record), units: units, chair: chair,
            closed: record.appraisalClosed != nil)
    }

    /// What a cycle of scheme 2 adds for a `secretary` or the chair: the council, the contests awaiting
    /// a vote and the report.
    mutating func addWholeScheme(_ record: CycleRecord, secretary: Bool, names: ActorNames, scoring: ScoringLedger)
        throws
    {
        guard let body = CouncilBodyView(of: record, names: names) else { return }
        councilBody = body
        self.secretary = secretary
        votes = secretary ? try VoteForm.awaiting(in: record, names: names, scoring: scoring) : []
        mayReport = chair && closed && body.report == nil
    }
}

/// The steering committee's page (`committee.mustache`): the commitment to the draw's secret, the draw
/// of each kind of unit with every input shown, and the units drawn.
struct CommitteePage: PageModel {
    let cycle: String
    let cycleName: String
    let commitment: String
    let committed: Bool
    let closedHash: String
    let closed: Bool
    let draws: [DrawItem]
    let checked: [CheckedUnit]
}

/// The draw of one kind of unit: the units it draws from and, once drawn, what the event recorded.
struct DrawItem {
    let kind: String
    let kindName: String
    /// The ids of the cycle's units of this kind, comma-separated, for the page to redo the draw.
    let units: String
    let drawn: DrawnSample?
}

/// A recorded draw as its event holds it: the revealed secret, the seed, the algorithm and the sample.
struct DrawnSample {
    let secret: String?
    let seed: String?
    let algorithm: String?
    let sampleSize: Int64?
    /// The units drawn, in the draw's order, by name (their ids for the page's own checks).
    let drawn: [CycleUnit]
}

extension DrawnSample {
    init(payload: JSONValue, of record: CycleRecord) {
        self.init(
            secret: payload["secret"]?.stringValue?.nonEmpty, seed: payload["seed"]?.stringValue?.nonEmpty,
            algorithm: payload["algorithm"]?.stringValue?.nonEmpty, sampleSize: payload["sampleSize"]?.integerValue,
            drawn: (payload["drawn"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(record.unit) })
    }
}

/// A unit drawn for the spot-check, and whether its spot-check is concluded.
struct CheckedUnit {
    let unit: String
    let name: String
    let concluded: Bool
}

extension CommitteePage {
    /// The page of `record`, reading each draw's event from `scoring`.
    init(_ record: CycleRecord, status: CycleStatus, scoring: ScoringLedger) throws {
        let kinds = record.opened.units.kinds
        let draws = try kinds.map { kind in
            var drawn: DrawnSample?
            if let draw = record.draws[kind.rawValue], let event = try scoring.ledger.event(at: draw.sequence) {
                drawn = DrawnSample(payload: try JSONParser.parse(event.payload), of: record)
            }
            return DrawItem(
                kind: kind.rawValue, kindName: Vietnamese.kind(kind.rawValue),
                units: record.opened.units.filter { $0.kind == kind }.map(\.id).joined(separator: ","), drawn: drawn)
        }
        self.init(
            cycle: record.opened.cycle, cycleName: Vietnamese.cycleName(record),
            commitment: record.spotCheckCommitment ?? "", committed: record.spotCheckCommitment != nil,
            closedHash: record.appraisalClosed?.hash ?? "", closed: record.appraisalClosed != nil, draws: draws,
            checked: status.units.filter { $0.record.spotChecked }.map {
                CheckedUnit(unit: $0.unit.id, name: $0.unit.name, concluded: $0.record.spotCheckConcluded)
            })
    }
}

/// The ranking (`ranking.mustache`): everyone logged in reads it once published; before, the roles
/// the scheme gives provisional results to read all of it, a unit's people their own unit's row.
struct RankingPage: PageModel {
    let cycle: String
    let cycleName: String
    let rows: [RankingRow]
    let published: Bool
    let decision: String
    let date: String
}

/// A unit's place in the ranking, with points and index written the Vietnamese way.
struct RankingRow {
    let rank: Int?
    /// The unit never submitted its self-assessment: shown as such, not ranked.
    let notSelfAssessed: Bool
    let name: String
    let kindName: String
    let points: String
    let maxPoints: String
    let index: String
    let `class`: String
    let change: IndexChange?
}

/// How far a unit's index moved since the previous cycle.
struct IndexChange {
    let indexPoints: String
    /// "so với Sở Kế hoạch và Đầu tư + Sở Tài chính" when the unit continues other units (a reorganisation).
    let comparedWith: String?
}

extension RankingPage {
    init(_ record: CycleRecord, report: RankingReport) {
        let rows = report.rows.map { row in
            let result = row.result
            return RankingRow(
                rank: row.rank, notSelfAssessed: !row.selfAssessed, name: result.unit.name,
                kindName: Vietnamese.kind(result.unit.kind.rawValue),
                points: Vietnamese.number(result.points.description),
                maxPoints: Vietnamese.number(result.maxPoints.description), index: Vietnamese.number(result.indexText),
                class: result.className,
                change: row.change.map {
                    IndexChange(
                        indexPoints: Vietnamese.number($0.indexPoints.formatted(decimals: result.publishedDecimals)),
                        comparedWith: Vietnamese.comparedWith($0))
                })
        }
        self.init(
            cycle: record.opened.cycle, cycleName: Vietnamese.cycleName(record), rows: rows,
            published: record.publication != nil, decision: record.publication?.decision ?? "",
            date: Vietnamese.date(record.publication?.date ?? ""))
    }
}
