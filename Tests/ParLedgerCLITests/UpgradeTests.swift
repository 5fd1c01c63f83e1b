import Foundation
import LMDB
import LedgerFormat
import TestSupport
import Testing

@testable import Ledger

/// Upgrading ParLedger over a province's data: `--version` says what this version writes and reads; a
/// ledger written by the previous release (no storage revision, no projections format, settings
/// without a format) is read, migrated when first written, and goes on; a newer one is refused with
/// what to run.
@Suite struct UpgradeTests {
    private func copyOfPreviousRelease() throws -> (directory: TemporaryDirectory, officerKey: String) {
        let directory = try TemporaryDirectory()
        let fixture = Repository.file("Tests/Fixtures/ledger-2026-12")
        let files = FileManager.default
        try files.createDirectory(atPath: directory.ledgerPath + "/web", withIntermediateDirectories: true)
        for (name, copy) in [
            ("data.mdb", "data.mdb"), ("log-test-key.txt", "log.key"), ("web/reminders.json", "web/reminders.json"),
        ] {
            try files.copyItem(atPath: fixture + "/" + name, toPath: directory.ledgerPath + "/" + copy)
        }
        let officerKey = directory.path + "/officer.key"
        try files.copyItem(atPath: fixture + "/officer-test-key.txt", toPath: officerKey)
        for key in [officerKey, directory.ledgerPath + "/log.key"] {
            try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        }
        return (directory, officerKey)
    }

    @Test func versionNamesEveryStoredFormatAndWhatHappensToOtherVersions() throws {
        let printed = try CLI.run(["--version"])
        #expect(printed.status == 0)
        for expected in [
            "parledger-ledger/1, storage revision \(StorageRevision.current)", "projections", "parledger-bundle/2",
            "parledger-trust-policy/1", "parledger-backup/1", "web/reminders.json", "parledger-reminders/1",
            "a newer one is refused",
        ] {
            #expect(printed.output.contains(expected), "missing: \(expected)")
        }
    }

    @Test func aLedgerOfThePreviousReleaseIsMigratedAndTakesNewCommands() throws {
        let (directory, officerKey) = try copyOfPreviousRelease()
        let ledger = ["--ledger", directory.ledgerPath]
        let verified = try CLI.run(["verify"] + ledger)
        #expect(verified.output.hasPrefix("OK: 6 events, head c9e478e376a90f70"), "\(verified.output)\(verified.error)")
        let scored = try CLI.run(
            [
                "score", "self", "dien-bien-2019", "so-tai-chinh", "1.2", "2", "--explanation", "9/12 báo cáo đúng hạn",
                "--key", officerKey,
            ] + ledger)
        #expect(scored.status == 0, "\(scored.error)")
        #expect(try CLI.run(["verify"] + ledger).output.hasPrefix("OK: 7 events"))
        let shown = try CLI.run(["scores", "dien-bien-2019", "so-tai-chinh"] + ledger)
        #expect(shown.status == 0 && shown.output.contains("1.2"), "\(shown.output)\(shown.error)")
        var readOnly = LedgerOptions(policy: AllowNothing())
        readOnly.storage.readOnly = true
        #expect(
            try Ledger.open(at: directory.ledgerPath, options: readOnly).storageRevision() == StorageRevision.current)
    }

    @Test func aLedgerOfANewerRevisionIsRefusedWithWhatToRun() throws {
        let (directory, _) = try copyOfPreviousRelease()
        do {
            let ledger = try Ledger.open(at: directory.ledgerPath, options: LedgerOptions(policy: AllowNothing()))
            try ledger.environment.write {
                try $0.put(bigEndianBytes(StorageRevision.current + 1), for: Ledger.revisionKey, in: ledger.meta)
            }
        }
        let refused = try CLI.run(["verify", "--ledger", directory.ledgerPath])
        #expect(refused.status == 3)
        #expect(
            refused.error.contains("written by a newer ParLedger (storage revision \(StorageRevision.current + 1))"))
        #expect(refused.error.contains("'parledger --version' lists the formats this one reads"), "\(refused.error)")
    }
}

/// A policy for opening a ledger in a test that appends nothing.
private struct AllowNothing: AuthorizationPolicy {
    func authorize(_ command: Command, by actor: ActorRecord) throws {
        throw LedgerError.notPermitted(reason: "this test appends nothing")
    }
}
