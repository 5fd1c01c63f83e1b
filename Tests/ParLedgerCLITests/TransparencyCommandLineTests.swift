import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import TestSupport
import Testing
import Transparency

/// The transparency commands on a real ledger: a witness process cosigns what `tiles`, `export` and
/// receipts carry; mirrors and monitors follow the published folder; bad input appends nothing.
@Suite struct TransparencyCommandLineTests {
    /// Starts `parledger witness serve` on a free port; returns the process and its URL.
    func startWitness(_ name: String, in directory: TemporaryDirectory, logs: [String]) throws -> (Process, String) {
        let key = directory.path + "/\(name).key"
        let policy = directory.path + "/\(name)-logs.txt"
        try Data(("parledger-witness-policy/1\n" + logs.map { "log \($0)\n" }.joined()).utf8).write(
            to: URL(fileURLWithPath: policy))
        _ = try CLI.run(["witness", "keygen", "--name", "\(name).example/witness", "--out", key])
        let output = directory.path + "/\(name).out"
        let process = try CLI.start(
            [
                "witness", "serve", "--key", key, "--state", directory.path + "/\(name)-state", "--policy", policy,
                "--port", "0",
            ],
            program: "parledger", outputFile: output)
        for _ in 0..<100 {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            if let range = text.range(of: "http://127.0.0.1:"), let end = text[range.upperBound...].firstIndex(of: "/")
            {
                return (process, "http://127.0.0.1:" + text[range.upperBound..<end] + "/")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        process.terminate()
        throw CocoaError(.fileReadUnknown)
    }

    @Test func witnessesCosignTilesBundlesAndReceiptsAndVerifiersHoldTheQuorum() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let logKey = try CLI.succeed(["checkpoint", "verifier-key"], on: directory).output
            .trimmingCharacters(in: .newlines)
        let (witness, url) = try startWitness("thanhtra", in: directory, logs: [logKey])
        defer { witness.terminate() }
        let witnessKey = try String(contentsOfFile: directory.path + "/thanhtra.key.pub", encoding: .utf8)
            .trimmingCharacters(in: .newlines)
        _ = try CLI.succeed(["witnesses", "add", "--key", witnessKey, "--url", url], on: directory)
        let policy = directory.path + "/trust-policy.txt"
        _ = try CLI.succeed(["trust-policy", "--out", policy], on: directory)
        #expect(try String(contentsOfFile: policy, encoding: .utf8).contains("\nwitness \(witnessKey)\nquorum 1\n"))

        let published = directory.path + "/public"
        let tiles = try CLI.succeed(["tiles", "--out", published], on: directory)
        #expect(tiles.output.contains("Cosigned by 1 of 1 witnesses: thanhtra.example/witness"))
        let monitor = try CLI.run([
            "monitor", published, "--trust", policy, "--state", directory.path + "/mon", "--once",
        ])
        #expect(monitor.status == 0, "\(monitor.output)\(monitor.error)")
        #expect(monitor.output.contains("chain, signatures, commands and rules hold"))
        let mirror = try CLI.run(["mirror", published, directory.path + "/mirror", "--trust", policy, "--once"])
        #expect(mirror.status == 0 && mirror.output.contains("cosigned by thanhtra.example/witness"))

        _ = try CLI.succeed(["export", directory.path + "/bundle", "--quiet"], on: directory)
        let verified = try CLI.run(["verify-bundle", directory.path + "/bundle", "--trust", policy])
        #expect(verified.status == 0, "\(verified.output)")
        #expect(try CLI.runPythonVerifier(directory.path + "/bundle", trust: policy).status == 0)

        let document = directory.path + "/bien-ban.pdf"
        try Data("%PDF-1.4 biên bản".utf8).write(to: URL(fileURLWithPath: document))
        let receipt = directory.path + "/evidence.receipt"
        _ = try CLI.succeed(
            ["evidence", "add", document, "--receipt-out", receipt], on: directory, key: directory.secretariatKey)
        #expect(try CLI.run(["receipt", "verify", receipt, "--trust", policy]).status == 0)

        witness.terminate()
        witness.waitUntilExit()
        let late = directory.path + "/late.receipt"
        try Data("%PDF-1.4 biên bản 2".utf8).write(to: URL(fileURLWithPath: document))
        let appended = try CLI.run(
            ["evidence", "add", document, "--receipt-out", late], on: directory, key: directory.secretariatKey)
        #expect(appended.status == 0 && appended.error.contains("no cosignature by thanhtra.example/witness"))
        let refused = try CLI.run(["receipt", "verify", late, "--trust", policy])
        #expect(refused.status == 1 && refused.error.contains("0 of the 1 witnesses"), "\(refused.error)")
        let unwitnessed = try CLI.run(["tiles", "--out", published], on: directory)
        #expect(unwitnessed.status == 3 && unwitnessed.output.contains("Cosigned by 0 of 1"))
        let alert = try CLI.run(["monitor", published, "--trust", policy, "--state", directory.path + "/mon", "--once"])
        #expect(alert.status == 1 && alert.output.contains("ALERT [quorum]"), "\(alert.output)")
    }

    /// Lets the log host append anything, as a host that bypasses the rules would.
    struct PermitAll: AuthorizationPolicy {
        func authorize(_ command: Command, by actor: ActorRecord) throws {}
    }

    @Test func aMonitorAlertsOnAnEventTheRulesRefuseThoughTheHostSignedItsCheckpoint() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let policy = directory.path + "/trust-policy.txt"
        _ = try CLI.succeed(["trust-policy", "--out", policy], on: directory)
        let published = directory.path + "/public"
        _ = try CLI.succeed(["tiles", "--out", published], on: directory)
        #expect(
            try CLI.run(["monitor", published, "--trust", policy, "--state", directory.path + "/mon", "--once"]).status
                == 0)

