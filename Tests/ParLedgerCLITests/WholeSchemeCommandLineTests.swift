import Foundation
import LedgerFormat
import TestSupport
import Testing
import ZIPFoundation

/// A cycle of scheme 2 through the real command line on a real LMDB directory: the council
/// established by decision, a meeting with its minutes, a contested adjustment decided by vote, seals
/// citing the meeting, the council's report, the heads' sign-off, the chairman's delegation and the
/// vice-chairman's approval before publication; each step refused first where the scheme says so, and
/// the exported bundle judged by both verifiers.
@Suite struct WholeSchemeCommandLineTests {
    private let cycle = TemporaryDirectory.cycle

    private func run(
        _ directory: TemporaryDirectory, _ arguments: [String], key: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLI.Outcome {
        try CLI.succeed(arguments, on: directory, key: key, sourceLocation: sourceLocation)
    }

    /// Expects the command to be refused (exit 2) with `expected` in its error, appending nothing.
    private func refused(
        _ directory: TemporaryDirectory, _ arguments: [String], key: String, _ expected: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try directory.openLedger().head()
        let outcome = try CLI.run(arguments + ["--ledger", directory.ledgerPath, "--key", key])
        #expect(outcome.status == 2, "\(arguments): \(outcome.output)", sourceLocation: sourceLocation)
        #expect(outcome.error.contains(expected), "\(outcome.error)", sourceLocation: sourceLocation)
        #expect(try directory.openLedger().head() == before, sourceLocation: sourceLocation)
    }

    /// The text of every XML part of an .xlsx file, joined.
    private static func texts(ofWorkbook path: String) throws -> String {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var text = ""
        for entry in archive where entry.path.hasSuffix(".xml") {
            _ = try archive.extract(entry) { text += String(decoding: $0, as: UTF8.self) }
        }
        return text
    }

    @Test func aCycleOfTheWholeSchemeThroughTheCommandLine() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle(scheme: 2)
        let secretariat = directory.secretariatKey
        func key(_ name: String) -> String { directory.path + "/\(name).key" }
        let units = ["so-tai-chinh", "so-y-te", "huyen-muong-cha"]
        var actors: [(String, String, String?)] = [
            ("hoi-dong", "council-member", nil), ("thanh-vien", "council-member", nil),
            ("thu-ky", "council-member", nil), ("ban-chi-dao", "steering-committee", nil),
            ("nha-thau", "survey-contractor", nil), ("chu-tich", "province-chair", nil),
            ("pho-chu-tich", "province-vice-chair", nil),
        ]
        actors += units.flatMap { [("can-bo-\($0)", "unit-officer", $0), ("thu-truong-\($0)", "unit-head", $0)] }
        for (id, role, scope) in actors {
            _ = try CLI.run(["keygen", "--out", key(id)])
            _ = try run(
                directory,
                ["actor", "add", id, "--name", "Người \(id)", "--role", role, "--public-key", key(id) + ".pub"]
                    + (scope.map { ["--scope", $0] } ?? []), key: secretariat)
        }
        try refused(
            directory, ["council", "assign", cycle, "hoi-dong", "--department-fields", "1", "--chair"],
            key: secretariat, "establishes the council as a body by its decision")
        let council = directory.path + "/hoi-dong.json"
        let all = #"["1","2","3","4","5","6","7"]"#
        try Data(
            #"""
            {"decision":"20/QĐ-UBND","quorumPercent":"50","members":[
              {"actor":"hoi-dong","position":"chair","fields":{"department":\#(all),"district":["1","2","3","4","5","6","7","8"]}},
              {"actor":"thanh-vien","position":"member","fields":{"department":["1"]}},
              {"actor":"thu-ky","position":"secretary","fields":{}}]}
            """#.utf8
        ).write(to: URL(fileURLWithPath: council))
        let established = try run(directory, ["council", "establish", cycle, "--file", council], key: secretariat)
        #expect(established.output.contains("Established the council of \(cycle) by decision 20/QĐ-UBND: 3 seats"))
        let secret = directory.path + "/phuc-tra.secret"
        _ = try run(directory, ["spotcheck", "commit", cycle, "--secret-out", secret], key: key("ban-chi-dao"))

        let departmentExempt = ["1.1", "1.3", "1.4", "1.5", "1.6", "1.7", "2", "3", "4", "5", "6", "7"]
        let districtExempt = ["1.1", "1.3", "1.4", "1.5", "1.6", "1.7", "2", "3", "4", "5", "6", "7", "8.1"]
        for unit in units {
            let evidence = directory.path + "/bao-cao-\(unit).pdf"
            try Data("Báo cáo CCHC \(unit)".utf8).write(to: URL(fileURLWithPath: evidence))
            let officer = key("can-bo-\(unit)")
            _ = try run(directory, ["score", "self", cycle, unit, "1.2", "3", "--evidence", evidence], key: officer)
            _ = try run(
                directory,
                ["score", "na", cycle, unit] + (unit.hasPrefix("so-") ? departmentExempt : districtExempt)
                    + ["--legal-basis", "Không thuộc nhiệm vụ năm 2019"], key: officer)
            try refused(directory, ["score", "submit", cycle, unit], key: officer, "the head of '\(unit)' (unit-head)")
            _ = try run(directory, ["score", "submit", cycle, unit], key: key("thu-truong-\(unit)"))
        }

        _ = try run(
            directory, ["appraise", cycle, "so-y-te", "1.2", "1", "--reason", "Thiếu báo cáo quý"], key: key("hoi-dong")
        )
        _ = try run(
            directory, ["council", "contest", cycle, "so-y-te", "1.2", "--reason", "Báo cáo quý đã nộp bổ sung"],
            key: key("thanh-vien"))
        let minutes = directory.path + "/bien-ban-phien-1.pdf"
        try Data("Biên bản họp Hội đồng thẩm định".utf8).write(to: URL(fileURLWithPath: minutes))
        try refused(
            directory,
            [
                "council", "meeting", cycle, "phien-1", "--date", "2020-03-10", "--attendees", "hoi-dong", "--minutes",
                minutes,
            ],
            key: key("thu-ky"), "1 of the council's 3 members attended; a meeting needs 50% of them")
        _ = try run(
            directory,
            [
                "council", "meeting", cycle, "phien-1", "--date", "2020-03-10", "--attendees",
                "hoi-dong,thanh-vien,thu-ky", "--minutes", minutes,
            ], key: key("thu-ky"))
        try refused(
            directory, ["appraise", cycle, "so-y-te", "--conclude", "--meeting", "phien-1"], key: key("hoi-dong"),
            "criterion 1.2 of 'so-y-te' is contested")
        let vote = try run(
            directory,
            [
                "council", "vote", cycle, "so-y-te", "1.2", "--meeting", "phien-1", "--points", "2", "--for",
                "thanh-vien,thu-ky", "--against", "hoi-dong",
            ], key: key("thu-ky"))
        #expect(vote.output.contains("2 for, 1 against; the appraisal is now 2"))
        try refused(
            directory, ["appraise", cycle, "so-tai-chinh", "--conclude"], key: key("hoi-dong"), "no meeting cited")
        for unit in units {
            _ = try run(
                directory, ["appraise", cycle, unit, "--conclude", "--meeting", "phien-1"], key: key("hoi-dong"))
        }
        _ = try run(directory, ["council", "close", cycle], key: key("hoi-dong"))

        var csv = "unit,criterion,points\r\n"
        for (code, max) in try Repository.surveyLeaves(ofFramework: "dien-bien-2019-departments") {
            csv += "so-tai-chinh,\(code),\(max)\r\nso-y-te,\(code),\(max)\r\n"
        }
        for (code, max) in try Repository.surveyLeaves(ofFramework: "dien-bien-2019-districts") {
            csv += "huyen-muong-cha,\(code),\(max)\r\n"
        }
        let surveyFile = directory.path + "/dtxhh.csv"
        try Data(csv.utf8).write(to: URL(fileURLWithPath: surveyFile))
        _ = try run(directory, ["survey", "import", cycle, surveyFile], key: key("nha-thau"))
        var drawnUnits: [String] = []
        for kind in ["district", "department"] {
            let drawn = try run(
                directory, ["spotcheck", "draw", cycle, "--kind", kind, "--secret", secret], key: key("ban-chi-dao"))
            drawnUnits += try #require(drawn.output.split(separator: " ").dropFirst().first.map(String.init)).split(
                separator: ","
            ).map(String.init)
        }
        for unit in drawnUnits {
            _ = try run(directory, ["spotcheck", "conclude", cycle, unit], key: key("ban-chi-dao"))
        }

        let decision = ["--decision", "640/QĐ-UBND", "--date", "2020-05-29"]
        try refused(
            directory, ["publish", cycle] + decision, key: secretariat,
            "the council has not sent its report to the province")
        try refused(
            directory, ["approve", cycle] + decision, key: key("chu-tich"),
            "the council has not sent its report to the province")
        let report = directory.path + "/bao-cao-tham-dinh.pdf"
        try Data("Báo cáo kết quả thẩm định".utf8).write(to: URL(fileURLWithPath: report))
        _ = try run(directory, ["council", "report", cycle, "--report", report], key: key("hoi-dong"))
        try refused(directory, ["publish", cycle] + decision, key: secretariat, "has not approved the results")
        try refused(
            directory, ["approve", cycle] + decision, key: key("pho-chu-tich"),
            "under his delegation (SigningDelegated)")
        _ = try run(
            directory, ["approve", cycle, "--delegate", "pho-chu-tich", "--decision", "15/QĐ-UBND"],
            key: key("chu-tich"))
        let approved = try run(directory, ["approve", cycle] + decision, key: key("pho-chu-tich"))
        #expect(approved.output.contains("signed KT. CHỦ TỊCH for 'chu-tich'"), "\(approved.output)")
        try refused(
            directory, ["publish", cycle, "--decision", "641/QĐ-UBND", "--date", "2020-05-29"], key: secretariat,
            "but the province approved decision 640/QĐ-UBND of 2020-05-29")
        _ = try run(directory, ["publish", cycle] + decision, key: secretariat)

        let scores = try run(directory, ["scores", cycle, "so-y-te", "--json"])
        let criteria = try #require(
            try JSONParser.parse(scores.output.trimmingCharacters(in: .newlines))["criteria"]?.arrayValue)
        let contested = try #require(criteria.first { $0["code"] == .string("1.2") })
        #expect(contested["appraised"]?["points"] == .string("2"))
        #expect(contested["appraised"]?["actor"] == .string("thu-ky"))

        let annex = directory.path + "/phu-luc.xlsx"
        _ = try run(directory, ["document", "annex", cycle, "--out", annex])
        let printed = try Self.texts(ofWorkbook: annex)
        for line in ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Người pho-chu-tich", "ký thay Chủ tịch Người chu-tich"] {
            #expect(printed.contains(line), "the annex's signature block lacks \(line)")
        }

        let shown = try run(directory, ["cycle", "show", cycle]).output
        #expect(shown.contains("Scheme 2: the unit's head signs its submission"))
        #expect(
            shown.contains(
                "Council established by decision 20/QĐ-UBND (event"),
            "\(shown)")
        #expect(
            shown.contains("meetings: phien-1 of 2020-03-10 (3 present); 1 contested, 0 awaiting a vote; report sent"))
        #expect(shown.contains("Signing delegated to pho-chu-tich by chu-tich under decision 15/QĐ-UBND"))
        #expect(shown.contains("signed KT. CHỦ TỊCH by pho-chu-tich for chu-tich"))

        #expect(try run(directory, ["verify"]).output.hasPrefix("OK: "))
        #expect(try run(directory, ["rebuild"]).output.contains("(identical)"))
        let bundle = directory.path + "/bundle"
        _ = try run(directory, ["export", bundle])
        let policy = directory.path + "/trust-policy.txt"
        _ = try run(directory, ["trust-policy", "--out", policy])
        let swift = try CLI.run(["verify-bundle", bundle, "--trust", policy])
        #expect(swift.status == 0, "\(swift.output)\(swift.error)")
        let python = try CLI.runPythonVerifier(bundle, trust: policy)
        #expect(python.status == 0, "\(python.output)\(python.error)")
    }
}
