import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing

/// Objections (kiến nghị) after publication, driven through the real binary on a real LMDB directory.
@Suite struct ObjectionCommandLineTests {
    private let cycle = TemporaryDirectory.cycle

    private func run(
        _ directory: TemporaryDirectory, _ arguments: [String], key: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLI.Outcome {
        try CLI.succeed(arguments, on: directory, key: key, sourceLocation: sourceLocation)
    }

    private func refused(
        _ directory: TemporaryDirectory, _ arguments: [String], key: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let outcome = try CLI.run(arguments + ["--ledger", directory.ledgerPath, "--key", key])
        #expect(
            outcome.status == 2, "\(arguments.prefix(3).joined(separator: " ")) was not refused",
            sourceLocation: sourceLocation)
        return outcome.error
    }

    @Test func unitsObjectAfterPublicationTheSecretariatAnswersAndACorrectionCitesTheObjection() throws {
        let directory = try TemporaryDirectory()
        // The decision date lies ahead, so that the 30 days for objections have not passed when the test runs.
        try directory.initCycle(publicationWindow: ("2020-04-01", "2099-06-30"))
        let secretariat = directory.secretariatKey
        func key(_ name: String) -> String { directory.path + "/\(name).key" }
        let officers = [("so-tai-chinh", "can-bo-stc"), ("so-y-te", "can-bo-syt"), ("huyen-muong-cha", "can-bo-mc")]
        for (unit, officer) in officers {
            _ = try CLI.run(["keygen", "--out", key(officer)])
            _ = try run(
                directory,
                [
                    "actor", "add", officer, "--name", officer, "--role", "unit-officer", "--scope", unit,
                    "--public-key", key(officer) + ".pub",
                ], key: secretariat)
        }
        for (id, role) in [
            ("hoi-dong", "council-member"), ("ban-chi-dao", "steering-committee"), ("nha-thau", "survey-contractor"),
        ] {
            _ = try CLI.run(["keygen", "--out", key(id)])
            _ = try run(
                directory, ["actor", "add", id, "--name", id, "--role", role, "--public-key", key(id) + ".pub"],
                key: secretariat)
        }
        _ = try run(
            directory,
            [
                "council", "assign", cycle, "hoi-dong", "--department-fields", "1,2,3,4,5,6,7",
                "--district-fields", "1,2,3,4,5,6,7,8", "--chair",
            ], key: secretariat)
        let secret = directory.path + "/phuc-tra.secret"
        _ = try run(directory, ["spotcheck", "commit", cycle, "--secret-out", secret], key: key("ban-chi-dao"))
        let departmentExempt = ["1.1", "1.3", "1.4", "1.5", "1.6", "1.7", "2", "3", "4", "5", "6", "7"]
        let districtExempt = ["1.1", "1.3", "1.4", "1.5", "1.6", "1.7", "2", "3", "4", "5", "6", "7", "8.1"]
        for (unit, officer) in officers {
            _ = try run(
                directory, ["score", "self", cycle, unit, "1.2", "2", "--explanation", "8/12 báo cáo đúng hạn"],
                key: key(officer))
            _ = try run(
                directory,
                ["score", "na", cycle, unit] + (unit.hasPrefix("huyen") ? districtExempt : departmentExempt)
                    + ["--legal-basis", "Không thuộc nhiệm vụ năm 2019"], key: key(officer))
            _ = try run(directory, ["score", "submit", cycle, unit], key: key(officer))
            _ = try run(directory, ["appraise", cycle, unit, "--conclude"], key: key("hoi-dong"))
        }
        _ = try run(directory, ["council", "close", cycle], key: key("hoi-dong"))
        var csv = "unit,criterion,points\n"
        for (code, max) in try Repository.surveyLeaves(ofFramework: "dien-bien-2019-departments") {
            csv += "so-tai-chinh,\(code),\(max)\nso-y-te,\(code),\(max)\n"
        }
        for (code, max) in try Repository.surveyLeaves(ofFramework: "dien-bien-2019-districts") {
            csv += "huyen-muong-cha,\(code),\(max)\n"
        }
        let surveyFile = directory.path + "/dtxhh.csv"
        try Data(csv.utf8).write(to: URL(fileURLWithPath: surveyFile))
        _ = try run(directory, ["survey", "import", cycle, surveyFile], key: key("nha-thau"))
        for kind in ["department", "district"] {
            _ = try run(
                directory, ["spotcheck", "draw", cycle, "--kind", kind, "--secret", secret], key: key("ban-chi-dao"))
        }
        let file = [
            "objection", "file", cycle, "so-y-te", "--criterion", "1.2", "--objection", "kn-1", "--reason",
            "Báo cáo quý III gửi đúng hạn nhưng không được ghi nhận",
        ]
        #expect(try refused(directory, file, key: key("can-bo-syt")).contains("is not published yet"))
        let cycleStatus = try JSONParser.parse(
            Array(try run(directory, ["cycle", "show", cycle, "--json"]).output.utf8))
        for unit in cycleStatus["units"]?.arrayValue ?? [] where unit["spotChecked"] == .bool(true) {
            _ = try run(
                directory, ["spotcheck", "conclude", cycle, unit["id"]?.stringValue ?? ""], key: key("ban-chi-dao"))
        }
        let published = try run(
            directory, ["publish", cycle, "--decision", "640/QĐ-UBND", "--date", "2099-05-29"], key: secretariat)
        #expect(published.output.contains("Published 'dien-bien-2019' by decision 640/QĐ-UBND"))

        let filed = try run(directory, file, key: key("can-bo-syt"))
        #expect(filed.output.hasPrefix("Filed objection kn-1 of so-y-te on 1.2 (event "))
        #expect(try refused(directory, file, key: key("can-bo-syt")).contains("already has an objection 'kn-1'"))
        let generated = try run(
            directory, ["objection", "file", cycle, "huyen-muong-cha", "--reason", "Đề nghị xem xét lại xếp hạng"],
            key: key("can-bo-mc"))
        let generatedID = try #require(generated.output.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(generatedID.hasPrefix("kn-") && generatedID.count == 11, "\(generated.output)")
        #expect(
            try refused(
                directory, ["objection", "file", cycle, "so-tai-chinh", "--reason", "x"], key: key("can-bo-syt")
            ).contains("acts for so-y-te only"))

