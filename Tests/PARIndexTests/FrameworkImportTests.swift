import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARDocuments
import PARFixtures
import PARIndex
import TestSupport
import Testing

@Suite struct FrameworkImportTests {
    private func seedText() throws -> String {
        try String(contentsOfFile: Repository.file("schemas/sources/dien-bien-qd-1026-2019.txt"), encoding: .utf8)
    }

    @Test func bang1ImportsCleanlyWithTheStructureTheDecisionDescribes() throws {
        guard case .framework(let framework) = try SeedTableImporter.importTable(1, from: try seedText()) else {
            Issue.record("Bảng 1 was refused")
            return
        }
        #expect(framework.unitKind == .department)
        #expect(framework.fields.count == 7)
        #expect(framework.fields.flatMap(\.children).count == 44)
        #expect(framework.fields.flatMap(\.children).flatMap(\.children).count == 89)
        #expect(framework.leaves.filter { $0.method == .assessed }.map(\.maxPoints).sum().description == "73.5")
        #expect(framework.leaves.filter { $0.method == .survey }.map(\.maxPoints).sum().description == "26.5")
        #expect(framework.criteriaByCode["1.4.1"]?.maxPoints.description == "1.5")
        #expect(framework.criteriaByCode["4.5.2"]?.method == .survey)
        #expect(framework.criteriaByCode["1"]?.title == "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC")
        #expect(framework == (try Repository.framework("dien-bien-2019-departments")))
    }

    @Test func printedBang2IsRefusedWithEachDefectNamedByCodeAndLine() throws {
        guard case .refused(let defects) = try SeedTableImporter.importTable(2, from: try seedText()) else {
            Issue.record("the printed Bảng 2 was accepted")
            return
        }
        let described = defects.map(\.description)
        #expect(
            described.contains {
                $0.hasPrefix("5.10.1 (line 2243): duplicate code: 5.10.1 already stands at line 2211")
            })
        #expect(described.contains("5.10.1 (line 2243): out of order: after 5.11, expected 5.11.1 or 5.12 or 6"))
        #expect(
            described.contains {
                $0.hasPrefix("5.10.2 (line 2251): duplicate code: 5.10.2 already stands at line 2219")
            })
        #expect(
            described.contains {
                $0.hasPrefix("5.10.3 (line 2259): duplicate code: 5.10.3 already stands at line 2227")
            })
        #expect(
            described.contains { $0.hasPrefix("5.10 (line 2203): printed maximum 2 but its children add up to 4.5") })
        #expect(
            described.contains(
                "split: the leaves give 69 assessed + 33.5 survey points; the document states 68.5 + 31.5"))
        #expect(defects.count == 6)
    }

    @Test func theShippedDistrictFrameworkIsThePrintedTableWithTheDocumentedCorrections() throws {
        let correctionsData = try #require(
            FileManager.default.contents(
                atPath: Repository.file("schemas/frameworks/dien-bien-2019-districts.corrections.json")))
        let corrections = try SeedTableImporter.corrections(from: try JSONParser.parse(Array(correctionsData)))
        guard
            case .framework(let framework) = try SeedTableImporter.importTable(
                2, from: try seedText(), corrections: corrections)
        else {
            Issue.record("the corrected Bảng 2 was refused")
            return
        }
        #expect(framework == (try Repository.framework("dien-bien-2019-districts")))
        #expect(framework.fields.count == 8)
        #expect(framework.fields.flatMap(\.children).count == 47)
        #expect(framework.criteriaByCode["5.11"]?.children.map(\.code) == ["5.11.1", "5.11.2", "5.11.3", "5.11.4"])
        #expect(framework.criteriaByCode["5.11.1"]?.method == .survey)
        #expect(framework.criteriaByCode["8.2"]?.maxPoints.description == "15")
        #expect(FrameworkValidator.defects(in: framework).isEmpty)
    }

    @Test func aCorrectionForALineWithoutARowIsRefused() throws {
        let correction = SeedTableImporter.Correction(line: 5, code: "1", survey: nil, reason: "x")
        #expect(throws: SeedTableImporter.ReadError.self) {
            try SeedTableImporter.importTable(2, from: try seedText(), corrections: [correction])
        }
    }

    @Test func aFrameworkDocumentWithBrokenArithmeticIsRefused() throws {
        let framework = try Repository.framework("dien-bien-2019-departments")
        var json = framework.json
        guard case .object(var members) = json, case .array(var fields)? = members["criteria"],
            case .object(var first) = fields[0]
        else {
            Issue.record("unexpected framework JSON")
            return
        }
        first["maxPoints"] = .string("23")
        fields[0] = .object(first)
        members["criteria"] = .array(fields)
        json = .object(members)
        let broken = try Framework(json: json)
        let defects = FrameworkValidator.defects(in: broken).map(\.description)
        #expect(defects.contains { $0.hasPrefix("1: printed maximum 23 but its children add up to 22") })
        #expect(defects.contains("total: the fields add up to 101, not the stated total 100"))
        #expect(framework.id != broken.id)
    }

    @Test func aMalformedFrameworkDocumentNamesThePath() throws {
        let json = try JSONParser.parse(
            #"{"format":"parledger-framework/1","name":"x","unitKind":"province","source":"s"}"#)
        #expect(
            throws: FrameworkFormatError(
                path: "unitKind", reason: "must be one of department, district, commune, branch, office",
                vi: "phải là một trong department, district, commune, branch, office")
        ) {
            try Framework(json: json)
        }
    }
}

