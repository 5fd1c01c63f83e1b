import Foundation
import LedgerFormat
import PARCore
import PARIndex

/// People and units by the names a person reads and types, not their ids: the explorer's filters take
/// a name (without diacritics or capitals too) and suggest names, and its results show names.
struct NameLookup {
    /// Every unit of every cycle by id, the newest cycle's name winning; every person by id.
    let units: [String: String]
    let actors: [String: String]

    init(_ scoring: ScoringLedger) throws {
        units = ChoiceLists.unitNames(of: try scoring.cycles())
        actors = Dictionary(try scoring.ledger.allActors().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// The units and people the strings of `values` name by id, with their names: what a confirmation
    /// shows in place of the ids of the document signed.
    func names(in values: [JSONValue]) -> [String: String] {
        var found: [String: String] = [:]
        func visit(_ value: JSONValue) {
            switch value {
            case .string(let text): if let name = units[text] ?? actors[text] { found[text] = name }
            case .array(let items): items.forEach(visit)
            case .object(let members): members.values.forEach(visit)
            default: break
            }
        }
        values.forEach(visit)
        return found
    }

    /// The id typed, or the id of the one unit whose name is the text typed (nil when none or several).
    func unit(_ typed: String) -> String? { Self.id(typed, in: units) }

    /// The id typed, or the id of the one person whose name is the text typed.
    func actor(_ typed: String) -> String? { Self.id(typed, in: actors) }

    /// The names to suggest, in Vietnamese order.
    var unitNames: [String] { Set(units.values).sorted(by: Self.order) }
    var actorNames: [String] { Set(actors.values).sorted(by: Self.order) }

    static func id(_ typed: String, in names: [String: String]) -> String? {
        if names[typed] != nil { return typed }
        let key = fold(typed)
        let found = Set(names.filter { fold($0.value) == key }.map(\.key))
        return found.count == 1 ? found.first : nil
    }

    /// A name as compared: NFC, without diacritics, capitals, "đ" or extra spaces.
    static func fold(_ text: String) -> String {
        text.nfc.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
            .folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func order(_ a: String, _ b: String) -> Bool {
        a.compare(b, locale: Locale(identifier: "vi_VN")) == .orderedAscending
    }
}
