import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing

@Suite struct CheckpointCommandLineTests {
    @Test func aCheckpointIsSignedByTheLogKeyThatTheTrustPolicyNames() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let ledger = ["--ledger", directory.ledgerPath]
        let file = directory.path + "/checkpoint.txt"
        let created = try CLI.run(["checkpoint", "--out", file] + ledger)
        #expect(created.status == 0, "\(created.error)")
        let key = try CLI.run(["checkpoint", "verifier-key"] + ledger).output.trimmingCharacters(in: .newlines)
        #expect(created.output.contains("Verifier key: \(key)"))
        let policy = try CLI.run(["trust-policy"] + ledger).output
        #expect(policy.contains("\nlog \(key)\n"))
        let verified = try CLI.run(["checkpoint", "verify", file, "--key", key] + ledger)
        #expect(verified.status == 0, "\(verified.output)\(verified.error)")
        #expect(verified.output.contains("OK: checkpoint signed by parledger/"))
        #expect(verified.output.contains("The ledger's tree of 4 events has this root."))

        let text = try String(contentsOfFile: file, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "\n4\n", with: "\n3\n").utf8).write(to: URL(fileURLWithPath: file))
        let forged = try CLI.run(["checkpoint", "verify", file, "--key", key])
        #expect(forged.status == 1)
        #expect(forged.error.contains("does not verify"))
    }

    @Test func aLedgerWithoutALogKeyGetsOneOnFirstUseAndItsPolicyNamesIt() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        try FileManager.default.removeItem(atPath: directory.ledgerPath + "/log.key")
        try FileManager.default.removeItem(atPath: directory.ledgerPath + "/log.key.pub")
        let policy = try CLI.run(["trust-policy", "--ledger", directory.ledgerPath])
        #expect(policy.status == 0, "\(policy.error)")
        #expect(FileManager.default.fileExists(atPath: directory.ledgerPath + "/log.key"))
        let again = try CLI.run(["trust-policy", "--ledger", directory.ledgerPath])
        #expect(again.output == policy.output)
    }

    @Test func checkpointVerifyAcceptsGosReferenceSignedNote() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/note.txt"
        let note =
            "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n"
            + "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        try Data(note.utf8).write(to: URL(fileURLWithPath: file))
        let outcome = try CLI.run([
            "checkpoint", "verify", file, "--key", "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        ])
        #expect(outcome.status == 0)
        #expect(outcome.output.hasPrefix("OK: a valid signature by PeterNeumann; the note is not a checkpoint:"))
    }

    @Test func proofsFromTheCommandLineVerifyWithRFC9162() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let ledger = ["--ledger", directory.ledgerPath]
        let inclusion = try JSONParser.parse(
            try CLI.run(["prove", "inclusion", "3", "--json"] + ledger).output.trimmingCharacters(in: .newlines))
        let proof = try #require(inclusion["proof"]?.arrayValue).compactMap {
            $0.stringValue.flatMap(EventHash.init(hex:))?.bytes
        }
        let leaf = try #require(inclusion["leafHash"]?.stringValue.flatMap(EventHash.init(hex:))?.bytes)
        let root = try #require(inclusion["rootHash"]?.stringValue.flatMap(EventHash.init(hex:))?.bytes)
        #expect(inclusion["treeSize"] == .integer(4))
        #expect(MerkleTree.verifyInclusion(leafHash: leaf, index: 2, size: 4, proof: proof, root: root))
        let text = try CLI.run(["prove", "consistency", "2"] + ledger)
        #expect(text.output.contains("The proof verifies (RFC 9162 §2.1.4.2)."))
        let beyond = try CLI.run(["prove", "inclusion", "99"] + ledger)
        #expect(beyond.status == 2)
        #expect(beyond.error.contains("error: event 99 is not in a tree of 4 events"))
    }
}
