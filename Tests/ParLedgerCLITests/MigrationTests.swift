import Foundation
import TestSupport
import Testing

/// Ledgers written before commands carried a signing time and a basis keep working.
@Suite struct MigrationTests {
    @Test func aFormatOneLedgerVerifiesTakesNewCommandsAndExportsABundleBothVerifiersAccept() throws {
        let directory = try TemporaryDirectory()
        let fixture = Repository.file("Tests/Fixtures/ledger-format-1")
        try FileManager.default.createDirectory(atPath: directory.ledgerPath, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture + "/data.mdb", toPath: directory.ledgerPath + "/data.mdb")
        let key = directory.path + "/secretariat.key"
        try FileManager.default.copyItem(atPath: fixture + "/secretariat-test-key.txt", toPath: key)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        let ledger = ["--ledger", directory.ledgerPath]

        #expect(try CLI.run(["verify"] + ledger).output.hasPrefix("OK: 3 events"))
        #expect(try CLI.run(["keygen", "--out", directory.path + "/auditor.key"]).status == 0)
        let added = try CLI.run(
            [
                "actor", "add", "kiem-toan", "--name", "Kiểm toán viên", "--role", "auditor",
                "--public-key", directory.path + "/auditor.key.pub", "--key", key,
            ] + ledger)
        #expect(added.status == 0, "\(added.error)")
        #expect(try CLI.run(["verify"] + ledger).output.hasPrefix("OK: 4 events"))
        let event = try CLI.run(["log", "--from", "4", "--json"] + ledger).output
        #expect(event.contains("\"signedAt\":") && event.contains("\"basis\":{\"hash\":"))

        let trust = directory.path + "/trust-policy.txt"
        #expect(try CLI.run(["trust-policy", "--out", trust] + ledger).status == 0)
        let bundle = directory.path + "/bundle"
        #expect(try CLI.run(["export", bundle, "--quiet"] + ledger).status == 0)
        let swift = try CLI.run(["verify-bundle", bundle, "--trust", trust, "--quiet"])
        #expect(swift.status == 0, "\(swift.output)")
        let python = try CLI.runPythonVerifier(bundle, trust: trust)
        #expect(python.status == 0, "\(python.output)\(python.error)")
    }
}
