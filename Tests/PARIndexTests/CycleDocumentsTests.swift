import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARDocuments
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// The .xlsx documents of a cycle (annex, council report, criteria sheet) and the writer under them.
@Suite struct CycleDocumentsTests {
    /// A small published cycle: 4 departments and 2 districts, each unit's first N − 1 assessed criteria
    /// lowered to 0 by the council, the survey at its maximum.
    private func publishedCycle(publish: Bool = true) throws -> Province {
        let province = try Province(departments: 4, districts: 2)
        for unit in province.units { try province.selfAssessFully(unit.id) }
        for unit in province.units {
            try province.appraiseLowering(unit.id, count: (Int(unit.id.dropFirst()) ?? 1) - 1)
        }
        for unit in province.units { try province.surveyFully(unit.id) }
        for kind in [UnitKind.department, .district] {
            for unit in try province.draw(kind) {
                try province.issue(
                    by: "ban-chi-dao", [province.spotCheck(unit, "1.2", "recognise"), province.concludeSpotCheck(unit)])
            }
        }
        if publish { try province.issue(by: "so-noi-vu", [try province.publish()]) }
        return province
    }

    @Test func theAnnexReadsBackWithEveryDepartmentsPointsIndexClassAndRank() throws {
        let province = try publishedCycle()
        let table = try SheetTable.xlsx(try province.scoring.annex(cycle: province.cycle).bytes())
        let title = try #require(table.rows.first?.cells.first)
        #expect(title.hasPrefix("Kết quả Chỉ số CCHC năm 2019 — Phụ lục kèm theo Quyết định số"))
        #expect(title.hasSuffix("ngày 29/05/2020"))
        let header = try #require(table.rows.first { $0.cells.first == "STT" }).cells
        #expect(header[1] == "Đơn vị")
        #expect(Array(header.suffix(4)) == ["Tổng điểm", "Chỉ số (%)", "Xếp loại", "Xếp hạng"])
        #expect(header.contains { $0.hasPrefix("1. ") })
        let ranking = try province.scoring.ranking(cycle: province.cycle, kind: .department)
        #expect(ranking.rows.count == 4)
        for row in ranking.rows {
            let result = row.result
            let line = try #require(table.rows.first { $0.cells.count > 1 && $0.cells[1] == result.unit.name }).cells
            let tail = Array(line.suffix(4))
            #expect(tail[0] == result.points.description, "\(result.unit.id) total")
            #expect(tail[1] == result.publishedIndex.description, "\(result.unit.id) index")
            #expect(tail[2] == result.className)
            #expect(tail[3] == result.rank.map(String.init))
            for (offset, field) in result.fields.enumerated() {
                #expect(line[2 + offset] == field.points.description, "\(result.unit.id) field \(field.code)")
            }
        }
    }

    @Test func anUnpublishedCycleSaysSoInTheAnnexTitle() throws {
        let province = try publishedCycle(publish: false)
        let table = try SheetTable.xlsx(try province.scoring.annex(cycle: province.cycle).bytes())
        #expect(table.rows.first?.cells.first == "Kết quả Chỉ số CCHC năm 2019 — (chưa công bố)")
    }

