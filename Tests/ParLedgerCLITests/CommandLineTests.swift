import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing

@Suite struct CommandLineTests {
    private let departments = Repository.file("schemas/frameworks/dien-bien-2019-departments.json")

    @Test func initRegisterLogAndVerifyWorkEndToEnd() throws {
        let directory = try TemporaryDirectory()
        let ledger = ["--ledger", directory.ledgerPath]
        let created = try CLI.run(["init"] + ledger + ["--key-out", directory.secretariatKey])
        #expect(created.status == 0)
        #expect(created.output.contains("Enrolled the secretariat 'so-noi-vu' (Sở Nội vụ) with key "))
        let registered = try CLI.run(
            ["framework", "register", departments, "--key", directory.secretariatKey] + ledger)
        #expect(registered.status == 0)
        #expect(registered.output.hasPrefix("Registered framework "))
        let log = try CLI.run(["log", "--json"] + ledger)
        #expect(log.status == 0)
        let lines = log.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let envelope = try JSONParser.parse(lines[1])
        #expect(envelope["actor"] == .string("so-noi-vu"))
        #expect(envelope["type"] == .string("FrameworkRegistered"))
        #expect(
            envelope["payload"]?["framework"]?["criteria"]?.arrayValue?.first?["title"]
                == .string("CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC"))
        let verified = try CLI.run(["verify"] + ledger)
        #expect(verified.status == 0)
        #expect(verified.output == "OK: 2 events, head \(envelope["hash"]?.stringValue ?? "?")\n")
    }

    @Test func theLedgerDirectoryComesFromTheEnvironmentWhenNotGiven() throws {
        let directory = try TemporaryDirectory()
        let environment = ["PARLEDGER_DIR": directory.ledgerPath]
        #expect(try CLI.run(["init", "--key-out", directory.secretariatKey], environment: environment).status == 0)
        #expect(try CLI.run(["verify"]).status == 3)
        #expect(try CLI.run(["verify"], environment: environment).output.hasPrefix("OK: 1 events"))
    }

    @Test func theSameCommandIDTwiceAppendsOnce() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let arguments = [
            "framework", "register", departments, "--ledger", directory.ledgerPath, "--key", directory.secretariatKey,
            "--command-id", "register-departments",
        ]
        #expect(try CLI.run(arguments).status == 0)
        let repeated = try CLI.run(arguments)
        #expect(repeated.status == 0)
        #expect(repeated.output.contains("(already registered)"))
        #expect(try directory.openLedger().head().count == 2)
    }

    @Test func aFileThatIsNotUTF8IsRefusedAndNothingIsAppended() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let file = directory.path + "/cycle.json"
        try Data([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0x53, 0xE1, 0xBB, 0x22, 0x7D]).write(
            to: URL(fileURLWithPath: file))
        let refused = try CLI.run([
            "cycle", "open", "--file", file, "--ledger", directory.ledgerPath, "--key", directory.secretariatKey,
        ])
        #expect(refused.status == 2)
        #expect(refused.error.contains("cycle.json: line 1, column 8: the text is not valid UTF-8 (byte offset 7)"))
        #expect(try directory.openLedger().head().count == 1)
    }

    @Test func malformedJSONIsRefusedWithLineAndColumn() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let file = directory.path + "/cycle.json"
        try Data("{\n\"year\": 2019.5}".utf8).write(to: URL(fileURLWithPath: file))
        let refused = try CLI.run([
            "cycle", "open", "--file", file, "--ledger", directory.ledgerPath, "--key", directory.secretariatKey,
        ])
        #expect(refused.status == 2)
        #expect(refused.error.contains("line 2, column 9: only integers are allowed"))
        #expect(try directory.openLedger().head().count == 1)
    }

    @Test func aMissingLedgerIsReportedWithAHint() throws {
        let directory = try TemporaryDirectory()
        let outcome = try CLI.run(["log", "--ledger", directory.path + "/absent"])
        #expect(outcome.status == 3)
        #expect(outcome.error.contains("error: no ledger at"))
        #expect(outcome.error.contains("hint: create one with 'parledger init'"))
    }

    @Test func aDirectoryThatIsNotAnLMDBLedgerIsReported() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x55, count: 8_192).write(to: URL(fileURLWithPath: directory.path + "/data.mdb"))
        let outcome = try CLI.run(["verify", "--ledger", directory.path])
        #expect(outcome.status == 3)
        #expect(outcome.error.contains("is not a ParLedger ledger: its data file is not an LMDB environment"))
    }

    @Test func aDataFileThatCannotBeOpenedIsReported() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(
            atPath: directory.path + "/data.mdb", withIntermediateDirectories: false)
        let outcome = try CLI.run(["verify", "--ledger", directory.path])
        #expect(outcome.status == 3)
        #expect(outcome.error.contains("opening the ledger at \(directory.path) failed"))
    }

    @Test(.enabled(if: getuid() != 0, "root reads every directory whatever its mode"))
    func anUnreadableLedgerDirectoryIsReported() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: directory.ledgerPath)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.ledgerPath) }
        let outcome = try CLI.run(["verify", "--ledger", directory.ledgerPath])
        #expect(outcome.status == 3)
        #expect(outcome.error.contains("ermission denied"))
    }

    @Test func initTwiceIsRefused() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let again = try CLI.run(["init", "--ledger", directory.ledgerPath, "--key-out", directory.path + "/second.key"])
        #expect(again.status == 2)
        #expect(again.error.contains("a ledger already exists"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/second.key"))
    }

    @Test func badCommandLinesPrintUsageAndExit64() throws {
        let outcome = try CLI.run(["appraise", "dien-bien-2019", "so-y-te", "1.2", "--conclude"])
        #expect(outcome.status == 64)
        #expect(outcome.error.contains("Give CRITERION and POINTS, or --conclude alone."))
    }

    @Test func everyCommandHasHelpWithAnExample() throws {
        let commands = [
            "init", "keygen", "log", "verify", "actor add", "actor list", "actor show", "actor grant",
            "actor revoke", "actor rotate-key", "actor suspend", "framework import", "framework validate",
            "framework register", "framework list", "framework show", "cycle open", "cycle show", "cycle extend",
            "cycle exclude", "score self", "score na", "score submit", "appraise", "spotcheck draw", "spotcheck score",
            "spotcheck redraw", "survey import", "publish", "correct", "scores", "ranking", "rebuild", "trace",
            "evidence add", "evidence list", "evidence check", "checkpoint create", "checkpoint verify",
            "checkpoint verifier-key", "prove inclusion", "prove consistency", "export", "verify-bundle",
            "trust-policy",
            "receipt verify", "demo",
        ]
        for command in commands {
            let help = try CLI.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.status == 0)
            #expect(help.output.contains("Example:"), "\(command) --help has no example")
        }
        #expect(try CLI.run(["--help"]).output.contains("Exit codes:"))
    }

    @Test func logShowsEventsFromAGivenPositionUpToALimit() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let workload = try CLI.run(
            ["--ledger", directory.ledgerPath, "--key", directory.secretariatKey, "--commands", "10"],
            program: "ledger-workload")
        #expect(workload.status == 0)
        let log = try CLI.run(["log", "--ledger", directory.ledgerPath, "--from", "4", "--limit", "3", "--json"])
        let sequences = try log.output.split(separator: "\n").map {
            try JSONParser.parse(String($0))["seq"]?.integerValue
        }
        #expect(sequences == [4, 5, 6])
    }
}
