import Foundation
import Ledger
public import LedgerFormat
public import PARCore
import PARIndex
import ZIPFoundation

/// A spreadsheet workbook a province prints, signs and files (Office Open XML, ECMA-376), written from
/// values only: text cells, exact `Points` as numbers, integers (ranks, row numbers).
///
/// What it writes and why:
/// - the parts Excel and LibreOffice need and nothing more: `[Content_Types].xml`, `_rels/.rels`,
///   `docProps/core.xml`, `xl/workbook.xml` (sheets, print areas, print titles),
///   `xl/_rels/workbook.xml.rels`, `xl/styles.xml`, `xl/sharedStrings.xml`, `xl/worksheets/sheetN.xml`;
/// - text is stored as shared strings (never a formula, whatever it starts with), normalised to NFC,
///   XML-escaped, and neutralised with `SpreadsheetText.neutralised` so that a copy into another sheet
///   or a CSV stays inert;
/// - points are written as the canonical decimal text of their hundredths ("12.5", "0.25"): no binary
///   floating point is involved, and the cell shows two decimals (number format `0.00`);
/// - each sheet prints on A4 landscape, fitted to the page width unless told otherwise, with a print
///   area over its cells and its header row repeated on every page; the header row is frozen on screen;
/// - the same workbook gives the same bytes: every zip entry and the document properties carry
///   `modified`, never the clock.
public struct XLSXWorkbook: Sendable {
    /// What a cell holds.
    public enum Value: Sendable, Hashable {
        /// Text, shown as typed.
        case text(String)
        /// An exact number of points (or per cent), shown with two decimals.
        case points(Points)
        /// A whole number (a rank, a row number), shown without decimals.
        case integer(Int)
        /// Nothing (the cell still gets its row's border).
        case empty
    }

    /// How a row looks.
    public enum RowStyle: Sendable, Hashable {
        /// The document's title: bold, large, centred, merged across the sheet's columns.
        case title
        /// A line of text under the title or below the table, merged across the sheet's columns.
        case note
        /// Column headings: bold, shaded, wrapped, bordered.
        case header
        /// A line of the table: bordered; text wraps.
        case body
        /// A line of the table in bold (totals, maxima).
        case emphasis
    }

    /// One row of a sheet.
    public struct Row: Sendable, Hashable {
        public var style: RowStyle
        public var cells: [Value]
        /// The row's height in points; nil lets the application decide.
        public var height: Int?

        public init(_ style: RowStyle, _ cells: [Value], height: Int? = nil) {
            self.style = style
            self.cells = cells
            self.height = height
        }
    }

    /// One worksheet.
    public struct Sheet: Sendable, Hashable {
        /// The tab's name: 1 to 31 characters, none of `[ ] : * ? / \`, not starting or ending with `'`
        /// (`XLSXWorkbook.sheetName(_:)` makes one from any text).
        public var name: String
        /// Each column's width in characters, from column A.
        public var columnWidths: [Int]
        public var rows: [Row]
        /// How many rows from the top (title and header included) stay on screen and repeat on each
        /// printed page; 0 for none. The last of them is the header row.
        public var frozenRows: Int
        /// How many columns from the left stay on screen and repeat on each printed page.
        public var frozenColumns: Int
        /// The rows (1-based) printed again at the top of every page: the header row by default
        /// (the last frozen row), not the title above it.
        public var repeatedRows: ClosedRange<Int>?
        /// How many pages wide the sheet prints on (1: fitted to one page's width); nil prints at 100%.
        public var fitToWidth: Int?

        public init(
            name: String, columnWidths: [Int], rows: [Row], frozenRows: Int = 0, frozenColumns: Int = 0,
            repeatedRows: ClosedRange<Int>? = nil, fitToWidth: Int? = 1
        ) {
            self.name = name
            self.columnWidths = columnWidths
            self.rows = rows
            self.frozenRows = frozenRows
            self.frozenColumns = frozenColumns
            self.repeatedRows = repeatedRows ?? (frozenRows > 0 ? frozenRows...frozenRows : nil)
            self.fitToWidth = fitToWidth
        }

        /// The number of columns: the widths given or the widest row, whichever is more.
        public var columnCount: Int { max(columnWidths.count, rows.map(\.cells.count).max() ?? 0, 1) }
    }

    /// Why a workbook cannot be written.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public var sheets: [Sheet]
    /// The document's title (document properties).
    public var title: String
    /// The moment written into the zip entries and the document properties.
    public var modified: Timestamp

