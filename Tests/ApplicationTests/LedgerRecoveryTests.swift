import Application
import Foundation
import Ledger
import LedgerFormat
import PARFixtures
import PARIndex
import TestSupport
import Testing
import Transparency

/// A ledger rebuilt from its published log has the same history (hashes, times, signatures), the
/// evidence that survives and the log key when given; a wrong key, a tampered log, another ledger's
/// policy or a target in use is refused and leaves nothing.
@Suite struct LedgerRecoveryTests {
    /// A province whose first department's document is in the store and the second's is not,
    /// published as tiles in `<out>/tiles`, with its trust policy (quorum 0).
    private struct Published {
        let province: Province
        let out: TemporaryDirectory
        let policy: TrustPolicy
        var tiles: String { out.path + "/tiles" }
        var target: String { out.path + "/recovered" }

        func request(logKey: SigningKey?, policy: TrustPolicy? = nil, from source: String? = nil) throws
            -> LedgerRecovery.Request
        {
            LedgerRecovery.Request(
                source: source ?? tiles, policy: policy ?? self.policy, evidence: province.scoring.ledger.path,
                witnesses: nil, logKey: logKey, ledgerPath: target)
        }
    }

    private func published() throws -> Published {
        let p = try Province.withOneDocumentStored()
        let out = try TemporaryDirectory()
        let (checkpoint, note) = try p.scoring.ledger.signedCheckpoint()
        _ = try StaticLog(directory: out.path + "/tiles").publish(p.scoring.ledger, checkpoint: checkpoint, note: note)
        return Published(province: p, out: out, policy: try p.scoring.ledger.trustPolicy())
    }

    @Test func aLedgerRebuiltFromItsPublishedLogHasTheSameHistoryEvidenceAndLogKey() throws {
        let published = try published()
        let original = published.province.scoring.ledger
        let outcome = try LedgerRecovery.restore(try published.request(logKey: try original.logKey()))
        let rebuilt = try ScoringLedger.open(at: published.target)
        #expect(try rebuilt.ledger.events() == original.events())
        let head = try original.head()
        #expect(outcome.eventCount == head.count && outcome.headHash == head.hash.hex)
        #expect(try rebuilt.ledger.verify().problem == nil)
        #expect(try rebuilt.projectionDigest() == published.province.scoring.projectionDigest())
        #expect(try rebuilt.ledger.logVerifierKey() == published.policy.log)
        #expect(outcome.evidenceCopied == 1 && outcome.missingEvidence.map(\.sha256) == [Province.evidenceHash("d02")])
        #expect(EvidenceStore(ledger: rebuilt.ledger).check(Province.evidenceHash("d01")) == nil)
        let entries = try FileManager.default.contentsOfDirectory(atPath: published.out.path)
        #expect(!entries.contains { $0.contains(".restoring-") })
    }

    @Test func aLogWhoseKeyWasRotatedIsRebuiltWithItsKeyHistoryAndSignsWithTheNewKey() throws {
        let p = try Province.withOneDocumentStored()
        let out = try TemporaryDirectory()
        let (oldKey, newKey) = (try p.scoring.ledger.logKey(), SigningKey())
        try p.scoring.ledger.rotateLogKey(to: newKey)
        try p.selfAssessFully("d02")
        let (checkpoint, note) = try p.scoring.ledger.signedCheckpoint()
        _ = try StaticLog(directory: out.path + "/tiles").publish(p.scoring.ledger, checkpoint: checkpoint, note: note)
        let policy = try p.scoring.ledger.trustPolicy()
        let published = Published(province: p, out: out, policy: policy)
        #expect(throws: LedgerRecovery.Problem.self, "the retired key was taken") {
            try LedgerRecovery.restore(try published.request(logKey: oldKey))
        }
        _ = try LedgerRecovery.restore(try published.request(logKey: newKey))
        let rebuilt = try ScoringLedger.open(at: published.target)
        #expect(try rebuilt.ledger.trustPolicy() == policy)
        let next = try rebuilt.ledger.signedCheckpoint().note
        #expect(try policy.logKeyHistory.openCheckpoint(next).key.publicKey == newKey.publicKey)
    }

    @Test func withoutTheLogKeyTheRebuiltLedgerVerifiesButSignsNoCheckpoint() throws {
        let published = try published()
        let outcome = try LedgerRecovery.restore(try published.request(logKey: nil))
        #expect(!outcome.hasLogKey)
        let rebuilt = try ScoringLedger.open(at: published.target)
        #expect(try rebuilt.ledger.verify().problem == nil)
        #expect(throws: KeyFile.Problem.self) { try rebuilt.ledger.signedCheckpoint() }
        #expect(!FileManager.default.fileExists(atPath: published.target + "/" + Ledger.logKeyFileName))
    }

    @Test func aWrongKeyATamperedLogAnotherLedgersPolicyOrATargetInUseIsRefusedLeavingNothing() throws {
        let published = try published()
        let key = try published.province.scoring.ledger.logKey()
        #expect(throws: LedgerRecovery.Problem.self) {
            try LedgerRecovery.restore(try published.request(logKey: SigningKey()))
        }
        let other = try Province(departments: 1, districts: 0)
        #expect(throws: LedgerRecovery.Problem.self) {
            try LedgerRecovery.restore(
                try published.request(logKey: nil, policy: try other.scoring.ledger.trustPolicy()))
        }
        let tampered = published.out.path + "/tampered"
        try FileManager.default.copyItem(atPath: published.tiles, toPath: tampered)
        let bundle = try #require(
            FileManager.default.subpaths(atPath: tampered + "/events")?.first { !$0.hasSuffix(".p") })
        let path = tampered + "/events/" + bundle
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"stream\":\"", with: "\"stream\":\"x").write(
            toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: LedgerRecovery.Problem.self) {
            try LedgerRecovery.restore(try published.request(logKey: key, from: tampered))
        }
        #expect(!FileManager.default.fileExists(atPath: published.target))
        try FileManager.default.createDirectory(atPath: published.target, withIntermediateDirectories: true)
        try Data("kept".utf8).write(to: URL(fileURLWithPath: published.target + "/kept"))
        #expect(throws: LedgerRecovery.Problem.self) { try LedgerRecovery.restore(try published.request(logKey: key)) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: published.target) == ["kept"])
        let entries = try FileManager.default.contentsOfDirectory(atPath: published.out.path)
        #expect(!entries.contains { $0.contains(".restoring-") })
    }
}
