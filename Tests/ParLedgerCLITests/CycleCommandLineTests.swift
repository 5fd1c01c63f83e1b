import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing

/// A whole (small) cycle driven through the real binary on a real LMDB directory.
@Suite struct CycleCommandLineTests {
    private let cycle = TemporaryDirectory.cycle

    private func run(
        _ directory: TemporaryDirectory, _ arguments: [String], key: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLI.Outcome {
        try CLI.succeed(arguments, on: directory, key: key, sourceLocation: sourceLocation)
    }

    @Test func aCycleFromOpeningToCorrectionThroughTheCommandLine() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let secretariat = directory.secretariatKey
        func key(_ name: String) -> String { directory.path + "/\(name).key" }
        let actors: [(String, String, String?)] = [
            ("can-bo-stc", "unit-officer", "so-tai-chinh"), ("can-bo-syt", "unit-officer", "so-y-te"),
            ("can-bo-mc", "unit-officer", "huyen-muong-cha"), ("hoi-dong", "council-member", nil),
            ("ban-chi-dao", "steering-committee", nil), ("nha-thau", "survey-contractor", nil),
        ]
        for (id, role, scope) in actors {
            _ = try CLI.run(["keygen", "--out", key(id)])
            _ = try run(
                directory,
                ["actor", "add", id, "--name", id, "--role", role, "--public-key", key(id) + ".pub"]
                    + (scope.map { ["--scope", $0] } ?? []), key: secretariat)
        }
        _ = try run(
            directory,
            [
                "council", "assign", cycle, "hoi-dong", "--department-fields", "1,2,3,4,5,6,7",
                "--district-fields", "1,2,3,4,5,6,7,8", "--chair",
            ], key: secretariat)
        let secret = directory.path + "/phuc-tra.secret"
        let committed = try run(
            directory, ["spotcheck", "commit", cycle, "--secret-out", secret], key: key("ban-chi-dao"))
        #expect(committed.output.contains("Committed to the draw of \(cycle)"))
        let departmentExempt = ["1.1", "1.3", "1.4", "1.5", "1.6", "1.7", "2", "3", "4", "5", "6", "7"]
        let districtExempt = ["1.1", "1.3", "1.4", "1.5", "1.6", "1.7", "2", "3", "4", "5", "6", "7", "8.1"]
        for (unit, officer, points, exempt) in [
            ("so-tai-chinh", "can-bo-stc", "3", departmentExempt), ("so-y-te", "can-bo-syt", "2", departmentExempt),
            ("huyen-muong-cha", "can-bo-mc", "2", districtExempt),
        ] {
            let evidence = directory.path + "/bao-cao-\(unit).pdf"
            try Data("Báo cáo CCHC \(unit)".utf8).write(to: URL(fileURLWithPath: evidence))
            _ = try run(
                directory, ["score", "self", cycle, unit, "1.2", points, "--evidence", evidence], key: key(officer))
            _ = try run(
                directory, ["score", "na", cycle, unit] + exempt + ["--legal-basis", "Không thuộc nhiệm vụ năm 2019"],
                key: key(officer))
            _ = try run(directory, ["score", "submit", cycle, unit], key: key(officer))
        }
        _ = try run(
            directory, ["appraise", cycle, "so-y-te", "1.2", "1", "--reason", "Một báo cáo quý trễ hạn"],
            key: key("hoi-dong"))
        _ = try run(
            directory, ["appraise", cycle, "huyen-muong-cha", "1.2", "3", "--reason", "Bổ sung TLKC đầy đủ"],
            key: key("hoi-dong"))
        for unit in ["so-tai-chinh", "so-y-te", "huyen-muong-cha"] {
            _ = try run(directory, ["appraise", cycle, unit, "--conclude"], key: key("hoi-dong"))
        }
        _ = try run(directory, ["council", "close", cycle], key: key("hoi-dong"))

        var csv = "unit,criterion,points\r\n"
        for (code, max) in try Repository.surveyLeaves(ofFramework: "dien-bien-2019-departments") {
            csv += "so-tai-chinh,\(code),\"\(max.replacingOccurrences(of: ".", with: ","))\"\r\n"
            csv += "so-y-te,\(code),\(code == "2.5.1" ? "0" : max)\r\n"
        }
        for (code, max) in try Repository.surveyLeaves(ofFramework: "dien-bien-2019-districts") {
            csv += "huyen-muong-cha,\(code),\(max)\r\n"
        }
        let surveyFile = directory.path + "/dtxhh.csv"
        try Data([0xEF, 0xBB, 0xBF] + Array(csv.utf8)).write(to: URL(fileURLWithPath: surveyFile))
        let imported = try run(directory, ["survey", "import", cycle, surveyFile], key: key("nha-thau"))
        #expect(imported.output.hasPrefix("Imported "))

        let draw = try run(
            directory, ["spotcheck", "draw", cycle, "--kind", "district", "--secret", secret], key: key("ban-chi-dao"))
        #expect(draw.output.hasPrefix("Drew huyen-muong-cha"))
        let drawn = try run(
            directory, ["spotcheck", "draw", cycle, "--kind", "department", "--secret", secret], key: key("ban-chi-dao")
        )
        let department = try #require(drawn.output.split(separator: " ").dropFirst().first.map(String.init))
        let redraw = try run(directory, ["spotcheck", "redraw", cycle, "--kind", "department"])
        #expect(redraw.output.contains("CONFIRMED: the seed gives the recorded units"))
        _ = try run(
            directory,
            [
                "spotcheck", "score", cycle, "huyen-muong-cha", "1.2", "--decision", "lower", "--points", "2,5",
                "--reason", "Một báo cáo thiếu số liệu",
            ], key: key("ban-chi-dao"))
        for unit in ["huyen-muong-cha", department] {
            _ = try run(directory, ["spotcheck", "conclude", cycle, unit], key: key("ban-chi-dao"))
        }

        // Departments: applicable max 3 (1.2) + 26.5 (survey) = 29.5. Sở Tài chính 29.5 → 100%;
        // Sở Y tế 1 + 25.5 = 26.5 → 89.83%. Huyện Mường Chà: 2.5 + 31.5 = 34 of 3 + 31.5 = 34.5 → 98.55%.
        let ranking = try run(directory, ["ranking", "--cycle", cycle, "--json"])
        let rows = try #require(
            try JSONParser.parse(ranking.output.trimmingCharacters(in: .newlines))["units"]?.arrayValue)
        let summary = rows.map {
            "\($0["unit"]?.stringValue ?? "") \($0["points"]?.stringValue ?? "")/\($0["maxPoints"]?.stringValue ?? "") \($0["index"]?.stringValue ?? "") \($0["class"]?.stringValue ?? "") #\($0["rank"]?.integerValue ?? 0)"
        }
        #expect(
            summary == [
                "so-tai-chinh 29.5/29.5 100.00 Rất tốt #1", "so-y-te 26.5/29.5 89.83 Tốt #2",
                "huyen-muong-cha 34/34.5 98.55 Rất tốt #1",
            ])

        let scores = try run(directory, ["scores", cycle, "so-y-te", "--json"])
        let criteria = try #require(
            try JSONParser.parse(scores.output.trimmingCharacters(in: .newlines))["criteria"]?.arrayValue)
        let adjusted = try #require(criteria.first { $0["code"] == .string("1.2") })
        #expect(adjusted["self"]?["points"] == .string("2"))
        #expect(adjusted["self"]?["actor"] == .string("can-bo-syt"))
        #expect(adjusted["self"]?["evidence"]?.arrayValue?.first?["name"] == .string("bao-cao-so-y-te.pdf"))
        #expect(adjusted["appraised"]?["points"] == .string("1"))
        #expect(adjusted["appraised"]?["reason"] == .string("Một báo cáo quý trễ hạn"))
        #expect(adjusted["effective"]?["actor"] == .string("hoi-dong"))

        let published = try run(
            directory, ["publish", cycle, "--decision", "640/QĐ-UBND", "--date", "2020-05-29"], key: secretariat)
        #expect(published.output.contains("Published 'dien-bien-2019' by decision 640/QĐ-UBND"))
        let late = try CLI.run([
            "appraise", cycle, "so-y-te", "1.2", "2", "--reason", "x", "--ledger", directory.ledgerPath, "--key",
            key("hoi-dong"),
        ])
        #expect(late.status == 2)
        #expect(late.error.contains("was published by decision 640/QĐ-UBND"), "\(late.error)")
        _ = try run(
            directory, ["correct", cycle, "so-y-te", "1.2", "2", "--decision", "812/QĐ-UBND", "--reason", "Phúc khảo"],
            key: secretariat)

        let csvFile = directory.path + "/xep-hang.csv"
        let table = try run(directory, ["ranking", "--cycle", cycle, "--kind", "department", "--csv", csvFile])
        #expect(table.output.contains("so-y-te\tSở Y tế\t27.5\t29.5\t93.22\tRất tốt"))
        let written = try #require(FileManager.default.contents(atPath: csvFile))
        #expect(Array(written.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(
            String(decoding: written.dropFirst(3), as: UTF8.self).contains(
                "\r\ndepartment,1,so-tai-chinh,Sở Tài chính,29.5,29.5,100.00,Rất tốt,eligible"))

        let rebuilt = try run(directory, ["rebuild"])
        #expect(rebuilt.output.contains("(identical)"))
        #expect(try run(directory, ["verify"]).output.hasPrefix("OK: "))
        let shown = try run(directory, ["cycle", "show", cycle])
        #expect(shown.output.contains("Published by decision 640/QĐ-UBND of 2020-05-29"))
    }

    @Test func aUnitWithdrawsResubmitsAndAnswersACouncilMembersRequestThroughTheCommandLine() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        func key(_ name: String) -> String { directory.path + "/\(name).key" }
        for (id, role, scope) in [
            ("can-bo-stc", "unit-officer", "so-tai-chinh"), ("hoi-dong", "council-member", nil),
            ("ban-chi-dao", "steering-committee", nil),
        ] {
            _ = try CLI.run(["keygen", "--out", key(id)])
            _ = try run(
                directory,
                ["actor", "add", id, "--name", id, "--role", role, "--public-key", key(id) + ".pub"]
                    + (scope.map { ["--scope", $0] } ?? []), key: directory.secretariatKey)
        }
        _ = try run(
            directory, ["council", "assign", cycle, "hoi-dong", "--department-fields", "1,2,3,4,5,6,7", "--chair"],
            key: directory.secretariatKey)
        _ = try run(
            directory, ["spotcheck", "commit", cycle, "--secret-out", directory.path + "/phuc-tra.secret"],
            key: key("ban-chi-dao"))
        let exempt = ["1.1", "1.3", "1.4", "1.5", "1.6", "1.7", "2", "3", "4", "5", "6", "7"]
        let evidence = directory.path + "/bao-cao.pdf"
        try Data("Báo cáo CCHC".utf8).write(to: URL(fileURLWithPath: evidence))
        _ = try run(
            directory, ["score", "self", cycle, "so-tai-chinh", "1.2", "3", "--evidence", evidence],
            key: key("can-bo-stc"))
        _ = try run(
            directory, ["score", "na", cycle, "so-tai-chinh"] + exempt + ["--legal-basis", "Không thuộc nhiệm vụ"],
            key: key("can-bo-stc"))
        _ = try run(directory, ["score", "submit", cycle, "so-tai-chinh"], key: key("can-bo-stc"))
        let withdrawn = try run(
            directory, ["score", "withdraw", cycle, "so-tai-chinh", "--reason", "Bổ sung tài liệu"],
            key: key("can-bo-stc"))
        #expect(withdrawn.output.contains("Withdrew the self-assessment of so-tai-chinh"))
        _ = try run(
            directory, ["score", "self", cycle, "so-tai-chinh", "1.2", "2,5", "--evidence", evidence],
            key: key("can-bo-stc"))
        _ = try run(directory, ["score", "submit", cycle, "so-tai-chinh"], key: key("can-bo-stc"))
        let asked = try run(
            directory, ["appraise", "ask", cycle, "so-tai-chinh", "1.2", "--question", "Báo cáo nào gửi trễ?"],
            key: key("hoi-dong"))
        let request = try #require(
            asked.output.split(separator: " ").first { $0.hasPrefix("gt-") }.map(String.init))
        let ledger = ["--ledger", directory.ledgerPath]
        let unknown = try CLI.run(
            ["score", "explain", cycle, "so-tai-chinh", "gt-khong-co", "--answer", "x", "--key", key("can-bo-stc")]
                + ledger)
        #expect(unknown.status == 2)
        #expect(unknown.error.contains("no explanation request 'gt-khong-co'"))
        let afterRequest = try CLI.run(
            ["score", "withdraw", cycle, "so-tai-chinh", "--reason", "Sửa", "--key", key("can-bo-stc")] + ledger)
        #expect(afterRequest.status == 2)
        #expect(afterRequest.error.contains("already asked 'so-tai-chinh' for an explanation"))
        let answered = try run(
            directory,
            ["score", "explain", cycle, "so-tai-chinh", request, "--answer", "Quý III", "--evidence", evidence],
            key: key("can-bo-stc"))
        #expect(answered.output.contains("Answered request \(request) of so-tai-chinh"))
        let json = try run(directory, ["scores", cycle, "so-tai-chinh", "--json"]).output
        let report = try JSONParser.parse(Array(json.utf8))
        #expect(report["stage"] == .string("submitted"))
        let line = try #require(report["criteria"]?.arrayValue?.first { $0["code"] == .string("1.2") })
        let explanation = try #require(line["explanations"]?.arrayValue?.first)
        #expect(explanation["request"] == .string(request))
        #expect(explanation["askedBy"] == .string("hoi-dong"))
        #expect(explanation["answeredBy"] == .string("can-bo-stc"))
        #expect(explanation["evidence"]?.arrayValue?.count == 1)
        let file = directory.path + "/unit-scores.json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: file))
        let check = try CLI.run(
            [
                "python3", "-c",
                "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft202012Validator)",
                Repository.file("schemas/read-models/unit-scores.schema.json"), file,
            ], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(check.status == 0, "\(check.output)\(check.error)")
    }

    @Test func aSurveyFileWithBadRowsIsRefusedWholeWithLineNumbers() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        _ = try CLI.run(["keygen", "--out", directory.path + "/nha-thau.key"])
        _ = try run(
            directory,
            [
                "actor", "add", "nha-thau", "--name", "Nhà thầu", "--role", "survey-contractor",
                "--public-key", directory.path + "/nha-thau.key.pub",
            ], key: directory.secretariatKey)
        let before = try directory.openLedger().head().count
        let file = directory.path + "/dtxhh.csv"
        try Data(
            "unit,criterion,points\nso-tai-chinh,2.5.1,1\nso-ngoai-vu,2.5.1,1\nso-tai-chinh,1.2,1\nso-y-te,2.5.2,\"0,333\"\n"
                .utf8
        )
        .write(to: URL(fileURLWithPath: file))
        let refused = try CLI.run([
            "survey", "import", cycle, file, "--ledger", directory.ledgerPath, "--key",
            directory.path + "/nha-thau.key",
        ])
        #expect(refused.status == 2)
        #expect(refused.error.contains("the survey file has 3 bad rows; nothing was imported"))
        #expect(refused.error.contains("line 3: unit 'so-ngoai-vu' is not part of cycle 'dien-bien-2019'"))
        #expect(refused.error.contains("line 4: criterion 1.2 is not scored by the survey"))
        #expect(refused.error.contains("line 5: '0,333' is not a number of points: points have at most two decimals"))
        #expect(try directory.openLedger().head().count == before)
    }

    @Test func importingThePrintedBang2ListsItsDefectsAndExitsWith2() throws {
        let source = Repository.file("schemas/sources/dien-bien-qd-1026-2019.txt")
        let refused = try CLI.run(["framework", "import", source, "--table", "2"])
        #expect(refused.status == 2)
        #expect(refused.error.contains("has 6 defects and was not imported"))
        #expect(refused.error.contains("5.10.1 (line 2243): out of order: after 5.11, expected 5.11.1 or 5.12 or 6"))
        let imported = try CLI.run(["framework", "import", source, "--table", "1"])
        #expect(imported.status == 0)
        let shipped = try #require(
            FileManager.default.contents(atPath: Repository.file("schemas/frameworks/dien-bien-2019-departments.json")))
        #expect(imported.output == String(decoding: shipped, as: UTF8.self))
    }
}

