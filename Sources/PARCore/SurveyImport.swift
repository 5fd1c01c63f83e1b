import Foundation

/// Reads survey scores from CSV (`unit,criterion,points`): UTF-8 with or without a BOM, a decimal
/// comma (quoted, "1,5") or dot. Every row is checked against the cycle (the unit exists, the
/// criterion is a survey criterion of its framework, the points fit) and either all rows are good
/// or every bad row is named with its line number.
public enum SurveyImport {
    /// One refused row.
    public struct BadRow: Sendable, Hashable, CustomStringConvertible {
        public let line: Int
        public let problem: String
        /// `problem` in Vietnamese, naming the unit.
        public let vi: String
        public var description: String { "line \(line): \(problem)" }
    }

    /// The rows of a survey file, grouped by unit, or every bad row.
    public static func read(_ bytes: [UInt8], cycle: CycleRecord, frameworks: [UnitKind: Framework]) -> Result<
        [String: [PAREvents.SurveyScore]], SurveyImportError
    > {
        var content = bytes
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content.removeFirst(3) }
        guard let text = String(validating: content, as: UTF8.self) else {
            return .failure(
                SurveyImportError(rows: [
                    BadRow(line: 1, problem: "the file is not valid UTF-8", vi: "tệp không phải văn bản UTF-8")
                ]))
        }
        let lines = text.nfc.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first, splitFields(header).map({ $0.lowercased() }) == ["unit", "criterion", "points"]
        else {
            return .failure(
                SurveyImportError(rows: [
                    BadRow(
                        line: 1, problem: "the first line must be the header unit,criterion,points",
                        vi: "dòng đầu phải là tiêu đề unit,criterion,points")
                ]))
        }
        var bad: [BadRow] = []
        var scores: [String: [PAREvents.SurveyScore]] = [:]
        var seen: [String: Int] = [:]
        for (offset, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let number = offset + 1
            let fields = splitFields(line)
            guard fields.count == 3 else {
                bad.append(
                    BadRow(
                        line: number, problem: "expected 3 fields (unit,criterion,points), found \(fields.count)",
                        vi: "cần 3 cột (unit,criterion,points), dòng này có \(fields.count)"))
                continue
            }
            let (unitID, code, pointsText) = (fields[0], fields[1], fields[2])
            guard let unit = cycle.unit(unitID) else {
                bad.append(
                    BadRow(
                        line: number, problem: "unit '\(unitID)' is not part of cycle '\(cycle.opened.cycle)'",
                        vi: "mã đơn vị '\(unitID)' không thuộc \(cycle.opened.name)"))
                continue
            }
            guard let framework = frameworks[unit.kind], let criterion = framework.criteriaByCode[code] else {
                bad.append(
                    BadRow(
                        line: number, problem: "unknown criterion '\(code)' for \(unitID)",
                        vi: "\(unit.name) không có tiêu chí '\(code)'"))
                continue
            }
            guard criterion.isLeaf, criterion.method == .survey else {
                bad.append(
                    BadRow(
                        line: number, problem: "criterion \(code) is not scored by the survey",
                        vi: "tiêu chí \(code) không chấm bằng điều tra xã hội học"))
                continue
            }
            let points: Points
            do {
                points = try Points(parsing: pointsText)
            } catch {
                bad.append(BadRow(line: number, problem: error.description, vi: error.vietnamese))
                continue
            }
            guard points <= criterion.maxPoints else {
                bad.append(
                    BadRow(
                        line: number,
                        problem: "\(points) points is more than the maximum of \(criterion.maxPoints) for \(code)",
                        vi:
                            "\(unit.name), tiêu chí \(code): \(VietnameseText.number(points)) điểm vượt điểm tối đa \(VietnameseText.number(criterion.maxPoints))"
                    ))
                continue
            }
            if let earlier = seen["\(unitID)\u{0}\(code)"] {
                bad.append(
                    BadRow(
                        line: number, problem: "\(unitID) \(code) is already given at line \(earlier)",
                        vi: "\(unit.name), tiêu chí \(code) đã có ở dòng \(earlier)"))
                continue
            }
            seen["\(unitID)\u{0}\(code)"] = number
            scores[unitID, default: []].append(PAREvents.SurveyScore(criterion: code, points: points.description))
        }
        if !bad.isEmpty { return .failure(SurveyImportError(rows: bad)) }
        if scores.isEmpty {
            return .failure(
                SurveyImportError(rows: [
                    BadRow(line: 2, problem: "the file has no rows", vi: "tệp không có dòng điểm nào")
                ]))
        }
        return .success(scores)
    }

    /// Splits one CSV line on commas outside double quotes; quotes may hold commas ("1,5").
    package static func splitFields(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            switch character {
            case "\"" where quoted:
                quoted = false
            case "\"" where current.isEmpty:
                quoted = true
            case "," where !quoted:
                fields.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            default:
                current.append(character)
            }
        }
        fields.append(current.trimmingCharacters(in: .whitespaces))
        return fields
    }
}

/// Every bad row of a survey file; nothing was imported.
public struct SurveyImportError: Error, Sendable, CustomStringConvertible {
    public let rows: [SurveyImport.BadRow]
    public var description: String {
        "the survey file has \(rows.count) bad row\(rows.count == 1 ? "" : "s"); nothing was imported:\n"
            + rows.map { "  \($0)" }.joined(separator: "\n")
    }
    /// The error in Vietnamese: each bad line on a line of its own.
    public var vietnamese: String {
        "Tệp điều tra xã hội học có \(rows.count) dòng lỗi; chưa nhập gì:\n"
            + rows.map { "Dòng \($0.line): \($0.vi)" }.joined(separator: "\n")
    }
}
