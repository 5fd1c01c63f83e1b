import Application
import Foundation
import Ledger
import LedgerFormat
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// A backup restores to the ledger it copied (same head, same evidence), names what the ledger
/// itself lacked, keeps the log's private key out unless asked, and a tampered, unfinished or
/// misplaced one is refused without touching anything.
@Suite struct LedgerBackupTests {
    @Test func aBackupRestoresToTheSameHeadWithItsEvidence() throws {
        let p = try Province.withOneDocumentStored()
        let out = try TemporaryDirectory()
        let manifest = try LedgerBackup.create(of: p.scoring, into: out.path + "/backup", includingLogKey: false)
        let head = try p.scoring.ledger.head()
        #expect(manifest.eventCount == head.count && manifest.headHash == head.hash.hex)
        #expect(manifest.missingEvidence == [Province.evidenceHash("d02")])
        #expect(manifest.files.contains { $0.path == "evidence/" + Province.evidenceHash("d01") })
        #expect(!manifest.files.contains { $0.path == Ledger.logKeyFileName })
        #expect(try LedgerBackup.verify(out.path + "/backup") == manifest)

        let restored = out.path + "/restored"
        _ = try LedgerBackup.restore(out.path + "/backup", to: restored)
        let ledger = try ScoringLedger.open(at: restored)
        #expect(try ledger.ledger.head() == head)
        #expect(try ledger.ledger.verify().problem == nil)
        #expect(EvidenceStore(ledger: ledger.ledger).check(Province.evidenceHash("d01")) == nil)
    }

    @Test func theLogsPrivateKeyIsCopiedOnlyWhenAskedAndStaysPrivate() throws {
        let p = try Province.withOneDocumentStored()
        let out = try TemporaryDirectory()
        let manifest = try LedgerBackup.create(of: p.scoring, into: out.path + "/backup", includingLogKey: true)
        #expect(manifest.includesLogKey && manifest.files.contains { $0.path == Ledger.logKeyFileName })
        let attributes = try FileManager.default.attributesOfItem(atPath: out.path + "/backup/ledger/log.key")
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0)
    }

    @Test func aTamperedOrUnfinishedBackupIsRefusedAndRestoresNothing() throws {
        let p = try Province.withOneDocumentStored()
        let out = try TemporaryDirectory()
        let backup = out.path + "/backup"
        _ = try LedgerBackup.create(of: p.scoring, into: backup, includingLogKey: false)
        let evidence = backup + "/ledger/evidence/" + Province.evidenceHash("d01")
        try Data("tài liệu khác".utf8).write(to: URL(fileURLWithPath: evidence))
        #expect(throws: LedgerBackup.Problem.self) { try LedgerBackup.verify(backup) }
        #expect(throws: LedgerBackup.Problem.self) { try LedgerBackup.restore(backup, to: out.path + "/restored") }
        #expect(!FileManager.default.fileExists(atPath: out.path + "/restored"))

        try FileManager.default.removeItem(atPath: backup + "/" + LedgerBackup.manifestName)
        let unfinished = #expect(throws: LedgerBackup.Problem.self) { try LedgerBackup.verify(backup) }
        #expect(unfinished?.description.contains("did not finish") == true)
    }

    @Test func aBackupNeverOverwritesABackupNorARestoreALedger() throws {
        let p = try Province.withOneDocumentStored()
        let out = try TemporaryDirectory()
        let backup = out.path + "/backup"
        _ = try LedgerBackup.create(of: p.scoring, into: backup, includingLogKey: false)
        #expect(throws: LedgerBackup.Problem.self) {
            try LedgerBackup.create(of: p.scoring, into: backup, includingLogKey: false)
        }
        #expect(throws: LedgerBackup.Problem.self) { try LedgerBackup.restore(backup, to: p.directory.ledgerPath) }
        #expect(try p.scoring.ledger.verify().problem == nil)
    }
}
