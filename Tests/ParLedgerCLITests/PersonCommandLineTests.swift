import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing
import ZIPFoundation

/// The commands as a person types them: times in the province's zone, log filters, refusals that list
/// the valid names, and a whole self-assessment sheet from CSV or XLSX.
@Suite struct PersonCommandLineTests {
    private let cycle = TemporaryDirectory.cycle

    private func run(_ directory: TemporaryDirectory, _ arguments: [String], key: String? = nil) throws -> CLI.Outcome {
        try CLI.run(arguments, on: directory, key: key)
    }

    /// `initCycle` and the unit officer of so-tai-chinh, whose key it returns.
    private func cycleWithOfficer(_ directory: TemporaryDirectory) throws -> String {
        try directory.initCycle()
        let key = directory.path + "/can-bo-stc.key"
        #expect(try CLI.run(["keygen", "--out", key]).status == 0)
        let added = try run(
            directory,
            [
                "actor", "add", "can-bo-stc", "--name", "Cán bộ Sở Tài chính", "--role", "unit-officer",
                "--scope", "so-tai-chinh", "--public-key", key + ".pub",
            ], key: directory.secretariatKey)
        try #require(added.status == 0, "\(added.error)")
        return key
    }

    private func eventCount(_ directory: TemporaryDirectory, _ filters: [String] = []) throws -> Int {
        try run(directory, ["log", "--json"] + filters).output.split(separator: "\n").count
    }

    /// The shipped sample sheet and its evidence, copied beside each other into `directory`, with a BOM.
    private func sampleSheet(in directory: TemporaryDirectory) throws -> String {
        let manager = FileManager.default
        try manager.copyItem(atPath: Repository.file("schemas/examples/tlkc"), toPath: directory.path + "/tlkc")
        let sheet = directory.path + "/so-tai-chinh-2019.csv"
        let bytes = try #require(manager.contents(atPath: Repository.file("schemas/examples/so-tai-chinh-2019.csv")))
        try (Data([0xEF, 0xBB, 0xBF]) + bytes).write(to: URL(fileURLWithPath: sheet))
        return sheet
    }

    @Test func aCSVSheetIsOneSignedCommandWithOneEventPerCriterion() throws {
        let directory = try TemporaryDirectory()
        let key = try cycleWithOfficer(directory)
        let sheet = try sampleSheet(in: directory)
        let recorded = try run(directory, ["score", "sheet", cycle, "so-tai-chinh", sheet, "--submit"], key: key)
        try #require(recorded.status == 0, "\(recorded.error)")
        #expect(recorded.output.contains("72 self-scores, 1 not-applicable marks, 4 evidence documents"))
        #expect(recorded.output.contains("submitted for appraisal"))
        let scores = try run(directory, ["log", "--json", "--type", "SelfScoreRecorded", "--unit", "so-tai-chinh"])
            .output
            .split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
        #expect(scores.count == 72)
        #expect(Set(scores.compactMap { $0["command"]?.stringValue }).count == 1)
        let row12 = try #require(scores.first { $0["payload"]?["criterion"] == .string("1.2") })
        #expect(row12["payload"]?["points"] == .string("2.5"))
        let cited = try #require(scores.first { $0["payload"]?["criterion"] == .string("1.1.1") })
        #expect(cited["payload"]?["evidence"]?.arrayValue?.first?["name"] == .string("ke-hoach-cchc-2019.txt"))
        #expect(try eventCount(directory, ["--type", "SelfAssessmentSubmitted"]) == 1)
        #expect(try eventCount(directory, ["--type", "EvidenceAdded"]) == 4)
    }

