import Foundation
import PARCore
import PARIndex
import XMLCoder
import ZIPFoundation

/// The cells of a spreadsheet a person filled in, row by row with the row numbers they see, read
/// from CSV (RFC 4180: quoted cells may hold commas, doubled quotes and line breaks; UTF-8 with or
/// without a BOM) or from the first sheet of an XLSX workbook. Empty rows are left out.
public struct SheetTable: Sendable {
    public struct Row: Sendable {
        /// The line (CSV) or row (XLSX) a person finds it at.
        public let number: Int
        public let cells: [String]
    }

    public let rows: [Row]

    /// Why a file is not a readable sheet at all.
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Reads CSV, or XLSX when the bytes are a zip archive.
    public static func read(_ bytes: [UInt8]) throws -> SheetTable {
        bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) ? try xlsx(bytes) : try csv(bytes)
    }

    public static func csv(_ bytes: [UInt8]) throws -> SheetTable {
        var content = bytes
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content.removeFirst(3) }
        guard let text = String(validating: content, as: UTF8.self) else {
            throw Unreadable(description: "the file is not valid UTF-8")
        }
        var rows: [Row] = []
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var line = 1
        var rowStart = 1
        var characters = Array(text.nfc).makeIterator()
        var pending: Character? = nil
        func endRow() {
            cells.append(cell)
            if cells.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                rows.append(Row(number: rowStart, cells: cells.map { $0.trimmingCharacters(in: .whitespaces) }))
            }
            cells = []
            cell = ""
        }
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" {
                        cell.append("\"")
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    if character.isNewline { line += 1 }
                    cell.append(character)
                }
                continue
            }
            switch character {
            case "\"" where cell.trimmingCharacters(in: .whitespaces).isEmpty:
                cell = ""
                quoted = true
            case ",":
                cells.append(cell)
                cell = ""
            case _ where character.isNewline:
                endRow()
                line += 1
                rowStart = line
            default:
                cell.append(character)
            }
        }
        guard !quoted else { throw Unreadable(description: "line \(rowStart): a quoted cell is not closed") }
        endRow()
        return SheetTable(rows: rows)
    }

    /// The first sheet of an XLSX workbook (the order Excel shows them in), its shared strings
    /// resolved; numbers as the file stores them, shortened to two decimals when they only differ
    /// from such a number by binary floating point (2.6749999999999998 is 2.675's neighbour, kept).
    public static func xlsx(_ bytes: [UInt8]) throws -> SheetTable {
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw Unreadable(description: "the file is not a readable XLSX workbook (zip): \(error)")
        }
        func part(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var data = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
            } catch {
                throw Unreadable(description: "the workbook's part \(path) cannot be read: \(error)")
            }
            return data
        }
        func decode<T: Decodable>(_ type: T.Type, _ path: String) throws -> T? {
            guard let data = try part(path) else { return nil }
            let decoder = XMLDecoder()
            decoder.trimValueWhitespaces = false
            do {
                return try decoder.decode(type, from: data)
            } catch {
                throw Unreadable(description: "the workbook's part \(path) is not what XLSX says: \(error)")
            }
        }
        var sheetPath = "xl/worksheets/sheet1.xml"
        if let workbook = try decode(XLSX.Workbook.self, "xl/workbook.xml"), let first = workbook.sheets.sheet.first,
            let relations = try decode(XLSX.Relationships.self, "xl/_rels/workbook.xml.rels"),
            let target = relations.relationship.first(where: { $0.id == first.relation })?.target
        {
            sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        }
        let shared = try decode(XLSX.SharedStrings.self, "xl/sharedStrings.xml")?.si.map(\.text) ?? []
        guard let worksheet = try decode(XLSX.Worksheet.self, sheetPath) else {
            throw Unreadable(description: "the workbook has no first sheet (\(sheetPath))")
        }
        var rows: [Row] = []
        for (offset, row) in (worksheet.sheetData.row ?? []).enumerated() {
            var cells: [String] = []
            for (position, cell) in (row.c ?? []).enumerated() {
                let column = cell.r.flatMap(XLSX.column(of:)) ?? (cells.count > position ? cells.count : position)
                while cells.count <= column { cells.append("") }
                let value: String
                switch cell.t {
                case "s": value = Int(cell.v ?? "").flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? ""
                case "inlineStr": value = cell.is?.text ?? ""
                case nil, "n": value = XLSX.number(cell.v ?? "")
                default: value = cell.v ?? ""
                }
                cells[column] = value.nfc.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard cells.contains(where: { !$0.isEmpty }) else { continue }
            rows.append(Row(number: row.r ?? offset + 1, cells: cells))
        }
        return SheetTable(rows: rows)
    }
}

/// The parts of SpreadsheetML (ECMA-376) a sheet is read from, as XMLCoder decodes them.
private enum XLSX {
    struct Workbook: Decodable {
        struct Sheets: Decodable { let sheet: [Sheet] }
        struct Sheet: Decodable {
            let relation: String
            enum CodingKeys: String, CodingKey { case relation = "r:id" }
        }
        let sheets: Sheets
    }

    struct Relationships: Decodable {
        struct Relationship: Decodable {
            let id: String
            let target: String
            enum CodingKeys: String, CodingKey {
                case id = "Id"
                case target = "Target"
            }
        }
        let relationship: [Relationship]
        enum CodingKeys: String, CodingKey { case relationship = "Relationship" }
    }

    /// Text of a shared or inline string: plain (`<t>`) or rich (runs `<r><t>`).
    struct RichText: Decodable {
        struct Run: Decodable { let t: Text? }
        struct Text: Decodable {
            let value: String
            enum CodingKeys: String, CodingKey { case value = "" }
        }
        let t: Text?
        let r: [Run]?
        var text: String { t?.value ?? (r ?? []).compactMap { $0.t?.value }.joined() }
    }

    struct SharedStrings: Decodable { let si: [RichText] }

    struct Worksheet: Decodable {
        struct SheetData: Decodable { let row: [Row]? }
        struct Row: Decodable {
            let r: Int?
            let c: [Cell]?
        }
        struct Cell: Decodable {
            let r: String?
            let t: String?
            let v: String?
            let `is`: RichText?
        }
        let sheetData: SheetData
    }

    /// The zero-based column of a cell reference (`C7` → 2).
    static func column(of reference: String) -> Int? {
        let letters = reference.unicodeScalars.prefix { ("A"..."Z").contains($0) }
        guard !letters.isEmpty else { return nil }
        return letters.reduce(0) { $0 * 26 + Int($1.value - 64) } - 1
    }

    /// A stored number as typed: `2.5000000000000001` → `2.5`, when it is within 1e-9 of a number
    /// with at most two decimals; otherwise unchanged, so that the points check names it.
    static func number(_ stored: String) -> String {
        guard let value = Decimal(string: stored, locale: Locale(identifier: "en_US_POSIX")) else { return stored }
        var exact = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &exact, 2, .plain)
        let difference = (rounded - value).magnitude
        guard difference < Decimal(sign: .plus, exponent: -9, significand: 1) else { return stored }
        return NSDecimalNumber(decimal: rounded).stringValue
    }
}
