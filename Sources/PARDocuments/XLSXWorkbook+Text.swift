import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import ZIPFoundation

/// The workbook's sheet names, its XML text and its zip container.
extension XLSXWorkbook {
    // MARK: Sheet names

    /// Why `name` cannot name a sheet, nil when it can.
    public static func invalidity(ofSheetName name: String) -> String? {
        let name = name.nfc
        if name.isEmpty { return "is empty" }
        if name.utf16.count > 31 { return "is longer than 31 characters" }
        if let bad = name.first(where: { "[]:*?/\\".contains($0) }) { return "contains '\(bad)'" }
        if name.hasPrefix("'") || name.hasSuffix("'") { return "starts or ends with an apostrophe" }
        if name.lowercased() == "history" { return "is reserved by Excel" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 }) { return "contains a control character" }
        return nil
    }

    /// A valid sheet name made from `text`: forbidden characters become `-`, apostrophes at either
    /// end are dropped, and the name is cut to 31 characters (whole characters only).
    public static func sheetName(_ text: String) -> String {
        var name = String(
            text.nfc.map { character -> Character in
                "[]:*?/\\".contains(character) || character.unicodeScalars.contains { $0.value < 0x20 }
                    ? "-" : character
            })
        while name.hasPrefix("'") { name.removeFirst() }
        while name.hasSuffix("'") { name.removeLast() }
        var cut = ""
        for character in name {
            guard cut.utf16.count + String(character).utf16.count <= 31 else { break }
            cut.append(character)
        }
        cut = cut.trimmingCharacters(in: .whitespaces)
        while cut.hasSuffix("'") { cut.removeLast() }
        if cut.isEmpty || cut.lowercased() == "history" { return "Sheet" }
        return cut
    }

    /// The letters of a zero-based column (0 → A, 26 → AA).
    public static func columnLetters(_ index: Int) -> String {
        var number = index + 1
        var letters = ""
        while number > 0 {
            let remainder = (number - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            number = (number - 1) / 26
        }
        return letters
    }

    // MARK: Text

    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    /// `text` safe inside an XML element or a double-quoted attribute. Characters XML 1.0 cannot
    /// carry (controls other than tab, line feed and carriage return) are written as OOXML's
    /// `_xHHHH_` escapes, and a literal `_xHHHH_` in the text is protected as `_x005F_xHHHH_`.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case "_" where looksLikeEscape(scalars, at: index): result += "_x005F_"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "_x" + String(repeating: "0", count: 4 - hex.count) + hex + "_"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// Whether `_xHHHH_` starts at `index`, which Excel would read as an escaped character.
    private static func looksLikeEscape(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + 6 < scalars.count, scalars[index + 1] == "x", scalars[index + 6] == "_" else { return false }
        return scalars[(index + 2)...(index + 5)].allSatisfy { $0.properties.isASCIIHexDigit }
    }

    /// The workbook's strings, each stored once, in order of first use.
    struct SharedStrings {
        var indexes: [String: Int] = [:]
        var ordered: [String] = []
        var uses = 0

        mutating func index(of text: String) -> Int {
            uses += 1
            if let index = indexes[text] { return index }
            indexes[text] = ordered.count
            ordered.append(text)
            return ordered.count - 1
        }

        var xml: String {
            let items = ordered.map { text -> String in
                let preserve =
                    text.first?.isWhitespace == true || text.last?.isWhitespace == true || text.contains("\n")
                return "<si><t" + (preserve ? " xml:space=\"preserve\"" : "") + ">" + escaped(text) + "</t></si>"
            }
            return declaration
                + "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"\(uses)\""
                + " uniqueCount=\"\(ordered.count)\">" + items.joined() + "</sst>"
        }
    }

    // MARK: The zip container

    /// The parts zipped in the given order, deflated, each dated `modified` (zip times are UTC, to
    /// two seconds; nothing of the writing machine gets in).
    static func zip(_ parts: [(String, String)], modified: Timestamp) throws -> [UInt8] {
        let date = Date(timeIntervalSince1970: TimeInterval(modified.millisecondsSinceEpoch / 1000))
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, text) in parts {
                let data = Data(text.utf8)
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: date,
                    permissions: 0o644, compressionMethod: .deflate
                ) { position, size in
                    data.subdata(in: Data.Index(position)..<Data.Index(position) + size)
                }
            }
            guard let bytes = archive.data else { throw Problem(description: "the zip archive was not kept in memory") }
            return [UInt8](bytes)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(description: "the workbook cannot be zipped: \(error)")
        }
    }
}
