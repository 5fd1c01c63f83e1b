import Foundation
import Ledger
public import LedgerFormat
public import PARCore
import PARIndex

/// Reads a scoring table (Bảng 1 or Bảng 2) straight from a province's decision text, as printed:
/// cells one per line (code, title, maximum, note), "ĐTXHH" in the note marking survey rows, and the
/// assessed/survey split stated in the text ("… là 73,5/100 điểm"). Either the table is sound and
/// becomes a `Framework`, or every defect is named with its code and source line.
public enum SeedTableImporter {
    /// A documented fix to one printed row, applied by its source line before validation.
    public struct Correction: Sendable, Hashable {
        public let line: Int
        public let code: String?
        public let survey: Bool?
        public let reason: String

        public init(line: Int, code: String?, survey: Bool?, reason: String) {
            self.line = line
            self.code = code
            self.survey = survey
            self.reason = reason
        }
    }

    /// What an import produced.
    public enum Outcome: Sendable {
        case framework(Framework)
        case refused([FrameworkDefect])
    }

    /// Why the text could not be read as a table at all.
    public struct ReadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Imports table `number` of `text`, after applying `corrections`.
    public static func importTable(
        _ number: Int, from text: String, corrections: [Correction] = []
    ) throws(ReadError) -> Outcome {
        let lines = text.nfc.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        let kind: UnitKind = number == 1 ? .department : .district
        let (rows, printedTotal, title) = try readRows(table: number, lines: lines)
        let corrected = try apply(corrections, to: rows)
        let (assessed, survey) = try statedSplit(table: number, lines: lines)
        let defects = FrameworkValidator.defects(
            in: corrected, printedTotal: printedTotal, statedAssessed: assessed, statedSurvey: survey)
        guard defects.isEmpty else { return .refused(defects) }
        let decision =
            lines.first { $0.hasPrefix("Số: ") }.map { String($0.dropFirst(4)).trimmingCharacters(in: .whitespaces) }
            ?? "?"
        var source = "Quyết định \(decision), Bảng \(number)"
        if !corrections.isEmpty { source += ", with \(corrections.count) documented corrections" }
        return .framework(
            Framework(
                name: title, unitKind: kind, source: source, statedAssessed: assessed, statedSurvey: survey,
                settings: .dienBien(for: kind), fields: FrameworkValidator.tree(from: corrected)
            ))
    }

    /// Reads corrections from their JSON form: `{"corrections":[{"line","code"?,"survey"?,"reason"}]}`.
    public static func corrections(from json: JSONValue) throws(ReadError) -> [Correction] {
        guard let list = json["corrections"]?.arrayValue else {
            throw ReadError(description: "corrections: expected {\"corrections\": [...]}")
        }
        return try list.enumerated().map { index, item throws(ReadError) in
            guard let line = item["line"]?.integerValue, let reason = item["reason"]?.stringValue, !reason.isEmpty
            else {
                throw ReadError(description: "corrections[\(index)]: needs a line number and a reason")
            }
            var survey: Bool?
            if case .bool(let flag)? = item["survey"] { survey = flag }
            return Correction(line: Int(line), code: item["code"]?.stringValue, survey: survey, reason: reason)
        }
    }

    private static func readRows(table number: Int, lines: [String]) throws(ReadError) -> ([TableRow], Points?, String)
    {
        let clean = lines.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let start = clean.firstIndex(of: "Bảng \(number)") else {
            throw ReadError(description: "no line 'Bảng \(number)' in the document")
        }
        guard let header = clean[start...].firstIndex(of: "Ghi chú") else {
            throw ReadError(description: "no header row ending in 'Ghi chú' after 'Bảng \(number)' (line \(start + 1))")
        }
        let title = clean[(start + 1)...].first { !$0.isEmpty } ?? "Bảng \(number)"
        let cells = (header + 1..<clean.count).filter { !clean[$0].isEmpty }.map { (line: $0 + 1, text: clean[$0]) }
        var rows: [TableRow] = []
        var index = 0
        func isCode(_ text: String) -> Bool {
            !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
                && text.first?.isNumber == true
        }
        while index < cells.count {
            let cell = cells[index]
            if cell.text == "TỔNG ĐIỂM" {
                let total = index + 1 < cells.count ? try? Points(parsing: cells[index + 1].text) : nil
                return (rows, total, title)
            }
            guard isCode(cell.text) else {
                throw ReadError(description: "line \(cell.line): expected a row code, found '\(cell.text.prefix(60))'")
            }
            var titleParts: [String] = []
            index += 1
            while index < cells.count, (try? Points(parsing: cells[index].text)) == nil, !isCode(cells[index].text) {
                titleParts.append(cells[index].text)
                index += 1
            }
            guard index < cells.count, let points = try? Points(parsing: cells[index].text) else {
                throw ReadError(description: "line \(cell.line): row \(cell.text) has no maximum")
            }
            index += 1
            var isSurvey = false
            if index < cells.count, !isCode(cells[index].text), cells[index].text != "TỔNG ĐIỂM" {
                isSurvey = cells[index].text.contains("ĐTXHH")
                index += 1
            }
            rows.append(
                TableRow(
                    code: cell.text.hasSuffix(".") ? String(cell.text.dropLast()) : cell.text,
                    title: titleParts.joined(separator: " "), maxPoints: points, isSurvey: isSurvey, line: cell.line
                ))
        }
        throw ReadError(description: "Bảng \(number) has no 'TỔNG ĐIỂM' row")
    }

    private static func apply(_ corrections: [Correction], to rows: [TableRow]) throws(ReadError) -> [TableRow] {
        var corrected = rows
        for correction in corrections {
            guard let index = corrected.firstIndex(where: { $0.line == correction.line }) else {
                throw ReadError(description: "correction for line \(correction.line): no row starts on that line")
            }
            if let code = correction.code { corrected[index].code = code }
            if let survey = correction.survey { corrected[index].isSurvey = survey }
        }
        return corrected
    }

    /// The "X/100 điểm" figures stated for the assessed results and the survey, in the paragraph
    /// that introduces table `number`.
    private static func statedSplit(table number: Int, lines: [String]) throws(ReadError) -> (Points, Points) {
        guard let anchor = lines.firstIndex(where: { $0.contains("Thang điểm") && $0.contains("tại Bảng \(number)") })
        else {
            throw ReadError(
                description: "the text does not state the scale of Bảng \(number) ('Thang điểm … tại Bảng \(number)')")
        }
        var assessed: Points?
        var survey: Points?
        for line in lines[max(0, anchor - 8)..<anchor] {
            guard let range = line.range(of: #"[0-9]+([,.][0-9]+)?/100"#, options: .regularExpression),
                let value = try? Points(parsing: String(line[range].dropLast(4)))
            else { continue }
            if line.contains("điều tra xã hội học") {
                survey = value
            } else if line.contains("kết quả") {
                assessed = value
            }
        }
        guard let assessed, let survey else {
            throw ReadError(
                description: "line \(anchor + 1): cannot find the assessed and survey maxima stated before it")
        }
        return (assessed, survey)
    }
}
