import Ledger
public import LedgerFormat
public import PARCore
import PARIndex

/// A unit's whole self-assessment sheet (phiếu tự đánh giá), one row per criterion, checked as a
/// whole before anything is signed: either every row is good, or every bad row is named with the
/// row number a person sees. Columns, named by the first row in any order (case ignored):
/// - `criterion` (required): the code, e.g. `1.1.1`;
/// - `points`: the self-score (`2,5` or `2.5`), signed as `2.5`; empty on a not-applicable row;
/// - `evidence`: documents cited, separated by `;`, as paths relative to the sheet;
/// - `explanation`: how the score was computed (required when no evidence is cited);
/// - `not-applicable`: the legal basis that exempts the unit this year; the row then marks the
///   criterion (and all its assessed sub-criteria) not applicable and has no points.
public struct SelfAssessmentSheet: Sendable {
    public static let columns = ["criterion", "points", "evidence", "explanation", "not-applicable"]

    /// One criterion's line of the sheet.
    public struct Entry: Sendable, Hashable {
        public let row: Int
        public let criterion: String
        /// The points in their one signed form, or nil for a not-applicable mark.
        public let points: String?
        /// Evidence paths as written, relative to the sheet.
        public let evidence: [String]
        public let explanation: String?
        public let legalBasis: String?
    }

    /// The not-applicable marks, then the scores, in the sheet's order.
    public let notApplicable: [Entry]
    public let scores: [Entry]

    /// The sheet as the rows of one `RecordSelfAssessment`: the not-applicable marks, then the scores,
    /// each score citing the documents `cited` gives for its evidence paths (their hashes). The CLI and
    /// the web page record a sheet through this one function.
    public func rows(citing cited: (String) -> String?) -> [RecordSelfAssessment.Row] {
        let marks = notApplicable.map { entry in
            RecordSelfAssessment.Row(criterion: entry.criterion, points: nil, notApplicable: entry.legalBasis ?? "")
        }
        return marks
            + scores.map { entry in
                RecordSelfAssessment.Row(
                    criterion: entry.criterion, points: entry.points ?? "", explanation: entry.explanation,
                    evidence: entry.evidence.compactMap(cited))
            }
    }

    /// Checks `table` against the unit's framework; `evidenceProblem` says why a cited path cannot
    /// be read, or nil.
    public static func read(
        _ table: SheetTable, unit: String, framework: Framework,
        evidenceProblem: (String) -> String?
    ) -> Result<SelfAssessmentSheet, SheetError> {
        guard let header = table.rows.first else {
            return .failure(SheetError(rows: [BadRow(line: 1, problem: "the sheet is empty", vi: "bảng trống")]))
        }
        let names = header.cells.map { $0.lowercased() }
        var bad: [BadRow] = []
        for name in names where !name.isEmpty && !columns.contains(name) {
            bad.append(
                BadRow(
                    line: header.number,
                    problem: "unknown column '\(name)'; the columns are \(columns.joined(separator: ", "))",
                    vi: "không có cột '\(name)'; các cột là \(columns.joined(separator: ", "))"))
        }
        for name in ["criterion", "points"] where !names.contains(name) {
            bad.append(
                BadRow(
                    line: header.number,
                    problem:
                        "the first row must name the column '\(name)' (columns: \(columns.joined(separator: ", ")))",
                    vi: "dòng đầu phải có cột '\(name)' (các cột: \(columns.joined(separator: ", ")))"))
        }
        for name in Set(names) where !name.isEmpty && names.filter({ $0 == name }).count > 1 {
            bad.append(
                BadRow(
                    line: header.number, problem: "the column '\(name)' is named twice",
                    vi: "cột '\(name)' bị ghi hai lần"))
        }
        if !bad.isEmpty { return .failure(SheetError(rows: bad)) }
        var notApplicable: [Entry] = []
        var scores: [Entry] = []
        var rowOfCriterion: [String: Int] = [:]
        for row in table.rows.dropFirst() {
            func cell(_ name: String) -> String {
                guard let index = names.firstIndex(of: name), index < row.cells.count else { return "" }
                return row.cells[index]
            }
            let problems = check(
                row.number, code: cell("criterion"), pointsText: cell("points"), evidenceText: cell("evidence"),
                explanation: cell("explanation"), legalBasis: cell("not-applicable"), unit: unit, framework: framework,
                rowOfCriterion: &rowOfCriterion, evidenceProblem: evidenceProblem)
            switch problems {
            case .failure(let rows): bad += rows.rows
            case .success(let entry): entry.points == nil ? notApplicable.append(entry) : scores.append(entry)
            }
        }
        if !bad.isEmpty { return .failure(SheetError(rows: bad)) }
        if notApplicable.isEmpty && scores.isEmpty {
            return .failure(
                SheetError(rows: [
                    BadRow(
                        line: header.number + 1, problem: "the sheet has no rows below its header",
                        vi: "bảng không có dòng nào dưới dòng tiêu đề")
                ]))
        }
        return .success(SelfAssessmentSheet(notApplicable: notApplicable, scores: scores))
    }

