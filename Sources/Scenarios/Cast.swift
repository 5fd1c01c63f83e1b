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

    public init(chair: Player, members: [(player: Player, fields: Set<String>)] = []) {
        self.chair = chair
        self.members = members
    }

    /// Who appraises criterion `code`: the member holding its field, else the chair.
    public func appraiser(of code: String) -> String {
        let field = String(code.prefix { $0 != "." })
        return members.first { $0.fields.contains(field) }?.player.id ?? chair.id
    }

    /// The council's assignments for `cycle`: the chair first, then each member, fields per unit kind.
    func assignments(cycle: String, frameworks: [UnitKind: Framework]) -> [EventDraft] {
        let memberFields = Set(members.flatMap(\.fields))
        let chairFields = frameworks.mapValues { $0.fields.map(\.code).filter { !memberFields.contains($0) } }
        let chair = PAREvents.CouncilMemberAssigned(cycle: cycle, actor: chair.id, fields: chairFields, chair: true)
            .draft
        return [chair]
            + members.map { member in
                let fields = frameworks.mapValues { $0.fields.map(\.code).filter(member.fields.contains) }
                return PAREvents.CouncilMemberAssigned(
                    cycle: cycle, actor: member.player.id, fields: fields, chair: false
                ).draft
            }
    }
}

/// Everyone who plays a part in a province's cycles, one actor per role (the council may have several),
/// plus one officer per unit (`can-bo-<unit>`).
public struct Cast: Sendable {
    public let secretariat: Player
    public let council: Council
    public let steeringCommittee: Player
    public let surveyContractor: Player
    public let auditors: [Player]

    public init(
        secretariat: Player, council: Council, steeringCommittee: Player, surveyContractor: Player,
        auditors: [Player] = []
    ) {
        self.secretariat = secretariat
        self.council = council
        self.steeringCommittee = steeringCommittee
        self.surveyContractor = surveyContractor
        self.auditors = auditors
    }

    /// The officer who scores `unit`'s self-assessment.
    public static func officer(of unit: CycleUnit) -> Player { Player("can-bo-\(unit.id)", "Cán bộ CCHC \(unit.name)") }
}
