/// The one grammar of ids (ledgers, cycles, units, frameworks, actors): 1 to 64 characters of
/// `a-z`, `0-9` and `-`, starting and ending with a letter or digit. Ids become file and stream
/// names, so nothing that could climb out of a directory or hide a character gets through.
public enum Slug {
    public static let maximumLength = 64

    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...maximumLength).contains(bytes.count), bytes.allSatisfy(isSlugByte),
            bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
        else { return false }
        return true
    }

    /// Why `text` is not a valid id of `what`, or nil.
    public static func problem(_ text: String, _ what: String) -> String? {
        isValid(text)
            ? nil
            : "the \(what) '\(text)' is not a valid id: use 1 to 64 lowercase ASCII letters, digits and '-', starting and ending with a letter or digit"
    }

    private static func isSlugByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-")
    }
}

/// Display names of people and units: NFC text a reader cannot be fooled by (FORMAT.md, Ids and
/// names), written in Vietnamese or another Latin alphabet. Only the letters of an explicit
/// repertoire (ASCII, Latin-1, Latin Extended-A and -B, Latin Extended Additional, combining
/// diacritics), ASCII digits, single inner spaces and a little punctuation: nothing from other
/// scripts (Greek and Cyrillic letters look like Latin ones), no zero-width or other format
/// characters; and no two names that differ only in case. The repertoire is a table here and in the
/// Python verifier, not the runtime's Unicode tables, so that every machine gives the same verdict.
public enum DisplayName {
    public static let maximumLength = 200
    package static let punctuation: Set<Unicode.Scalar> = [" ", ".", ",", "-", "(", ")", "/", "&", "'", ":", ";"]

    /// Whether `scalar` may be part of a display name.
    public static func allows(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x24F: true
        case 0x300...0x36F, 0x1E00...0x1EFF: true
        default: punctuation.contains(scalar)
        }
    }

    /// Why `name` cannot be the display name of `what`, or nil.
    public static func problem(_ name: String, _ what: String) -> String? {
        let count = name.unicodeScalars.count
        guard count >= 1, count <= maximumLength else {
            return "the name of \(what) must have 1 to \(maximumLength) characters"
        }
        if let scalar = name.unicodeScalars.first(where: { !allows($0) }) {
            let kind = (0x0370...0x052F).contains(scalar.value) ? "the Greek or Cyrillic letter" : "the character"
            return
                "the name of \(what) contains \(kind) U+\(hex(scalar)); names are written in Latin letters (Vietnamese included), digits, spaces and . , - ( ) / & ' : ;"
        }
        guard name.utf8.elementsEqual(name.nfc.utf8) else { return "the name of \(what) is not in Unicode NFC" }
        guard name.first != " ", name.last != " ", !name.contains("  ") else {
            return "the name of \(what) has leading, trailing or doubled spaces"
        }
        return nil
    }

    /// The form two names are compared in: lower-cased (Unicode default case mapping), then NFC.
    public static func skeleton(_ name: String) -> String {
        name.lowercased().nfc
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
