import Ledger
import PARCore
import PARIndex

/// The names of the persons enrolled on the ledger, by actor id: pages show people by name.
struct ActorNames {
    private let names: [String: String]
    /// Every person enrolled, for the lists a page chooses from.
    let actors: [ActorRecord]

    init(_ actors: [ActorRecord]) {
        self.actors = actors
        names = Dictionary(actors.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    /// The name of `actor`, its id when nobody of that id is enrolled.
    func name(_ actor: String) -> String { names[actor] ?? actor }

    /// The name of `actor`, nil when nobody of that id is enrolled.
    func known(_ actor: String) -> String? { names[actor] }

    /// The active persons holding `role` (in `scope`, when given), as choices of a `<select>`.
    func holding(_ role: Role, scope: String? = nil) -> [ActorRecord] {
        actors.filter { actor in
            actor.status == .active
                && actor.grants.contains { $0.role == role.rawValue && (scope == nil || $0.scope == scope) }
        }
    }
}

/// The council of a cycle of scheme 2 as its pages show it (`council-body.mustache`): the decision
/// that established it, its seats by name, the quorum, its meetings, the appraisals contested and its
/// report.
struct CouncilBodyView {
    let decision: String
    let quorumPercent: String
    /// How many members a meeting needs (the quorum of the members, rounded up).
    let quorumCount: Int
    let memberCount: Int
    let seats: [CouncilSeatItem]
    let meetings: [MeetingItem]
    var contests: [ContestItem] = []
    var report: DocumentLink?
}

/// A seat of the council: who, in which position, appraising which fields.
struct CouncilSeatItem {
    let actor: String
    let name: String
    let position: String
    let fields: String
}

/// A meeting the council's secretary recorded.
struct MeetingItem {
    let meeting: String
    let date: String
    let attendance: String
    let attendees: String
    /// The attendees' ids, comma-separated, for the page to offer only them a vote.
    let attendeeIDs: String
    let minutes: DocumentLink
    /// How a `<select>` names it: "phien-1 — 10/03/2020, 3/3 thành viên dự".
    let label: String
}

/// A criterion whose appraisal a member contested, and how the council's vote decided it.
struct ContestItem {
    let unit: String
    let unitName: String
    let criterion: String
    let byName: String
    let reason: String
    /// The vote's outcome once recorded; nil while the contest awaits it.
    let outcome: String?
}

extension CouncilBodyView {
    /// The council `established` by decision, with the meetings `held` since, names from `names`.
    init(_ established: PAREvents.CouncilEstablished, meetings held: [PAREvents.CouncilMeetingHeld], names: ActorNames)
    {
        let members = established.members.count
        let hundredths = (try? Points(parsing: established.quorumPercent))?.hundredths ?? 0
        self.init(
            decision: established.decision, quorumPercent: Vietnamese.number(established.quorumPercent),
            quorumCount: Int((hundredths * Int64(members) + 9_999) / 10_000), memberCount: members,
            seats: established.members.map { seat in
                CouncilSeatItem(
                    actor: seat.actor, name: names.name(seat.actor), position: Vietnamese.position(seat.position),
                    fields: Self.fields(seat.fields))
            },
            meetings: held.sorted { ($0.date, $0.meeting) < ($1.date, $1.meeting) }.map { meeting in
                let attendance = "\(meeting.attendees.count)/\(members)"
                return MeetingItem(
                    meeting: meeting.meeting, date: Vietnamese.date(meeting.date), attendance: attendance,
                    attendees: meeting.attendees.map(names.name).joined(separator: ", "),
                    attendeeIDs: meeting.attendees.joined(separator: ","), minutes: DocumentLink(meeting.minutes),
                    label: "\(meeting.meeting) — \(Vietnamese.date(meeting.date)), \(attendance) thành viên dự")
            })
    }

    /// The council of `cycle`, nil when it follows scheme 1 or its council is not established yet.
    init?(of cycle: CycleRecord, names: ActorNames) {
        guard let body = cycle.councilBody else { return nil }
        self.init(body.established, meetings: body.meetings.values.map(\.held), names: names)
        contests = body.contests.values.sorted { $0.sequence < $1.sequence }.map { contest in
            ContestItem(
                unit: contest.unit, unitName: cycle.unit(contest.unit)?.name ?? contest.unit,
                criterion: contest.criterion, byName: names.name(contest.by), reason: contest.reason,
                outcome: contest.carried.map {
                    $0
                        ? "Hội đồng biểu quyết thông qua điểm đề xuất"
                        : "Hội đồng biểu quyết không thông qua; giữ nguyên điểm thẩm định"
                })
        }
        report = body.report.map(DocumentLink.init)
    }

    /// A seat's fields by kind of unit: "Sở, ban, ngành: 1, 2; UBND cấp huyện: 1", "—" for none.
    static func fields(_ fields: [String: [String]]) -> String {
        let kinds = UnitKind.allCases.filter { !(fields[$0.rawValue] ?? []).isEmpty }
        guard !kinds.isEmpty else { return "—" }
        return kinds.map { kind in
            Vietnamese.kind(kind.rawValue) + ": " + (fields[kind.rawValue] ?? []).joined(separator: ", ")
        }.joined(separator: "; ")
    }
}

/// A contested criterion awaiting the council's vote, as the secretary records it: the points now and
/// the members who may vote.
struct VoteForm {
    /// An id unique on the page, for the form's inputs.
    let id: String
    let unit: String
    let unitName: String
    let criterion: String
    let byName: String
    let reason: String
    let selfPoints: String
    let appraisedPoints: String
}

extension VoteForm {
    /// The forms of the contests of `cycle` that await a vote, each with its unit's scores from `scoring`.
    static func awaiting(in cycle: CycleRecord, names: ActorNames, scoring: ScoringLedger) throws -> [VoteForm] {
        let contests = cycle.councilBody.map { Array($0.contests.values) } ?? []
        return try contests.filter { $0.decidedAt == nil }.sorted { $0.sequence < $1.sequence }.map { contest in
            let score = try scoring.scores(cycle: cycle.opened.cycle, unit: contest.unit)
                .first { $0.0.code == contest.criterion }?.1
            return VoteForm(
                id: "\(contest.unit)-\(contest.criterion)", unit: contest.unit,
                unitName: cycle.unit(contest.unit)?.name ?? contest.unit, criterion: contest.criterion,
                byName: names.name(contest.by), reason: contest.reason,
                selfPoints: Vietnamese.number(score?.selfScore?.points ?? "—"),
                appraisedPoints: Vietnamese.number(score?.appraised?.points ?? "—"))
        }
    }
}

/// A person the secretariat may seat on the council it establishes (an enrolled council member), with
/// the kinds of unit whose fields the form asks for.
struct CouncilCandidate {
    let actor: String
    let name: String
}

/// A kind of unit the cycle scores, with the fields of its framework, for the council's form.
struct KindFields {
    let kind: String
    let kindName: String
    /// "1. Công tác chỉ đạo, điều hành CCHC; 2. …".
    let legend: String
}