    @Test func aSheetWithBadRowsAppendsNothingAndNamesEveryRow() throws {
        let directory = try TemporaryDirectory()
        let key = try cycleWithOfficer(directory)
        let sheet = directory.path + "/sheet.csv"
        let text = """
            Criterion,Points,Evidence,Explanation,Not-Applicable
            9.9.9,1,,made up,
            1.1.1,5,,too many,
            1.1.2,1,missing.pdf,,
            1.2,1,,,
            1.3.1,"0,5",,"a, b",
            1.3.1,1,,again,
            1.8.1,1,,survey,
            2.1,1,,,Không được giao
            1.4,1,,parent,
            1.5.1,"1,255",,three decimals,
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: sheet))
        let before = try eventCount(directory)
        let refused = try run(directory, ["score", "sheet", cycle, "so-tai-chinh", sheet], key: key)
        #expect(refused.status == 2)
        for row in [2, 3, 4, 5, 7, 8, 9, 10, 11] {
            #expect(refused.error.contains("row \(row):"), "row \(row) in \(refused.error)")
        }
        #expect(!refused.error.contains("row 6:"))
        #expect(refused.error.contains("unknown criterion '9.9.9'"))
        #expect(refused.error.contains("missing.pdf"))
        #expect(refused.error.contains("1.3.1 is already given at row 6"))
        #expect(try eventCount(directory) == before)

        try Data("criterion,score\n1.1.1,1\n".utf8).write(to: URL(fileURLWithPath: sheet))
        let header = try run(directory, ["score", "sheet", cycle, "so-tai-chinh", sheet], key: key)
        #expect(
            header.status == 2 && header.error.contains("unknown column 'score'")
                && header.error.contains("criterion, points, evidence"))
    }

    @Test func anXLSXSheetReadsItsFirstSheet() throws {
        let directory = try TemporaryDirectory()
        let key = try cycleWithOfficer(directory)
        try Data("Kế hoạch".utf8).write(to: URL(fileURLWithPath: directory.path + "/ke-hoach.pdf"))
        let good = directory.path + "/sheet.xlsx"
        try XLSXFile.write(
            to: good,
            rows: [
                ["criterion", "points", "evidence", "explanation", "not-applicable"],
                ["1.1.1", 1, "ke-hoach.pdf", "", ""],
                ["1.1.2", 1.5000000000000002, "", "Hoàn thành 3/4 nhiệm vụ", ""],
                ["1.2", "2,5", "", "10/12 báo cáo", ""],
                ["2.1", "", "", "", "Không được giao xây dựng VBQPPL"],
            ])
        let recorded = try run(directory, ["score", "sheet", cycle, "so-tai-chinh", good], key: key)
        try #require(recorded.status == 0, "\(recorded.error)")
        #expect(recorded.output.contains("3 self-scores, 1 not-applicable marks, 1 evidence documents"))
        let points = try run(directory, ["log", "--json", "--type", "SelfScoreRecorded"]).output.split(separator: "\n")
            .compactMap { try JSONParser.parse(Array($0.utf8))["payload"]?["points"]?.stringValue }
        #expect(points == ["1", "1.5", "2.5"])

        let bad = directory.path + "/bad.xlsx"
        try XLSXFile.write(
            to: bad, rows: [["criterion", "points", "explanation"], ["1.1.1", 7, "x"], ["1.1.2", 1, ""]])
        let before = try eventCount(directory)
        let refused = try run(directory, ["score", "sheet", cycle, "so-tai-chinh", bad], key: key)
        #expect(refused.status == 2 && refused.error.contains("row 2: 7 points is more than the maximum of 1"))
        #expect(refused.error.contains("row 3: a self-score needs evidence or a written explanation"))
        #expect(try eventCount(directory) == before)
    }

    @Test func logFiltersCombine() throws {
        let directory = try TemporaryDirectory()
        let key = try cycleWithOfficer(directory)
        _ = try run(directory, ["score", "self", cycle, "so-tai-chinh", "1.1.1", "1", "--explanation", "đủ"], key: key)
        _ = try run(directory, ["score", "self", cycle, "so-tai-chinh", "1.1.2", "2", "--explanation", "đủ"], key: key)
        #expect(try eventCount(directory, ["--actor", "can-bo-stc"]) == 2)
        #expect(try eventCount(directory, ["--cycle", cycle, "--unit", "so-tai-chinh", "--limit", "1"]) == 1)
        #expect(try eventCount(directory, ["--type", "CycleOpened", "--type", "FrameworkRegistered"]) == 3)
        #expect(try eventCount(directory, ["--cycle", "dien-bien-2020"]) == 0)
        #expect(
            try eventCount(
                directory, ["--since", "2000-01-01", "--until", "2099-12-31T23:59:59+07:00", "--actor", "can-bo-stc"])
                == 2)
        #expect(try eventCount(directory, ["--until", "2000-01-01"]) == 0)
        let none = try run(directory, ["log", "--since", "2099-01-01"])
        #expect(none.status == 0 && none.output.contains("No event from 1 on matches the filters."))
        let text = try run(directory, ["log", "--actor", "can-bo-stc"]).output
        #expect(text.contains("+07:00\tcycle/\(cycle)/unit/so-tai-chinh"))
        let unknown = try run(directory, ["log", "--type", "SelfScore"])
        #expect(unknown.status == 64 && unknown.error.contains("SelfScoreRecorded"))
        let badTime = try run(directory, ["log", "--since", "2020-01-31T10:00:00"])
        #expect(badTime.status == 2 && badTime.error.contains("2020-01-31T23:59:59+07:00"))
    }

    @Test func unknownRolesAndScopesAreRefusedWithTheValidOnes() throws {
        let directory = try TemporaryDirectory()
        let key = try cycleWithOfficer(directory)
        let before = try eventCount(directory)
        func add(_ id: String, _ role: String, _ scope: String?) throws -> CLI.Outcome {
            try run(
                directory,
                ["actor", "add", id, "--name", "Cán bộ \(id.count)", "--role", role, "--public-key", key + ".pub"]
                    + (scope.map { ["--scope", $0] } ?? []), key: directory.secretariatKey)
        }
        let role = try add("nguoi-a", "officer", "so-tai-chinh")
        #expect(
            role.status == 2 && role.error.contains("unknown role 'officer'")
                && role.error.contains("unit-officer, unit-head, council-member"))
        let unit = try add("nguoi-b", "unit-officer", "so-tai-chnh")
        #expect(unit.status == 2 && unit.error.contains("huyen-muong-cha, so-tai-chinh, so-y-te"))
        let slug = try add("nguoi-c", "unit-officer", "Sở Y tế")
        #expect(slug.status == 2 && slug.error.contains("not a valid id"))
        let grant = try run(
            directory, ["actor", "grant", "can-bo-stc", "--role", "unit-officer", "--scope", "so-xay-dung"],
            key: directory.secretariatKey)
        #expect(grant.status == 2 && grant.error.contains("the units are: huyen-muong-cha, so-tai-chinh, so-y-te"))
        let grantRole = try run(
            directory, ["actor", "grant", "can-bo-stc", "--role", "auditors"], key: directory.secretariatKey)
        #expect(grantRole.status == 2 && grantRole.error.contains("auditor"))
        #expect(try eventCount(directory) == before)
        #expect(
            try run(
                directory, ["actor", "grant", "can-bo-stc", "--role", "unit-officer", "--scope", "so-y-te"],
                key: directory.secretariatKey
            ).status == 0)
    }

    @Test func deadlinesAndExtensionsTakeDatesAndShowProvinceTime() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let extended = try run(
            directory, ["cycle", "extend", cycle, "so-y-te", "--until", "2099-02-01", "--reason", "Lũ quét"],
            key: directory.secretariatKey)
        try #require(extended.status == 0, "\(extended.error)")
        #expect(extended.output.contains("to 2099-02-01T23:59:59.999+07:00"))
        let shown = try run(directory, ["cycle", "show", cycle]).output
        #expect(shown.contains("Self-assessment deadline: 2099-01-14T23:59:59.999+07:00"))
        #expect(shown.contains("deadline extended to 2099-02-01T23:59:59.999+07:00"))
        let json = try run(directory, ["cycle", "show", cycle, "--json"]).output
        #expect(json.contains("\"selfAssessmentDeadline\":\"2099-01-14T16:59:59.999Z\""))
        let payload = try run(directory, ["log", "--json", "--type", "DeadlineExtended"]).output
        #expect(payload.contains("\"until\":\"2099-02-01T16:59:59.999Z\""))
        let local = try run(
            directory,
            ["cycle", "extend", cycle, "so-tai-chinh", "--until", "2099-02-01T08:00:00+07:00", "--reason", "Mưa lũ"],
            key: directory.secretariatKey)
        #expect(local.status == 0 && local.output.contains("2099-02-01T08:00:00+07:00"))
        let refused = try run(
            directory, ["cycle", "extend", cycle, "huyen-muong-cha", "--until", "1/2/2099", "--reason", "x"],
            key: directory.secretariatKey)
        #expect(refused.status == 2 && refused.error.contains("--until '1/2/2099' is not a time"))
        #expect(try run(directory, ["scores", cycle, "so-y-te", "--at", "2099-01-01"]).status == 0)
        #expect(try run(directory, ["scores", cycle, "so-y-te", "--at", "yesterday"]).status == 64)
    }
}

/// A minimal XLSX workbook (one sheet; strings shared or inline, numbers as stored), as Excel
/// and LibreOffice write them, for the sheet tests.
enum XLSXFile {
    static func write(to path: String, rows: [[Any]]) throws {
        var shared: [String] = []
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        var sheetRows = ""
        for (index, row) in rows.enumerated() {
            sheetRows += "<row r=\"\(index + 1)\">"
            for (column, value) in row.enumerated() {
                let reference = "\(Character(Unicode.Scalar(UInt8(65 + column))))\(index + 1)"
                switch value {
                case let text as String where text.isEmpty: continue
                case let text as String where column == 0:
                    sheetRows +=
                        "<c r=\"\(reference)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escaped(text))</t></is></c>"
                case let text as String:
                    shared.append(text)
                    sheetRows += "<c r=\"\(reference)\" t=\"s\"><v>\(shared.count - 1)</v></c>"
                default:
                    sheetRows += "<c r=\"\(reference)\"><v>\(value)</v></c>"
                }
            }
            sheetRows += "</row>"
        }
        let parts: [(String, String)] = [
            (
                "[Content_Types].xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/></Types>"
            ),
            (
                "xl/workbook.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Tự đánh giá\" sheetId=\"1\" r:id=\"rId7\"/><sheet name=\"Hướng dẫn\" sheetId=\"2\" r:id=\"rId8\"/></sheets></workbook>"
            ),
            (
                "xl/_rels/workbook.xml.rels",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId8\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet2.xml\"/></Relationships>"
            ),
            (
                "xl/worksheets/sheet1.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>not this sheet</t></is></c></row></sheetData></worksheet>"
            ),
            (
                "xl/worksheets/sheet2.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\(sheetRows)</sheetData></worksheet>"
            ),
            (
                "xl/sharedStrings.xml",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"\(shared.count)\">"
                    + shared.map { "<si><t>\(escaped($0))</t></si>" }.joined() + "</sst>"
            ),
        ]
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
            ) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try #require(archive.data).write(to: URL(fileURLWithPath: path))
    }
}