    private static func check(
        _ number: Int, code: String, pointsText: String, evidenceText: String, explanation: String, legalBasis: String,
        unit: String, framework: Framework, rowOfCriterion: inout [String: Int],
        evidenceProblem: (String) -> String?
    ) -> Result<Entry, SheetError> {
        var problems: [(problem: String, vi: String)] = []
        let evidence = evidenceText.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
        problems += evidence.compactMap { path in
            evidenceProblem(path).map { ($0, "không đọc được tài liệu kiểm chứng '\(path)'") }
        }
        guard !code.isEmpty else {
            return .failure(SheetError(rows: [BadRow(line: number, problem: "no criterion", vi: "chưa ghi tiêu chí")]))
        }
        guard let criterion = framework.criteriaByCode[code] else {
            return .failure(
                SheetError(rows: [
                    BadRow(
                        line: number, problem: "unknown criterion '\(code)' for \(unit) (\(framework.name))",
                        vi: "không có tiêu chí \(code) trong \(framework.name)")
                ]))
        }
        let covered = criterion.allCriteria.filter { $0.isLeaf && $0.method == .assessed }.map(\.code)
        for leaf in covered {
            if let earlier = rowOfCriterion[leaf] {
                problems.append(
                    leaf == code
                        ? ("\(code) is already given at row \(earlier)", "tiêu chí \(code) đã có ở dòng \(earlier)")
                        : (
                            "\(leaf), part of \(code), is already given at row \(earlier)",
                            "tiêu chí \(leaf), thuộc \(code), đã có ở dòng \(earlier)"
                        ))
                break
            }
        }
        var points: String? = nil
        if !legalBasis.isEmpty {
            if covered.isEmpty {
                problems.append(
                    (
                        "criterion \(code) is scored by the survey, not by the unit",
                        "tiêu chí \(code) được chấm qua điều tra xã hội học, không do đơn vị tự chấm"
                    ))
            }
            if !pointsText.isEmpty {
                problems.append(
                    (
                        "a not-applicable row has no points (found '\(pointsText)')",
                        "dòng không áp dụng không ghi điểm (đang ghi '\(pointsText)')"
                    ))
            }
        } else if !criterion.isLeaf {
            let children = criterion.children.map(\.code).joined(separator: ", ")
            problems.append(
                (
                    "criterion \(code) has sub-criteria: score each of them (\(children))",
                    "tiêu chí \(code) có các tiêu chí thành phần: hãy chấm từng tiêu chí (\(children))"
                ))
        } else if criterion.method != .assessed {
            problems.append(
                (
                    "criterion \(code) is scored by the survey, not by the unit",
                    "tiêu chí \(code) được chấm qua điều tra xã hội học, không do đơn vị tự chấm"
                ))
        } else if pointsText.isEmpty {
            problems.append(
                (
                    "no points for \(code) (write them, or the legal basis under not-applicable)",
                    "tiêu chí \(code) chưa có điểm (hãy ghi điểm, hoặc ghi căn cứ pháp lý ở cột not-applicable)"
                ))
        } else {
            do {
                let value = try Points(parsing: pointsText)
                if value <= criterion.maxPoints {
                    points = value.description
                } else {
                    problems.append(
                        (
                            "\(value) points is more than the maximum of \(criterion.maxPoints) for \(code)",
                            "tiêu chí \(code): \(VietnameseText.number(value)) điểm vượt điểm tối đa \(VietnameseText.number(criterion.maxPoints))"
                        ))
                }
            } catch {
                problems.append((error.description, error.vietnamese))
            }
            if evidence.isEmpty && explanation.isEmpty {
                problems.append(
                    (
                        "a self-score needs evidence or a written explanation of how it was computed",
                        "điểm tự đánh giá cần tài liệu kiểm chứng hoặc giải thích cách tính"
                    ))
            }
        }
        guard problems.isEmpty else {
            return .failure(SheetError(rows: problems.map { BadRow(line: number, problem: $0.problem, vi: $0.vi) }))
        }
        for leaf in covered { rowOfCriterion[leaf] = number }
        return .success(
            Entry(
                row: number, criterion: code, points: points, evidence: evidence,
                explanation: explanation.isEmpty ? nil : explanation, legalBasis: legalBasis.isEmpty ? nil : legalBasis)
        )
    }

    /// One refused row, named as a spreadsheet shows it (`row 7: …`), like a bad line of a survey file.
    public struct BadRow: Sendable, Hashable, CustomStringConvertible {
        public let line: Int
        public let problem: String
        /// `problem` in Vietnamese.
        public let vi: String
        public var description: String { "row \(line): \(problem)" }

        public init(line: Int, problem: String, vi: String) {
            (self.line, self.problem, self.vi) = (line, problem, vi)
        }
    }
}

/// Every bad row of a self-assessment sheet; nothing was appended.
public struct SheetError: KindedError, Sendable {
    public let rows: [SelfAssessmentSheet.BadRow]
    public var kind: ErrorKind { .invalidInput }
    public var description: String {
        "the sheet has \(rows.count) problem\(rows.count == 1 ? "" : "s"); nothing was appended:\n"
            + rows.map { "  \($0)" }.joined(separator: "\n")
    }
    public var vietnamese: String {
        "Bảng tự đánh giá có \(rows.count) lỗi; chưa ghi gì: "
            + rows.map { "dòng \($0.line): \($0.vi)" }.joined(separator: "; ") + "."
    }
}
