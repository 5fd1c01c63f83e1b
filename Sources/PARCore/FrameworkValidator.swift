/// One row of a scoring table as printed: its code, title, maximum, whether it is marked ĐTXHH,
/// and the source line of its code (nil for a row read from a JSON framework).
public struct TableRow: Sendable, Hashable {
    public var code: String
    public var title: String
    public var maxPoints: Points
    public var isSurvey: Bool
    public var line: Int?
    /// Whether the row is in a bonus or penalty field, outside the total the document states.
    public var isAdjustment: Bool

    public init(
        code: String, title: String, maxPoints: Points, isSurvey: Bool, line: Int?, isAdjustment: Bool = false
    ) {
        self.code = code
        self.title = title
        self.maxPoints = maxPoints
        self.isSurvey = isSurvey
        self.line = line
        self.isAdjustment = isAdjustment
    }
}

/// One thing wrong with a scoring table: the row's code, its source line, and what is wrong.
public struct FrameworkDefect: Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let line: Int?
    public let problem: String
    /// `problem` in Vietnamese, for the secretariat's page.
    public let vi: String

    public var description: String {
        "\(code)\(line.map { " (line \($0))" } ?? ""): \(problem)"
    }

    /// The defect as the page says it: "tiêu chí 1.2 (dòng 14): …", "tổng điểm: …".
    public var vietnamese: String {
        let subject =
            switch code {
            case "total": "Tổng điểm"
            case "split": "Cơ cấu điểm"
            case "settings": "Thiết lập"
            default: "Tiêu chí \(code)"
            }
        return "\(subject)\(line.map { " (dòng \($0))" } ?? ""): \(vi)"
    }
}