    @Test func theSameLedgerGivesTheSameBytes() throws {
        let province = try publishedCycle()
        let scoring = province.scoring
        #expect(try scoring.annex(cycle: province.cycle).bytes() == scoring.annex(cycle: province.cycle).bytes())
        #expect(
            try scoring.councilReport(cycle: province.cycle, unit: "d03").bytes()
                == scoring.councilReport(cycle: province.cycle, unit: "d03").bytes())
        #expect(
            try scoring.criteriaSheet(cycle: province.cycle).bytes()
                == scoring.criteriaSheet(cycle: province.cycle).bytes())
    }

    @Test func theCouncilReportListsEachAdjustmentWithSelfAndAppraisedPoints() throws {
        let province = try publishedCycle()
        let table = try SheetTable.xlsx(try province.scoring.councilReport(cycle: province.cycle, unit: "d03").bytes())
        #expect(table.rows.contains { $0.cells.first?.hasPrefix("Đơn vị: Sở số 3 (d03)") == true })
        let headerIndex = try #require(table.rows.firstIndex { $0.cells.first == "STT" })
        let lines = table.rows[(headerIndex + 1)...].filter { Int($0.cells.first ?? "") != nil }
        let lowered = province.assessedLeaves(of: "d03").prefix(2)
        #expect(lines.map { $0.cells[1] } == lowered.map(\.code))
        for (line, criterion) in zip(lines, lowered) {
            #expect(line.cells[3] == criterion.maxPoints.description)
            #expect(line.cells[4] == criterion.maxPoints.description, "self-score")
            #expect(line.cells[5] == "0", "appraised")
            #expect(line.cells[8] == "hoi-dong")
            #expect(line.cells[9].count == 16, "a time such as 20/02/2020 09:00: \(line.cells[9])")
        }
    }

    @Test func theCriteriaSheetHasAColumnPerLeafAndARowPerUnit() throws {
        let province = try publishedCycle()
        let table = try SheetTable.xlsx(try province.scoring.criteriaSheet(cycle: province.cycle).bytes())
        let header = try #require(table.rows.first { $0.cells.first == "STT" }).cells
        let leaves = province.departments.leaves.map(\.code)
        #expect(Array(header[2..<(2 + leaves.count)]) == leaves)
        #expect(Array(header.suffix(2)) == ["Tổng điểm", "Chỉ số (%)"])
        let maxima = try #require(table.rows.first { $0.cells.count > 1 && $0.cells[1] == "Điểm tối đa" }).cells
        #expect(Array(maxima[2..<(2 + leaves.count)]) == province.departments.leaves.map(\.maxPoints.description))
        let first = try #require(table.rows.first { $0.cells.count > 1 && $0.cells[1] == "Sở số 1" }).cells
        #expect(Array(first.suffix(2)) == ["100", "100"])
    }

    @Test func aTextStartingWithAnEqualsSignIsStoredAsTextNotAFormula() throws {
        let workbook = XLSXWorkbook(
            sheets: [
                .init(
                    name: "Thử", columnWidths: [20, 10],
                    rows: [
                        .init(.header, [.text("Đơn vị"), .text("Điểm")]),
                        .init(.body, [.text("=HYPERLINK(\"http://x\",\"Sở\")"), .points(Points(hundredths: 1250))]),
                        .init(.body, [.text("+1+1"), .points(Points(hundredths: 1_234_567))]),
                        .init(.body, [.text("@SUM(A1)"), .integer(7)]),
                    ], frozenRows: 1)
            ], title: "Thử", modified: Timestamp(millisecondsSinceEpoch: 0))
        let table = try SheetTable.xlsx(try workbook.bytes())
        #expect(table.rows[1].cells == ["'=HYPERLINK(\"http://x\",\"Sở\")", "12.5"])
        #expect(table.rows[2].cells == ["'+1+1", "12345.67"])
        #expect(table.rows[3].cells == ["'@SUM(A1)", "7"])
    }

    @Test func textIsEscapedAndNormalisedToNFC() throws {
        let decomposed = "Sở Nội vụ".decomposedStringWithCanonicalMapping
        #expect(decomposed.unicodeScalars.count != "Sở Nội vụ".unicodeScalars.count)
        let workbook = XLSXWorkbook(
            sheets: [
                .init(
                    name: "Thử", columnWidths: [30],
                    rows: [
                        .init(.body, [.text(decomposed)]), .init(.body, [.text("a < b & \"c\" > d")]),
                        .init(.body, [.text("x_x0041_y\u{1}z")]),
                    ])
            ], title: "<Thử & xem>", modified: Timestamp(millisecondsSinceEpoch: 0))
        let table = try SheetTable.xlsx(try workbook.bytes())
        #expect(table.rows[0].cells[0].unicodeScalars.elementsEqual("Sở Nội vụ".unicodeScalars))
        #expect(table.rows[1].cells[0] == "a < b & \"c\" > d")
        // The reader does not undo OOXML's _xHHHH_ escapes; Excel and LibreOffice do.
        #expect(table.rows[2].cells[0] == "x_x005F_x0041_y_x0001_z")
    }

    @Test func sheetNamesAreMadeValidAndInvalidOnesAreRefused() throws {
        let long = XLSXWorkbook.sheetName("'Sở: [Nội vụ]/Tài chính*? \\ và một tên rất dài nữa'")
        #expect(XLSXWorkbook.invalidity(ofSheetName: long) == nil)
        #expect(long.utf16.count <= 31)
        #expect(long.hasPrefix("Sở- -Nội vụ"))
        #expect(XLSXWorkbook.sheetName("History") == "Sheet")
        for bad in ["", "a/b", "a:b", "[a]", "'a", String(repeating: "ệ", count: 32), "history"] {
            #expect(XLSXWorkbook.invalidity(ofSheetName: bad) != nil, "'\(bad)'")
            let workbook = XLSXWorkbook(
                sheets: [.init(name: bad, columnWidths: [], rows: [])], title: "",
                modified: .init(millisecondsSinceEpoch: 0))
            #expect(throws: XLSXWorkbook.Problem.self) { try workbook.bytes() }
        }
        let twice = XLSXWorkbook(
            sheets: [.init(name: "Sở", columnWidths: [], rows: []), .init(name: "sở", columnWidths: [], rows: [])],
            title: "", modified: .init(millisecondsSinceEpoch: 0))
        #expect(throws: XLSXWorkbook.Problem.self) { try twice.bytes() }
        #expect(XLSXWorkbook.invalidity(ofSheetName: "Sở, ban, ngành") == nil)
        #expect(XLSXWorkbook.invalidity(ofSheetName: "UBND cấp huyện") == nil)
        #expect(XLSXWorkbook.columnLetters(0) == "A")
        #expect(XLSXWorkbook.columnLetters(25) == "Z")
        #expect(XLSXWorkbook.columnLetters(26) == "AA")
        #expect(XLSXWorkbook.columnLetters(701) == "ZZ")
        #expect(XLSXWorkbook.columnLetters(702) == "AAA")
    }
}