@Suite struct PointsTests {
    @Test func decimalCommaAndDotAreReadExactly() throws {
        #expect(try Points(parsing: "1,5").hundredths == 150)
        #expect(try Points(parsing: "0.25").hundredths == 25)
        #expect(try Points(parsing: "2").description == "2")
        #expect(try Points(parsing: "1.50").description == "1.5")
        #expect(try Points(parsing: "0,05").description == "0.05")
    }

    @Test func overPreciseNegativeAndMalformedPointsAreRefused() {
        for text in ["1.255", "-1", "", "1.", ".5", "1,2,3", "abc", "1e2", "1 000"] {
            #expect(throws: Points.ParseError.self, "\(text)") { try Points(parsing: text) }
        }
    }

    @Test func sharesRoundHalfUpOnlyForDisplayAndCompareExactly() throws {
        let twoThirds = Share(try Points(parsing: "2"), of: try Points(parsing: "3"))
        #expect(twoThirds.percentText(decimals: 2) == "66.67")
        #expect(twoThirds.percentText(decimals: 0) == "67")
        #expect(Share(try Points(parsing: "1"), of: try Points(parsing: "8")).percentText(decimals: 2) == "12.50")
        #expect(Share(try Points(parsing: "0.01"), of: try Points(parsing: "0.08")).percentText(decimals: 1) == "12.5")
        #expect(
            Share(Points(hundredths: 1), of: Points(hundredths: 2))
                == Share(Points(hundredths: 2), of: Points(hundredths: 4)))
        #expect(
            Share(Points(hundredths: 8_999_999), of: Points(hundredths: 10_000_000))
                < Share(Points(hundredths: 9), of: Points(hundredths: 10)))
    }

    @Test func classBandsIncludeTheirLowerBound() throws {
        let settings = ScoringSettings.dienBien(for: .department)
        func share(_ part: Int64) -> Share { Share(Points(hundredths: part), of: Points(hundredths: 10_000)) }
        #expect(settings.classify(share(9_000)) == "Rất tốt")
        #expect(settings.classify(share(8_999)) == "Tốt")
        #expect(settings.classify(share(7_000)) == "Tốt")
        #expect(settings.classify(share(6_999)) == "Trung bình")
        #expect(settings.classify(share(5_000)) == "Trung bình")
        #expect(settings.classify(share(4_000)) == "Yếu")
        #expect(settings.classify(share(3_999)) == "Kém")
    }
}

@Suite struct SurveyImportTests {
    private func cycle() throws -> (CycleRecord, [UnitKind: Framework]) {
        let province = try Province(departments: 2, districts: 1)
        let record = try #require(try province.scoring.cycle(province.cycle))
        return (record, try province.scoring.frameworks(of: record))
    }

    @Test func aFileWithABOMAndDecimalCommasIsRead() throws {
        let (record, frameworks) = try cycle()
        let text = "unit,criterion,points\r\nd01,2.5.1,\"0,75\"\r\nd01,2.5.2,1\r\nh01,8.2,\"13,25\"\r\n"
        let read = SurveyImport.read([0xEF, 0xBB, 0xBF] + Array(text.utf8), cycle: record, frameworks: frameworks)
        guard case .success(let rows) = read else {
            Issue.record("refused: \(read)")
            return
        }
        #expect(
            rows["d01"] == [
                PAREvents.SurveyScore(criterion: "2.5.1", points: "0.75"),
                PAREvents.SurveyScore(criterion: "2.5.2", points: "1"),
            ])
        #expect(rows["h01"] == [PAREvents.SurveyScore(criterion: "8.2", points: "13.25")])
    }

    @Test func everyBadRowIsListedWithItsLineNumberAndNothingIsRead() throws {
        let (record, frameworks) = try cycle()
        let text = """
            unit,criterion,points
            d01,2.5.1,1
            d09,2.5.1,1
            d01,1.2,1
            d01,2.5.2,2
            d01,2.5.3,0.125
            d01,2.5.1,1
            h01,8.2
            """
        guard case .failure(let error) = SurveyImport.read(Array(text.utf8), cycle: record, frameworks: frameworks)
        else {
            Issue.record("a bad file was accepted")
            return
        }
        #expect(error.rows.map(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(error.rows[0].problem == "unit 'd09' is not part of cycle 'dien-bien-2019'")
        #expect(error.rows[1].problem == "criterion 1.2 is not scored by the survey")
        #expect(error.rows[2].problem == "2 points is more than the maximum of 1 for 2.5.2")
        #expect(error.rows[3].problem.contains("points have at most two decimals"))
        #expect(error.rows[4].problem == "d01 2.5.1 is already given at line 2")
        #expect(error.rows[5].problem == "expected 3 fields (unit,criterion,points), found 2")
    }

    @Test func aFileWithoutTheHeaderOrNotInUTF8IsRefused() throws {
        let (record, frameworks) = try cycle()
        guard
            case .failure(let noHeader) = SurveyImport.read(
                Array("d01,2.5.1,1\n".utf8), cycle: record, frameworks: frameworks),
            case .failure(let notUTF8) = SurveyImport.read(
                [0x75, 0x6E, 0xFF, 0x0A], cycle: record, frameworks: frameworks)
        else {
            Issue.record("a bad file was accepted")
            return
        }
        #expect(noHeader.rows.first?.problem == "the first line must be the header unit,criterion,points")
        #expect(notUTF8.rows.first?.problem == "the file is not valid UTF-8")
    }
}