    public init(sheets: [Sheet], title: String, modified: Timestamp) {
        self.sheets = sheets
        self.title = title
        self.modified = modified
    }

    /// The workbook as .xlsx bytes.
    /// - Throws: `Problem` when there is no sheet or a sheet name is invalid or repeated.
    public func bytes() throws -> [UInt8] {
        guard !sheets.isEmpty else { throw Problem(description: "a workbook needs at least one sheet") }
        var seen = Set<String>()
        for sheet in sheets {
            if let reason = Self.invalidity(ofSheetName: sheet.name) {
                throw Problem(description: "the sheet name '\(sheet.name)' \(reason)")
            }
            guard seen.insert(sheet.name.nfc.lowercased()).inserted else {
                throw Problem(description: "two sheets are named '\(sheet.name)'")
            }
        }
        var strings = SharedStrings()
        var parts: [(String, String)] = []
        let worksheets = sheets.enumerated().map { index, sheet in
            ("xl/worksheets/sheet\(index + 1).xml", Self.worksheet(sheet, strings: &strings))
        }
        parts.append(("[Content_Types].xml", contentTypes))
        parts.append(("_rels/.rels", Self.packageRelationships))
        parts.append(("docProps/core.xml", coreProperties))
        parts.append(("xl/workbook.xml", workbook))
        parts.append(("xl/_rels/workbook.xml.rels", workbookRelationships))
        parts.append(("xl/styles.xml", Self.styles))
        parts.append(("xl/sharedStrings.xml", strings.xml))
        parts += worksheets
        return try Self.zip(parts, modified: modified)
    }

    // MARK: Parts