@Suite struct EvidenceCommandLineTests {
    @Test func evidenceIsStoredByHashAndASwappedFileIsDetected() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let officer = directory.path + "/officer.key"
        _ = try CLI.run(["keygen", "--out", officer])
        _ = try CLI.run([
            "actor", "add", "can-bo", "--name", "Cán bộ", "--role", "unit-officer", "--scope", "so-y-te",
            "--public-key", officer + ".pub", "--ledger", directory.ledgerPath, "--key", directory.secretariatKey,
        ])
        let document = directory.path + "/ke-hoach.pdf"
        try Data("Kế hoạch CCHC 2019".utf8).write(to: URL(fileURLWithPath: document))
        let hash = EventHash.of(Array("Kế hoạch CCHC 2019".utf8)).hex

        let otherUnit = try CLI.run([
            "evidence", "add", document, "--unit", "so-tai-chinh", "--ledger", directory.ledgerPath, "--key", officer,
        ])
        #expect(otherUnit.status == 2)
        #expect(otherUnit.error.contains("acts for so-y-te only"))
        let added = try CLI.run([
            "evidence", "add", document, "--unit", "so-y-te", "--ledger", directory.ledgerPath, "--key", officer,
        ])
        #expect(added.status == 0)
        #expect(added.output.hasPrefix(hash))
        #expect(FileManager.default.fileExists(atPath: directory.ledgerPath + "/evidence/" + hash))
        #expect(
            try CLI.run(["evidence", "check", "--ledger", directory.ledgerPath]).output
                == "OK: 1 documents match their recorded hashes\n")

        try Data("Kế hoạch đã bị sửa".utf8).write(to: URL(fileURLWithPath: directory.ledgerPath + "/evidence/" + hash))
        let swapped = try CLI.run(["evidence", "check", "--ledger", directory.ledgerPath])
        #expect(swapped.status == 1)
        #expect(swapped.output.contains("FAILED: ke-hoach.pdf (\(hash)): its stored copy now hashes to"))
    }
}