/// Checks a table row by row: well-formed, unique codes in order, every parent equal to the sum of
/// its children, the survey mark only on leaves, and the fields adding up to the total the document
/// states (100 in Điện Biên's tables, another total in other provinces': the index is always the
/// points over the maximum), split between assessed and survey as it states; bonus and penalty fields
/// stand outside that total. A table with any defect is refused.
public enum FrameworkValidator {
    public static func defects(
        in rows: [TableRow], printedTotal: Points? = nil, statedAssessed: Points, statedSurvey: Points
    ) -> [FrameworkDefect] {
        var defects: [FrameworkDefect] = []
        func report(_ row: TableRow, _ problem: String, vi: String) {
            defects.append(FrameworkDefect(code: row.code, line: row.line, problem: problem, vi: vi))
        }
        var firstLine: [String: TableRow] = [:]
        var previous: [Int]?
        for row in rows {
            let parts = row.code.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 }), parts.allSatisfy({ $0 != nil }) else {
                report(
                    row, "malformed code (expected numbers joined by dots, such as 5.10.1)",
                    vi: "mã không hợp lệ (phải là các số nối bằng dấu chấm, như 5.10.1)")
                continue
            }
            let numbers = parts.compactMap { $0 }
            if let first = firstLine[row.code] {
                report(
                    row,
                    "duplicate code: \(row.code) already stands\(first.line.map { " at line \($0)" } ?? " earlier") (\(first.title.prefix(50)))",
                    vi:
                        "mã trùng: \(row.code) đã có\(first.line.map { " ở dòng \($0)" } ?? " ở trên") (\(first.title.prefix(50)))"
                )
            } else {
                firstLine[row.code] = row
            }
            let allowed = allowedSuccessors(of: previous)
            if !allowed.contains(numbers) {
                let expected = allowed.map { $0.map(String.init).joined(separator: ".") }.joined(separator: " or ")
                let after = previous.map { "after \($0.map(String.init).joined(separator: "."))" } ?? "first"
                let sau = previous.map { "sau \($0.map(String.init).joined(separator: "."))" } ?? "ở đầu bảng"
                let expectedVi = expected.replacingOccurrences(of: " or ", with: " hoặc ")
                report(
                    row, "out of order: \(after), expected \(expected)",
                    vi: "sai thứ tự: \(sau) phải là \(expectedVi)")
            }
            previous = numbers
            if row.maxPoints.hundredths <= 0 {
                report(row, "its maximum must be more than 0", vi: "điểm tối đa phải lớn hơn 0")
            }
        }
        let childrenByParent = Dictionary(grouping: rows.filter { $0.code.contains(".") }) { row in
            String(row.code[..<(row.code.lastIndex(of: ".") ?? row.code.endIndex)])
        }
        for row in rows where firstLine[row.code] == row {
            guard let children = childrenByParent[row.code] else { continue }
            let sum = children.map(\.maxPoints).sum()
            if sum != row.maxPoints {
                let listed = children.map { "\($0.code)\($0.line.map { "@\($0)" } ?? "")=\($0.maxPoints)" }.joined(
                    separator: " + ")
                report(
                    row, "printed maximum \(row.maxPoints) but its children add up to \(sum) (\(listed))",
                    vi:
                        "điểm tối đa ghi \(VietnameseText.number(row.maxPoints)) nhưng các tiêu chí con cộng lại được \(VietnameseText.number(sum)) (\(listed))"
                )
            }
            if row.isSurvey {
                report(
                    row, "marked ĐTXHH (survey) but it has children; only leaves are scored by survey",
                    vi: "đánh dấu ĐTXHH nhưng có tiêu chí con; chỉ tiêu chí lá được chấm bằng điều tra xã hội học")
            }
        }
        let fields = rows.filter { !$0.code.contains(".") && !$0.isAdjustment }
        let fieldSum = fields.map(\.maxPoints).sum()
        let statedTotal = statedAssessed + statedSurvey
        if fieldSum != statedTotal {
            defects.append(
                FrameworkDefect(
                    code: "total", line: nil,
                    problem: "the fields add up to \(fieldSum), not the stated total \(statedTotal)",
                    vi:
                        "các lĩnh vực cộng lại được \(VietnameseText.number(fieldSum)), không bằng tổng \(VietnameseText.number(statedTotal)) văn bản quy định"
                ))
        }
        if let printedTotal, printedTotal != fieldSum {
            defects.append(
                FrameworkDefect(
                    code: "total", line: nil,
                    problem: "printed total \(printedTotal) but the fields add up to \(fieldSum)",
                    vi:
                        "tổng in trong bảng là \(VietnameseText.number(printedTotal)) nhưng các lĩnh vực cộng lại được \(VietnameseText.number(fieldSum))"
                ))
        }
        let leaves = rows.filter { childrenByParent[$0.code] == nil && !$0.isAdjustment }
        let survey = leaves.filter(\.isSurvey).map(\.maxPoints).sum()
        let assessed = leaves.filter { !$0.isSurvey }.map(\.maxPoints).sum()
        if survey != statedSurvey || assessed != statedAssessed {
            defects.append(
                FrameworkDefect(
                    code: "split", line: nil,
                    problem:
                        "the leaves give \(assessed) assessed + \(survey) survey points; the document states \(statedAssessed) + \(statedSurvey)",
                    vi:
                        "các tiêu chí lá cho \(VietnameseText.number(assessed)) điểm thẩm định + \(VietnameseText.number(survey)) điểm điều tra; văn bản quy định \(VietnameseText.number(statedAssessed)) + \(VietnameseText.number(statedSurvey))"
                ))
        }
        return defects
    }

    /// The codes that may follow `previous`: its first child, its next sibling, or the next sibling
    /// of one of its ancestors.
    private static func allowedSuccessors(of previous: [Int]?) -> [[Int]] {
        guard let previous else { return [[1]] }
        var allowed = [previous + [1]]
        for depth in stride(from: previous.count, through: 1, by: -1) {
            var sibling = Array(previous.prefix(depth))
            sibling[depth - 1] += 1
            allowed.append(sibling)
        }
        return allowed
    }

    /// The rows of a framework, depth first, as `defects(in:)` reads them.
    public static func rows(of framework: Framework) -> [TableRow] {
        framework.fields.flatMap { field in
            field.allCriteria.map {
                TableRow(
                    code: $0.code, title: $0.title, maxPoints: $0.maxPoints, isSurvey: $0.method == .survey, line: nil,
                    isAdjustment: field.fieldAdjustment != nil)
            }
        }
    }

    /// Everything wrong with a framework document, including leaves without a method.
    /// Whether `code` follows the grammar of criterion codes, `^[1-9][0-9]{0,2}(\.[1-9][0-9]{0,2}){0,5}$`
    /// (FORMAT.md): 1 to 6 numbers from 1 to 999 without leading zeros, joined by dots.
    public static func isCriterionCode(_ code: String) -> Bool {
        let parts = code.split(separator: ".", omittingEmptySubsequences: false)
        return (1...6).contains(parts.count)
            && parts.allSatisfy { part in
                (1...3).contains(part.utf8.count) && part.utf8.first != UInt8(ascii: "0")
                    && part.utf8.allSatisfy { (48...57).contains($0) }
            }
    }

    public static func defects(in framework: Framework) -> [FrameworkDefect] {
        var found = defects(
            in: rows(of: framework), statedAssessed: framework.statedAssessed, statedSurvey: framework.statedSurvey)
        for criterion in framework.fields.flatMap(\.allCriteria) {
            if !isCriterionCode(criterion.code) {
                found.append(
                    FrameworkDefect(
                        code: criterion.code, line: nil,
                        problem: "a code is 1 to 6 numbers from 1 to 999, without leading zeros, joined by dots",
                        vi: "mã gồm 1 đến 6 số từ 1 đến 999, không có số 0 đứng đầu, nối bằng dấu chấm"))
            }
            if criterion.isLeaf && criterion.method == nil {
                found.append(
                    FrameworkDefect(
                        code: criterion.code, line: nil, problem: "a leaf needs a method (assessed or survey)",
                        vi: "tiêu chí lá phải có cách chấm (assessed hoặc survey)"))
            }
            if !criterion.isLeaf && criterion.method != nil {
                found.append(
                    FrameworkDefect(
                        code: criterion.code, line: nil, problem: "only leaves have a method",
                        vi: "chỉ tiêu chí lá mới có cách chấm"))
            }
            if let adjustment = criterion.adjustment, !criterion.isLeaf || criterion.method != .assessed {
                found.append(
                    FrameworkDefect(
                        code: criterion.code, line: nil,
                        problem:
                            "a \(adjustment.rawValue) criterion is a leaf scored by the unit and the council (assessed)",
                        vi:
                            "tiêu chí \(adjustment == .bonus ? "điểm thưởng" : "điểm trừ") phải là tiêu chí lá do đơn vị tự chấm và Hội đồng thẩm định (assessed)"
                    ))
            }
            for child in criterion.children where !child.code.hasPrefix(criterion.code + ".") {
                found.append(
                    FrameworkDefect(
                        code: child.code, line: nil,
                        problem: "stands under \(criterion.code) but its code does not start with \(criterion.code).",
                        vi: "nằm dưới \(criterion.code) nhưng mã không bắt đầu bằng \(criterion.code)."))
            }
        }
        for field in framework.fields
        where Set(field.allCriteria.filter(\.isLeaf).map { $0.adjustment?.rawValue ?? "" }).count > 1 {
            found.append(
                FrameworkDefect(
                    code: field.code, line: nil,
                    problem: "the leaves of a field are all bonus, all penalty or neither",
                    vi:
                        "các tiêu chí lá của một lĩnh vực phải cùng là điểm thưởng, cùng là điểm trừ, hoặc đều không phải"
                ))
        }
        if framework.settings.spotCheckPercent < Points(hundredths: 1_000)
            || framework.settings.spotCheckPercent > Points(hundredths: 10_000)
        {
            found.append(
                FrameworkDefect(
                    code: "settings", line: nil,
                    problem:
                        "the spot-check covers at least 10% of units (and at most 100%), not \(framework.settings.spotCheckPercent)%",
                    vi:
                        "phúc tra ít nhất 10% số đơn vị (và nhiều nhất 100%), không phải \(VietnameseText.number(framework.settings.spotCheckPercent))%"
                ))
        }
        let bands = framework.settings.classes.map(\.minimumPercent)
        if bands != bands.sorted(by: >) || bands.last != .zero {
            found.append(
                FrameworkDefect(
                    code: "settings", line: nil,
                    problem: "classes must go from the highest band down to one starting at 0%",
                    vi: "các mức xếp loại phải đi từ mức cao nhất xuống mức thấp nhất bắt đầu từ 0%"))
        }
        return found
    }

    /// Builds the criteria tree from rows that have no defects.
    package static func tree(from rows: [TableRow]) -> [Criterion] {
        func build(_ slice: ArraySlice<TableRow>, parent: String?) -> [Criterion] {
            var result: [Criterion] = []
            var index = slice.startIndex
            while index < slice.endIndex {
                let row = slice[index]
                let prefix = row.code + "."
                var end = index + 1
                while end < slice.endIndex, slice[end].code.hasPrefix(prefix) { end += 1 }
                let children = build(slice[(index + 1)..<end], parent: row.code)
                result.append(
                    Criterion(
                        code: row.code, title: row.title, maxPoints: row.maxPoints,
                        method: children.isEmpty ? (row.isSurvey ? .survey : .assessed) : nil, children: children
                    ))
                index = end
            }
            return result
        }
        return build(rows[...], parent: nil)
    }
}
