import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARDocuments
import PARFixtures
import PARIndex
import Testing

/// Refusals say themselves in Vietnamese where they are made, naming units and cycles by their names
/// and listing the people they mention for the pages to name (issue 27). Every refusal the rule tests
/// provoke through `Province.refusal` and the domain core's fixture is held to `VietnameseRefusals`;
/// these tests read a few texts in full.
@Suite struct VietnameseRefusalTests {
    /// The refusal of `events` by `actor`, which must be refused.
    private func violation(_ p: Province, by actor: String, _ events: [EventDraft]) throws -> RuleViolation {
        do {
            try p.issue(by: actor, events)
        } catch let violation as RuleViolation {
            try p.checkVietnamese(violation)
            return violation
        }
        Issue.record("the command was accepted")
        throw CancellationError()
    }

    @Test func closingTheAppraisalListsTheUnsealedUnitsByName() throws {
        let p = try Province(departments: 2, districts: 0)
        try p.selfAssessFully("d01")
        try p.selfAssessFully("d02")
        try p.issue(by: "hoi-dong", [p.conclude("d01")])
        let refused = try violation(p, by: "hoi-dong", [p.closeAppraisal()])
        #expect(
            refused.vietnamese
                == "Chỉ khép lại việc thẩm định khi mọi đơn vị đã kết thúc thẩm định; còn chưa kết thúc: Sở số 2.")
    }

    @Test func aPublicationNotReadySaysWhatIsMissingWithUnitNames() throws {
        let p = try Province(departments: 2, districts: 0)
        let cycleName = try #require(try p.scoring.cycle(p.cycle)).opened.name
        let refused = try violation(p, by: "so-noi-vu", [try p.publish()])
        #expect(refused.vietnamese.hasPrefix("Chưa đủ điều kiện công bố kết quả kỳ \(cycleName): "))
        #expect(refused.vietnamese.contains("chưa kết thúc thẩm định: Sở số 1, Sở số 2"))
        #expect(refused.vietnamese.contains("Hội đồng chưa khép lại việc thẩm định"))
        #expect(refused.vietnamese.contains("chưa bốc thăm phúc tra sở, ban, ngành"))
    }

    @Test func aRefusalNamingAPersonListsTheIdForThePagesToName() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        let outside = try violation(p, by: "thanh-vien", [p.appraise("d01", "2.2.1", "0")])
        #expect(
            outside.vietnamese
                == "Tiêu chí 2.2.1 thuộc lĩnh vực 2, không nằm trong lĩnh vực bạn được phân công (1); sổ cái không ghi gì."
        )
        let refused = try violation(p, by: "thanh-vien", [p.conclude("d01")])
        #expect(refused.actors == ["thanh-vien"])
        let named = refused.vietnamese { $0 == "thanh-vien" ? "Lê Thị Thành Viên" : nil }
        #expect(
            named
                == "Chỉ Chủ tịch Hội đồng được kết thúc, mở lại hoặc khép lại việc thẩm định; Lê Thị Thành Viên là thành viên."
        )
    }

    @Test func pointsAboveTheMaximumAreWrittenWithADecimalComma() throws {
        let p = try Province(departments: 1, districts: 0)
        let refused = try violation(p, by: p.officer("d01"), [p.selfScore("d01", "1.2", "9.5")])
        #expect(refused.vietnamese.hasPrefix("Sở số 1, tiêu chí 1.2: 9,5 điểm vượt điểm tối đa"))
    }

    @Test func aSheetRowErrorSaysItsRowInVietnamese() throws {
        let p = try Province(departments: 1, districts: 0)
        let csv = "criterion,points,evidence\n1.2,9,tlkc.pdf\n9.9,1,tlkc.pdf\n"
        let table = try SheetTable.csv(Array(csv.utf8))
        guard
            case .failure(let error) = SelfAssessmentSheet.read(
                table, unit: "d01", framework: p.departments, evidenceProblem: { _ in nil })
        else {
            Issue.record("the sheet was accepted")
            return
        }
        #expect(error.vietnamese.hasPrefix("Bảng tự đánh giá có 2 lỗi; chưa ghi gì: dòng 2: tiêu chí 1.2: 9 điểm vượt"))
        #expect(error.vietnamese.contains("dòng 3: không có tiêu chí 9.9"))
        #expect(VietnameseRefusals.problem(of: error, units: ["d01"], people: []) == nil)
    }
}
