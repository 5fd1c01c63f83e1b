import Foundation
import Ledger
import Testing
import TestSupport

@Suite struct CommandLineTests {
    @Test func initAppendLogAndVerifyWorkEndToEnd() throws {
        let directory = try TemporaryDirectory()
        let ledger = ["--ledger", directory.ledgerPath]
        let created = try CLI.run(["init"] + ledger + ["--key-out", directory.secretariatKey])
        #expect(created.status == 0)
        #expect(created.output.contains("Enrolled the secretariat 'so-noi-vu' (Sở Nội vụ) with key "))
        let appended = try CLI.run(["append"] + ledger + [
            "--key", directory.secretariatKey, "--stream", "cycle/2019", "--type", "CycleOpened",
            "--payload", #"{"year":2019,"ghi_chu":"Sở Nội vụ mở kỳ đánh giá"}"#,
        ])
        #expect(appended.status == 0)
        #expect(appended.output.hasPrefix("Event 2 CycleOpened on cycle/2019 #1, hash "))
        let log = try CLI.run(["log", "--json"] + ledger)
        #expect(log.status == 0)
        let lines = log.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let envelope = try JSONParser.parse(lines[1])
        #expect(envelope["actor"] == .string("so-noi-vu"))
        #expect(envelope["payload"]?["ghi_chu"] == .string("Sở Nội vụ mở kỳ đánh giá"))
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
        let arguments = ["append", "--ledger", directory.ledgerPath, "--key", directory.secretariatKey, "--stream", "s",
                         "--type", "CycleOpened", "--payload", "{}", "--command-id", "cmd-42"]
        try directory.initLedger()
        #expect(try CLI.run(arguments).status == 0)
        let repeated = try CLI.run(arguments)
        #expect(repeated.status == 0)
        #expect(repeated.output.contains("already recorded by this command id; nothing appended"))
        #expect(try directory.openLedger().head().count == 2)
    }

    @Test func aWrongExpectedVersionIsRefusedWithExitCode2() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let base = ["append", "--ledger", directory.ledgerPath, "--key", directory.secretariatKey, "--stream", "s",
                    "--type", "CycleOpened", "--payload", "{}"]
        #expect(try CLI.run(base + ["--expect-version", "none"]).status == 0)
        let refused = try CLI.run(base + ["--expect-version", "none"])
        #expect(refused.status == 2)
        #expect(refused.error.contains("stream 's' is at version 1, the command expected no stream; nothing was appended"))
        #expect(try directory.openLedger().head().count == 2)
    }

    @Test func aPayloadFileThatIsNotUTF8IsRefusedAndNothingIsAppended() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let file = directory.path + "/payload.json"
        try Data([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0x53, 0xE1, 0xBB, 0x22, 0x7D]).write(to: URL(fileURLWithPath: file))
        let refused = try CLI.run(["append", "--ledger", directory.ledgerPath, "--key", directory.secretariatKey,
                                   "--stream", "s", "--type", "CycleOpened", "--payload-file", file])
        #expect(refused.status == 2)
        #expect(refused.error.contains("payload.json is not acceptable JSON"))
        #expect(refused.error.contains("not valid UTF-8 (byte offset 7)"))
        #expect(try directory.openLedger().head().count == 1)
    }

    @Test func malformedPayloadsAreRefusedWithLineAndColumn() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let refused = try CLI.run(["append", "--ledger", directory.ledgerPath, "--key", directory.secretariatKey,
                                   "--stream", "s", "--type", "CycleOpened", "--payload", "{\n\"points\": 1.5}"])
        #expect(refused.status == 2)
        #expect(refused.error.contains("line 2, column 11: only integers are allowed"))
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
        try FileManager.default.createDirectory(atPath: directory.path + "/data.mdb", withIntermediateDirectories: false)
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
        let outcome = try CLI.run(["append", "--stream", "s", "--type", "T"])
        #expect(outcome.status == 64)
        #expect(outcome.error.contains("Give exactly one of --payload and --payload-file."))
    }

    @Test func everyCommandHasHelpWithAnExample() throws {
        let commands = ["init", "keygen", "append", "log", "verify", "actor add", "actor list", "actor show", "actor grant",
                        "actor revoke", "actor rotate-key", "actor suspend"]
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
        let workload = try CLI.run(["--ledger", directory.ledgerPath, "--key", directory.secretariatKey, "--commands", "10"], program: "ledger-workload")
        #expect(workload.status == 0)
        let log = try CLI.run(["log", "--ledger", directory.ledgerPath, "--from", "4", "--limit", "3", "--json"])
        let sequences = try log.output.split(separator: "\n").map { try JSONParser.parse(String($0))["seq"]?.integerValue }
        #expect(sequences == [4, 5, 6])
    }
}