        let ledger = try Ledger.open(at: directory.ledgerPath, options: LedgerOptions(policy: PermitAll()))
        let score = PAREvents.SelfScoreRecorded(
            cycle: TemporaryDirectory.cycle, unit: "so-tai-chinh", criterion: "1.1", points: "999.00", evidence: [],
            explanation: "the host's own score")
        let command = try ledger.sign(
            Command(id: "bypass", actor: "so-noi-vu", events: [score.draft]),
            with: KeyFile.read(directory.secretariatKey))
        try ledger.append(command)
        let (checkpoint, note) = try ledger.signedCheckpoint()
        _ = try StaticLog(directory: published).publish(ledger, checkpoint: checkpoint, note: note)

        let alert = try CLI.run(["monitor", published, "--trust", policy, "--state", directory.path + "/mon", "--once"])
        #expect(alert.status == 1, "\(alert.output)\(alert.error)")
        #expect(
            alert.output.contains("ALERT [rule]") && alert.output.contains("event \(checkpoint.size)"),
            "\(alert.output)")
    }

    @Test func badTransparencyInputIsRefusedAndChangesNothing() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let logKey = try CLI.succeed(["checkpoint", "verifier-key"], on: directory).output
            .trimmingCharacters(in: .newlines)
        let asWitness = try CLI.run(
            ["witnesses", "add", "--key", logKey, "--url", "http://127.0.0.1:9/"], on: directory)
        #expect(asWitness.status == 2 && asWitness.error.contains("not a witness's cosignature key"))
        #expect(!FileManager.default.fileExists(atPath: directory.ledgerPath + "/witnesses.txt"))
        let tooMany = try CLI.run(["trust-policy", "--quorum", "1"], on: directory)
        #expect(tooMany.status == 2 && tooMany.error.contains("quorum of 1"))

        let other = try TemporaryDirectory()
        try other.initLedger()
        _ = try CLI.succeed(["tiles", "--out", directory.path + "/public"], on: other)
        let foreign = try CLI.run(["tiles", "--out", directory.path + "/public"], on: directory)
        #expect(foreign.status == 2 && foreign.error.contains("publishes another log"))

        let key = directory.path + "/w.key"
        _ = try CLI.run(["witness", "keygen", "--name", "w.example", "--out", key])
        chmod(key, 0o644)
        try Data("parledger-witness-policy/1\nlog \(logKey)\n".utf8).write(
            to: URL(fileURLWithPath: directory.path + "/logs.txt"))
        let exposed = try CLI.run([
            "witness", "serve", "--key", key, "--state", directory.path + "/state", "--policy",
            directory.path + "/logs.txt",
        ])
        #expect(exposed.status == 2 && exposed.error.contains("readable by others"))
        let unreachable = try CLI.run([
            "monitor", directory.path + "/nothing", "--trust", directory.path + "/none.txt", "--state", directory.path,
            "--once",
        ])
        #expect(unreachable.status == 2)
    }
}
