public import LedgerFormat
public import Testing

/// What every refusal a person can meet must be in Vietnamese (issue 27): some text, no English
/// sentence, no id of a unit that has a name, and no id of a person unless the refusal lists it in
/// `actors` for the web pages to name.
public enum VietnameseRefusals {
    /// Common English function words: one of them in a text means an English sentence was left in it.
    static let englishWords = [
        " the ", " is ", " not ", " may ", " must ", "cannot", " was ", " has ", " needs ", " of ", " and ", " only ",
    ]

    /// Why `error`'s Vietnamese text falls short, or nil; `units` are the ids of named units, `people`
    /// the ids of enrolled people.
    public static func problem(of error: any KindedError, units: [String], people: [String]) -> String? {
        let text = error.vietnamese
        guard !text.isEmpty else { return "no Vietnamese text for: \(error)" }
        let padded = " \(text.lowercased()) "
        if let word = englishWords.first(where: { padded.contains($0) }) {
            return "the Vietnamese text has the English word '\(word)': \(text)"
        }
        if let unit = units.first(where: { mentions(text, $0) }) {
            return "the Vietnamese text names unit \(unit) by its id: \(text)"
        }
        if let person = people.first(where: { mentions(text, $0) && !error.actors.contains($0) }) {
            return "the Vietnamese text names \(person) by id without listing it in actors: \(text)"
        }
        return nil
    }

    /// Records an issue when `error`'s Vietnamese text falls short.
    public static func check(
        _ error: any KindedError, units: [String], people: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        if let problem = problem(of: error, units: units, people: people) {
            Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation)
        }
    }

    /// Whether `text` has `id` as a whole word (not inside a longer id or word).
    static func mentions(_ text: String, _ id: String) -> Bool {
        let isIDCharacter: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        var rest = text[...]
        while let range = rest.range(of: id) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !(before.map(isIDCharacter) ?? false) && !(after.map(isIDCharacter) ?? false) { return true }
            rest = text[range.upperBound...]
        }
        return false
    }
}
