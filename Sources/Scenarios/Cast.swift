import Ledger
import LedgerFormat
public import PARCore
import PARIndex

/// One actor of a province as the ledger enrols it: its id and display name.
public struct Player: Sendable {
    public let id: String
    public let name: String

    public init(_ id: String, _ name: String) {
        self.id = id
        self.name = name
    }
}

/// The appraisal council of a cycle: each member appraises the fields given to them (top-level
/// criterion codes such as "1"), the chair every other field, and only the chair seals the appraisal.
public struct Council: Sendable {
    public let chair: Player
    public let members: [(player: Player, fields: Set<String>)]
    /// The council's secretary (thư ký), who records its meetings and votes under scheme 2.
    public let secretary: Player?

    public init(chair: Player, members: [(player: Player, fields: Set<String>)] = [], secretary: Player? = nil) {
        self.chair = chair
        self.members = members
        self.secretary = secretary
    }

    /// Who appraises criterion `code`: the member holding its field, else the chair.
    public func appraiser(of code: String) -> String {
        let field = String(code.prefix { $0 != "." })
        return members.first { $0.fields.contains(field) }?.player.id ?? chair.id
    }

    /// The fields each seat appraises, per unit kind: the chair first (every field no member holds),
    /// then each member.
    func seats(frameworks: [UnitKind: Framework]) -> [(player: Player, fields: [UnitKind: [String]])] {
        let memberFields = Set(members.flatMap(\.fields))
        let chairFields = frameworks.mapValues { $0.fields.map(\.code).filter { !memberFields.contains($0) } }
        return [(chair, chairFields)]
            + members.map { member in
                (member.player, frameworks.mapValues { $0.fields.map(\.code).filter(member.fields.contains) })
            }
    }

    /// The council's assignments for `cycle` (scheme 1): the chair first, then each member.
    func assignments(cycle: String, frameworks: [UnitKind: Framework]) -> [EventDraft] {
        seats(frameworks: frameworks).enumerated().map { index, seat in
            PAREvents.CouncilMemberAssigned(cycle: cycle, actor: seat.player.id, fields: seat.fields, chair: index == 0)
                .draft
        }
    }

    /// The province's decision establishing the council of `cycle` (scheme 2): its seats, the secretary
    /// last, and a quorum of half the members.
    func establishment(cycle: String, decision: String, frameworks: [UnitKind: Framework]) -> EventDraft {
        var seats = seats(frameworks: frameworks).enumerated().map { index, seat in
            PAREvents.CouncilSeat(
                actor: seat.player.id, position: index == 0 ? "chair" : "member",
                fields: Dictionary(uniqueKeysWithValues: seat.fields.map { ($0.key.rawValue, $0.value) }))
        }
        if let secretary {
            seats.append(PAREvents.CouncilSeat(actor: secretary.id, position: "secretary", fields: [:]))
        }
        return PAREvents.CouncilEstablished(cycle: cycle, decision: decision, members: seats, quorumPercent: "50")
            .draft
    }

    /// Everyone who sits on the council, chair first, the secretary last.
    var everyone: [Player] { [chair] + members.map(\.player) + (secretary.map { [$0] } ?? []) }
}

/// Everyone who plays a part in a province's cycles, one actor per role (the council may have several),
/// plus one officer per unit (`can-bo-<unit>`).
public struct Cast: Sendable {
    public let secretariat: Player
    public let council: Council
    public let steeringCommittee: Player
    public let surveyContractor: Player
    public let auditors: [Player]
    /// The province's chairman, who approves results under scheme 2, and a vice-chairman he may assign
    /// to sign in his place.
    public let provinceChair: Player?
    public let provinceViceChair: Player?

    public init(
        secretariat: Player, council: Council, steeringCommittee: Player, surveyContractor: Player,
        auditors: [Player] = [], provinceChair: Player? = nil, provinceViceChair: Player? = nil
    ) {
        self.secretariat = secretariat
        self.council = council
        self.steeringCommittee = steeringCommittee
        self.surveyContractor = surveyContractor
        self.auditors = auditors
        self.provinceChair = provinceChair
        self.provinceViceChair = provinceViceChair
    }

    /// The head (thủ trưởng) who signs `unit`'s self-assessment under scheme 2.
    public static func head(of unit: CycleUnit) -> Player { Player("thu-truong-\(unit.id)", "Thủ trưởng \(unit.name)") }

    /// The officer who scores `unit`'s self-assessment.
    public static func officer(of unit: CycleUnit) -> Player { Player("can-bo-\(unit.id)", "Cán bộ CCHC \(unit.name)") }
}
