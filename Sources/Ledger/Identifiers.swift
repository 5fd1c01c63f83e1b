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
/// names). Only letters, combining marks, digits, single inner spaces and a little punctuation;
/// nothing from the Greek or Cyrillic blocks (look-alikes of Latin letters), no zero-width or other
/// format characters; and no two names that differ only in case.
public enum DisplayName {
    public static let maximumLength = 200
    static let punctuation: Set<Unicode.Scalar> = [".", ",", "-", "(", ")", "/", "&", "'", ":", ";"]

    /// Why `name` cannot be the display name of `what`, or nil.
    public static func problem(_ name: String, _ what: String) -> String? {
        let count = name.count
        guard count >= 1, count <= maximumLength else {
            return "the name of \(what) must have 1 to \(maximumLength) characters"
        }
        guard name == name.nfc else { return "the name of \(what) is not in Unicode NFC" }
        guard name.first != " ", name.last != " ", !name.contains("  ") else {
            return "the name of \(what) has leading, trailing or doubled spaces"
        }
        for scalar in name.unicodeScalars {
            if (0x0370...0x052F).contains(scalar.value) {
                return
                    "the name of \(what) contains the Greek or Cyrillic letter U+\(hex(scalar)), a look-alike of a Latin letter"
            }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber:
                continue
            default:
                if scalar == " " || punctuation.contains(scalar) { continue }
                return "the name of \(what) contains the character U+\(hex(scalar)), which names may not hold"
            }
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