        let answer = [
            "objection", "answer", cycle, "so-y-te", "kn-1", "--decision", "accepted", "--answer", "Chấp nhận",
        ]
        #expect(try refused(directory, answer, key: key("can-bo-syt")).contains("needs the role secretariat"))
        #expect(
            try refused(
                directory, ["objection", "answer", cycle, "so-y-te", "kn-1", "--decision", "maybe", "--answer", "x"],
                key: secretariat
            ).contains("'accepted' or 'rejected'"))
        let answered = try run(directory, answer, key: secretariat)
        #expect(answered.output.hasPrefix("Answered objection kn-1 of so-y-te: accepted (event "))
        #expect(try refused(directory, answer, key: secretariat).contains("was already answered (accepted)"))
        _ = try run(
            directory,
            [
                "objection", "answer", cycle, "huyen-muong-cha", generatedID, "--decision", "rejected", "--answer",
                "Không có căn cứ",
            ], key: secretariat)
        let correction = [
            "correct", cycle, "so-y-te", "1.2", "3", "--decision", "812/QĐ-UBND", "--reason", "Phúc khảo",
        ]
        #expect(
            try refused(directory, correction + ["--objection", "kn-9"], key: secretariat).contains(
                "'so-y-te' filed no objection 'kn-9'"))
        let corrected = try run(directory, correction + ["--objection", "kn-1"], key: secretariat)
        #expect(corrected.output.contains("resolving objection kn-1 (event "))
        let sequence = try #require(
            corrected.output.trimmingCharacters(in: .newlines).split(separator: " ").last?.dropLast().description)

        let listed = try run(directory, ["objection", "list", cycle])
        #expect(listed.output.contains("objections until 2099-06-28T23:59:59.999+07:00"), "\(listed.output)")
        #expect(listed.output.contains("kn-1\tso-y-te on 1.2, filed by can-bo-syt at "))
        #expect(listed.output.contains("  accepted by so-noi-vu at "), "\(listed.output)")
        #expect(listed.output.contains("  corrected by event \(sequence)"), "\(listed.output)")
        #expect(listed.output.contains("\(generatedID)\thuyen-muong-cha, filed by can-bo-mc"))
        #expect(listed.output.contains("  rejected by "))

        let json = try run(directory, ["objection", "list", cycle, "--json"])
        let report = try JSONParser.parse(Array(json.output.trimmingCharacters(in: .newlines).utf8))
        let objections = try #require(report["objections"]?.arrayValue)
        #expect(objections.map { $0["objection"]?.stringValue } == ["kn-1", generatedID])
        #expect(objections[0]["correctedBy"]?.arrayValue?.count == 1)
        #expect(objections[1]["criterion"] == nil)
        let reportFile = directory.path + "/objections.json"
        try Data(json.output.utf8).write(to: URL(fileURLWithPath: reportFile))
        let check = try CLI.run(
            [
                "python3", "-c", Self.validator, Repository.file("schemas/read-models/objections.schema.json"),
                reportFile,
            ],
            executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(check.status == 0, "\(check.output)\(check.error)")

        #expect(try run(directory, ["rebuild"]).output.contains("(identical)"))
        #expect(try run(directory, ["verify"]).output.hasPrefix("OK: "))
        let bundle = directory.path + "/bundle"
        _ = try run(directory, ["export", bundle])
        _ = try run(directory, ["trust-policy", "--out", directory.path + "/trust.txt"])
        let python = try CLI.runPythonVerifier(bundle, trust: directory.path + "/trust.txt")
        #expect(python.status == 0, "\(python.output)\(python.error)")
        let verified = try CLI.run(["verify-bundle", bundle, "--trust", directory.path + "/trust.txt"])
        #expect(verified.status == 0, "\(verified.output)\(verified.error)")
    }

    private static let validator = """
        import json, sys, jsonschema
        schema, document = (json.load(open(path, encoding="utf-8")) for path in sys.argv[1:3])
        jsonschema.validate(document, schema, cls=jsonschema.Draft202012Validator)
        """
}
