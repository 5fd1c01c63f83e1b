import PARCore
import PARIndex

/// The units and people a secretariat's form chooses from, by name (the value sent is the id).
enum ChoiceLists {
    /// Every unit of `cycles` by id, the newest cycle's name winning.
    static func unitNames(of cycles: [CycleRecord]) -> [String: String] {
        var names: [String: String] = [:]
        for record in cycles.sorted(by: { $0.opened.year < $1.opened.year }) {
            for unit in record.opened.units { names[unit.id] = unit.name }
        }
        return names
    }

    /// The units of `cycles` as choices, by name.
    static func units(of cycles: [CycleRecord]) -> [SelectOption] {
        unitNames(of: cycles).map { SelectOption(value: $0.key, label: $0.value) }
            .sorted { NameLookup.order($0.label, $1.label) }
    }
}

extension DashboardPage {
    /// Names instead of ids: the council listed by name, the forms' units and members chosen from lists.
    mutating func addChoices(_ record: CycleRecord, names: ActorNames) {
        council = council.map { CouncilSeat(actor: names.name($0.actor), chair: $0.chair) }
        unitOptions = record.opened.units.map { SelectOption(value: $0.id, label: $0.name) }
        memberOptions = names.holding(.councilMember).map { SelectOption(value: $0.id, label: $0.name) }
    }
}