    private var contentTypes: String {
        let sheetOverrides = sheets.indices.map {
            "<Override PartName=\"/xl/worksheets/sheet\($0 + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return Self.declaration
            + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + sheetOverrides.joined()
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
            + "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
            + "</Types>"
    }

    private static let packageRelationships =
        declaration
        + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
        + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
        + "</Relationships>"

    private var coreProperties: String {
        let time = String(modified.iso8601.prefix(19)) + "Z"
        return Self.declaration
            + "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\""
            + " xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\""
            + " xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + "<dc:title>\(Self.escaped(title))</dc:title><dc:creator>ParLedger</dc:creator>"
            + "<dcterms:created xsi:type=\"dcterms:W3CDTF\">\(time)</dcterms:created>"
            + "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">\(time)</dcterms:modified>"
            + "</cp:coreProperties>"
    }

    private var workbook: String {
        var names: [String] = []
        for (index, sheet) in sheets.enumerated() {
            let quoted = "'" + sheet.name.nfc.replacingOccurrences(of: "'", with: "''") + "'"
            let lastColumn = Self.columnLetters(sheet.columnCount - 1)
            let lastRow = max(sheet.rows.count, 1)
            names.append(
                "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"\(index)\">"
                    + Self.escaped("\(quoted)!$A$1:$\(lastColumn)$\(lastRow)") + "</definedName>")
            var titles: [String] = []
            if sheet.frozenColumns > 0 {
                titles.append("\(quoted)!$A:$\(Self.columnLetters(sheet.frozenColumns - 1))")
            }
            if let rows = sheet.repeatedRows { titles.append("\(quoted)!$\(rows.lowerBound):$\(rows.upperBound)") }
            if !titles.isEmpty {
                names.append(
                    "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"\(index)\">"
                        + Self.escaped(titles.joined(separator: ",")) + "</definedName>")
            }
        }
        let entries = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(Self.escaped(sheet.name.nfc))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        return Self.declaration
            + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
            + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
            + "<bookViews><workbookView activeTab=\"0\"/></bookViews>"
            + "<sheets>\(entries.joined())</sheets>"
            + "<definedNames>\(names.joined())</definedNames>"
            + "</workbook>"
    }

    private var workbookRelationships: String {
        let sheetRelations = sheets.indices.map {
            "<Relationship Id=\"rId\($0 + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>"
        }
        let next = sheets.count + 1
        return Self.declaration
            + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + sheetRelations.joined()
            + "<Relationship Id=\"rId\(next)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
            + "<Relationship Id=\"rId\(next + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            + "</Relationships>"
    }

    /// The cell formats (`cellXfs`) the rows use, by index: see `styleIndex(_:_:)`.
    /// Number formats 1 (`0`) and 2 (`0.00`) are built in to every spreadsheet application.
    private static let styles =
        declaration
        + "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        + "<fonts count=\"4\">"
        + "<font><sz val=\"11\"/><name val=\"Times New Roman\"/><family val=\"1\"/></font>"
        + "<font><b/><sz val=\"11\"/><name val=\"Times New Roman\"/><family val=\"1\"/></font>"
        + "<font><b/><sz val=\"14\"/><name val=\"Times New Roman\"/><family val=\"1\"/></font>"
        + "<font><i/><sz val=\"11\"/><name val=\"Times New Roman\"/><family val=\"1\"/></font>"
        + "</fonts>"
        + "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill>"
        + "<fill><patternFill patternType=\"gray125\"/></fill>"
        + "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFE7E6E6\"/><bgColor indexed=\"64\"/></patternFill></fill>"
        + "</fills>"
        + "<borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>"
        + "<border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right>"
        + "<top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border>"
        + "</borders>"
        + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        + "<cellXfs count=\"11\">"
        // 0: default
        + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        // 1: title
        + "<xf numFmtId=\"0\" fontId=\"2\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyAlignment=\"1\">"
        + "<alignment horizontal=\"center\" vertical=\"center\" wrapText=\"1\"/></xf>"
        // 2: note
        + "<xf numFmtId=\"0\" fontId=\"3\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyAlignment=\"1\">"
        + "<alignment horizontal=\"left\" vertical=\"center\" wrapText=\"1\"/></xf>"
        // 3: header
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\""
        + " applyBorder=\"1\" applyAlignment=\"1\"><alignment horizontal=\"center\" vertical=\"center\" wrapText=\"1\"/></xf>"
        // 4: body text
        + "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyBorder=\"1\" applyAlignment=\"1\">"
        + "<alignment vertical=\"center\" wrapText=\"1\"/></xf>"
        // 5: body points
        + "<xf numFmtId=\"2\" fontId=\"0\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyNumberFormat=\"1\" applyBorder=\"1\""
        + " applyAlignment=\"1\"><alignment horizontal=\"right\" vertical=\"center\"/></xf>"
        // 6: body integer
        + "<xf numFmtId=\"1\" fontId=\"0\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyNumberFormat=\"1\" applyBorder=\"1\""
        + " applyAlignment=\"1\"><alignment horizontal=\"center\" vertical=\"center\"/></xf>"
        // 7: emphasis text
        + "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyFont=\"1\" applyBorder=\"1\""
        + " applyAlignment=\"1\"><alignment vertical=\"center\" wrapText=\"1\"/></xf>"
        // 8: emphasis points
        + "<xf numFmtId=\"2\" fontId=\"1\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyNumberFormat=\"1\" applyFont=\"1\""
        + " applyBorder=\"1\" applyAlignment=\"1\"><alignment horizontal=\"right\" vertical=\"center\"/></xf>"
        // 9: emphasis integer
        + "<xf numFmtId=\"1\" fontId=\"1\" fillId=\"0\" borderId=\"1\" xfId=\"0\" applyNumberFormat=\"1\" applyFont=\"1\""
        + " applyBorder=\"1\" applyAlignment=\"1\"><alignment horizontal=\"center\" vertical=\"center\"/></xf>"
        // 10: header number (points in a header row, e.g. maxima)
        + "<xf numFmtId=\"2\" fontId=\"1\" fillId=\"2\" borderId=\"1\" xfId=\"0\" applyNumberFormat=\"1\" applyFont=\"1\""
        + " applyFill=\"1\" applyBorder=\"1\" applyAlignment=\"1\"><alignment horizontal=\"center\" vertical=\"center\"/></xf>"
        + "</cellXfs>"
        + "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
        + "</styleSheet>"

    /// The `cellXfs` index of a value in a row of `style`.
    private static func styleIndex(_ style: RowStyle, _ value: Value) -> Int {
        switch (style, value) {
        case (.title, _): 1
        case (.note, _): 2
        case (.header, .points), (.header, .integer): 10
        case (.header, _): 3
        case (.body, .points): 5
        case (.body, .integer): 6
        case (.body, _): 4
        case (.emphasis, .points): 8
        case (.emphasis, .integer): 9
        case (.emphasis, _): 7
        }
    }

    private static func worksheet(_ sheet: Sheet, strings: inout SharedStrings) -> String {
        let columns = sheet.columnCount
        let lastColumn = columnLetters(columns - 1)
        var xml = declaration
        xml += "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
        xml += " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        xml += sheet.fitToWidth != nil ? "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>" : "<sheetPr/>"
        xml += "<dimension ref=\"A1:\(lastColumn)\(max(sheet.rows.count, 1))\"/>"
        xml += "<sheetViews><sheetView workbookViewId=\"0\">"
        if sheet.frozenRows > 0 || sheet.frozenColumns > 0 {
            let topLeft = columnLetters(sheet.frozenColumns) + String(sheet.frozenRows + 1)
            let pane =
                sheet.frozenRows > 0 && sheet.frozenColumns > 0
                ? "bottomRight" : (sheet.frozenRows > 0 ? "bottomLeft" : "topRight")
            xml += "<pane"
            if sheet.frozenColumns > 0 { xml += " xSplit=\"\(sheet.frozenColumns)\"" }
            if sheet.frozenRows > 0 { xml += " ySplit=\"\(sheet.frozenRows)\"" }
            xml += " topLeftCell=\"\(topLeft)\" activePane=\"\(pane)\" state=\"frozen\"/>"
            xml += "<selection pane=\"\(pane)\" activeCell=\"\(topLeft)\" sqref=\"\(topLeft)\"/>"
        }
        xml += "</sheetView></sheetViews>"
        xml += "<sheetFormatPr defaultRowHeight=\"15\"/>"
        if !sheet.columnWidths.isEmpty {
            xml += "<cols>"
            for (index, width) in sheet.columnWidths.enumerated() {
                xml += "<col min=\"\(index + 1)\" max=\"\(index + 1)\" width=\"\(max(width, 1))\" customWidth=\"1\"/>"
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        var merges: [String] = []
        for (offset, row) in sheet.rows.enumerated() {
            let number = offset + 1
            xml += "<row r=\"\(number)\""
            if let height = row.height ?? estimatedHeight(row, widths: sheet.columnWidths) {
                xml += " ht=\"\(height)\" customHeight=\"1\""
            }
            xml += ">"
            let spans = row.style == .title || row.style == .note
            if spans && columns > 1 { merges.append("A\(number):\(lastColumn)\(number)") }
            let width = spans ? max(row.cells.count, 1) : max(row.cells.count, columns)
            for column in 0..<width {
                let value = column < row.cells.count ? row.cells[column] : .empty
                let reference = columnLetters(column) + String(number)
                let style = styleIndex(row.style, value)
                switch value {
                case .text(let text):
                    let index = strings.index(of: SpreadsheetText.neutralised(text.nfc))
                    xml += "<c r=\"\(reference)\" s=\"\(style)\" t=\"s\"><v>\(index)</v></c>"
                case .points(let points):
                    xml += "<c r=\"\(reference)\" s=\"\(style)\"><v>\(points.description)</v></c>"
                case .integer(let integer):
                    xml += "<c r=\"\(reference)\" s=\"\(style)\"><v>\(integer)</v></c>"
                case .empty:
                    xml += "<c r=\"\(reference)\" s=\"\(style)\"/>"
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData>"
        if !merges.isEmpty {
            xml += "<mergeCells count=\"\(merges.count)\">"
            xml += merges.map { "<mergeCell ref=\"\($0)\"/>" }.joined()
            xml += "</mergeCells>"
        }
        xml += "<printOptions horizontalCentered=\"1\"/>"
        xml += "<pageMargins left=\"0.4\" right=\"0.4\" top=\"0.5\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/>"
        xml += "<pageSetup paperSize=\"9\" orientation=\"landscape\""
        if let fit = sheet.fitToWidth { xml += " fitToWidth=\"\(fit)\" fitToHeight=\"0\"" }
        xml += "/>"
        xml += "<headerFooter><oddFooter>\(escaped("&C&P/&N"))</oddFooter></headerFooter>"
        xml += "</worksheet>"
        return xml
    }

    /// The height in points a table row needs for its wrapped text, nil when one line does: neither
    /// Excel nor LibreOffice fits a row to its text when opening a file, so the writer estimates it
    /// (a character of 11-point Times is about 0.8 of a column-width unit; capitals and bold wider).
    private static func estimatedHeight(_ row: Row, widths: [Int]) -> Int? {
        guard row.style != .title && row.style != .note else { return nil }
        var lines = 1
        for (column, value) in row.cells.enumerated() {
            guard case .text(let text) = value, column < widths.count else { continue }
            let width = max(widths[column] - 1, 1)
            let perLine = max(row.style == .body ? width * 10 / 9 : width * 3 / 4, 1)
            let needed = text.split(separator: "\n", omittingEmptySubsequences: false).map {
                max(($0.count + perLine - 1) / perLine, 1)
            }.reduce(0, +)
            lines = max(lines, needed)
        }
        return lines > 1 ? lines * 15 + 4 : nil
    }
}
