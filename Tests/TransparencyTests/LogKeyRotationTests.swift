import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing
import Transparency

/// Log key rotation (FORMAT.md, Log key rotation): the handover, the policy that names it, the key
/// each tree size needs, and a witness that follows it.
@Suite struct LogKeyRotationTests {
    let directory: TemporaryDirectory
    let log: LogFixture
    let oldKey: SigningKey

    init() throws {
        directory = try TemporaryDirectory()
        log = try LogFixture(at: directory.ledgerPath)
        try log.append(4)
        oldKey = try log.ledger.logKey()
    }

    /// A checkpoint of the first `size` events signed by `key` under the log's origin.
    func note(size: UInt64, by key: SigningKey) throws -> String {
        let (size, root) = try log.ledger.treeRoot(size: size)
        let checkpoint = Checkpoint(origin: Checkpoint.origin(ledgerID: log.ledger.id), size: size, rootHash: root)
        return SignedNote.sign(checkpoint.text, name: checkpoint.origin, key: key)
    }

    @Test func aPolicyWithoutHandoversParsesAsBeforeAndMeansTheSame() throws {
        let policy = try log.ledger.trustPolicy()
        let reread = try TrustPolicy(parsing: Array(policy.text.utf8))
        #expect(reread == policy && reread.handovers.isEmpty && !policy.text.contains("log-handover"))
        #expect(reread.logKeyHistory.spans.map(\.from) == [0] && reread.currentLogKey == policy.log)
        #expect(try reread.openCheckpoint(note(size: 5, by: oldKey)).checkpoint.size == 5)
    }

    @Test func theHandoverNamesTheNewKeyTheSizeAndTheRootAndTheOldKeySignsIt() throws {
        let newKey = SigningKey()
        let handover = try log.ledger.rotateLogKey(to: newKey)
        let root = try log.ledger.treeRoot(size: 5).root
        #expect(handover.size == 5 && handover.rootHash == root)
        let text = try SignedNote.open(
            handover.note, verifier: NoteVerifierKey(name: handover.origin, publicKey: oldKey.publicKey))
        #expect(
            text
                == "ParLedger log key handover\n\(handover.origin)\n\(handover.newKey)\n5\n\(Data(handover.rootHash).base64EncodedString())\n"
        )
        #expect(try log.ledger.logKey().publicKey == newKey.publicKey)
        let policy = try log.ledger.trustPolicy()
        #expect(policy.log.publicKey == oldKey.publicKey && policy.handovers == [handover])
        #expect(try TrustPolicy(parsing: Array(policy.text.utf8)) == policy)
        #expect(throws: LogHandover.Problem.self) {
            try LogHandover(parsing: handover.note, signedBy: handover.newKey)
        }
    }

    @Test func eachTreeSizeNeedsTheKeyThatSignsIt() throws {
        let newKey = SigningKey()
        try log.ledger.rotateLogKey(to: newKey)
        try log.append(2)
        let policy = try log.ledger.trustPolicy()
        #expect(try policy.openCheckpoint(note(size: 7, by: newKey)).key.publicKey == newKey.publicKey)
        #expect(try policy.openCheckpoint(note(size: 5, by: newKey)).checkpoint.size == 5)
        #expect(try policy.openCheckpoint(note(size: 5, by: oldKey)).key.publicKey == oldKey.publicKey)
        #expect(try policy.openCheckpoint(note(size: 3, by: oldKey)).checkpoint.size == 3)
        let refusals = [
            (try note(size: 6, by: oldKey), "retired after tree size 5"),
            (try note(size: 4, by: newKey), "takes over only at tree size 5"),
        ]
        for (note, reason) in refusals {
            #expect {
                try policy.openCheckpoint(note)
            } throws: { ($0 as? TrustPolicy.Problem)?.description.contains(reason) == true }
        }
        let oldPolicy = TrustPolicy(ledgerID: policy.ledgerID, genesis: policy.genesis, log: policy.log)
        #expect(throws: TrustPolicy.Problem.self) { try oldPolicy.openCheckpoint(note(size: 7, by: newKey)) }
        let otherRoot = Checkpoint(
            origin: Checkpoint.origin(ledgerID: log.ledger.id), size: 5, rootHash: [UInt8](repeating: 7, count: 32))
        #expect(throws: TrustPolicy.Problem.self) {
            try policy.openCheckpoint(SignedNote.sign(otherRoot.text, name: otherRoot.origin, key: oldKey))
        }
    }

    @Test func aPolicyRefusesAHandoverNotSignedByTheKeyBeforeIt() throws {
        try log.ledger.rotateLogKey(to: SigningKey())
        let good = try log.ledger.trustPolicy().text
        let stranger = SigningKey()
        let origin = Checkpoint.origin(ledgerID: log.ledger.id)
        let forged = LogHandover.sign(
            origin: origin, newKey: NoteVerifierKey(name: origin, publicKey: SigningKey().publicKey), size: 5,
            rootHash: try log.ledger.treeRoot(size: 5).root, oldKey: stranger)
        let line = good.split(separator: "\n").first { $0.hasPrefix("log-handover ") }!
        let variants = [
            good.replacingOccurrences(of: line, with: "log-handover \(Data(forged.note.utf8).base64EncodedString())"),
            good.replacingOccurrences(of: line, with: "log-handover not-base64"),
            good.replacingOccurrences(
                of: line, with: line + "\n" + line.replacingOccurrences(of: "log-handover ", with: "log-handover  ")),
        ]
        for variant in variants {
            #expect(throws: TrustPolicy.Problem.self) { try TrustPolicy(parsing: Array(variant.utf8)) }
        }
    }

    @Test func aRotationRefusesAUsedKeyAndASecondHandoverAtTheSameSize() throws {
        let first = SigningKey()
        try log.ledger.rotateLogKey(to: first)
        #expect(throws: LedgerError.self) { try log.ledger.rotateLogKey(to: SigningKey()) }
        try log.append(1)
        #expect(throws: LedgerError.self) { try log.ledger.rotateLogKey(to: oldKey) }
        #expect(throws: LedgerError.self) { try log.ledger.rotateLogKey(to: first) }
        #expect(try log.ledger.logKey().publicKey == first.publicKey)
        #expect(try log.ledger.logKeyHandovers().count == 1)
        try log.ledger.rotateLogKey(to: SigningKey())
        let policy = try log.ledger.trustPolicy()
        #expect(policy.logKeyHistory.spans.map(\.from) == [0, 5, 6])
        #expect(try TrustPolicy(parsing: Array(policy.text.utf8)) == policy)
    }

    @Test func aRotationCutByACrashIsFinishedOrUndoneAsItsHandoverSays() throws {
        let files = FileManager.default
        let current = directory.ledgerPath + "/log.key"
        let next = directory.ledgerPath + "/.log.key.next"
        // Cut before the handover was written: the new key is dropped, the old one still signs.
        try KeyFile.write(SigningKey(), to: next)
        #expect(try log.ledger.logKey().publicKey == oldKey.publicKey)
        #expect(!files.fileExists(atPath: next) && !files.fileExists(atPath: next + ".pub"))
        // Cut after the handover, before the new key replaced the old: the new key is put in place.
        let newKey = SigningKey()
        try log.ledger.rotateLogKey(to: newKey)
        try files.moveItem(atPath: current, toPath: next)
        try files.moveItem(atPath: current + ".pub", toPath: next + ".pub")
        try KeyFile.write(oldKey, to: current)
        #expect(try log.ledger.logKey().publicKey == newKey.publicKey)
        #expect(try KeyFile.readPublicKey(current + ".pub") == newKey.publicKey)
        // Cut between the key and its public key.
        try files.moveItem(atPath: current + ".pub", toPath: next + ".pub")
        try Data((oldKey.publicKey.base64 + "\n").utf8).write(to: URL(fileURLWithPath: current + ".pub"))
        #expect(try log.ledger.logKey().publicKey == newKey.publicKey)
        #expect(try KeyFile.readPublicKey(current + ".pub") == newKey.publicKey)
        #expect(!files.fileExists(atPath: next) && !files.fileExists(atPath: next + ".pub"))
        try KeyFile.write(oldKey, to: next)
        #expect(try log.ledger.logKey().publicKey == newKey.publicKey && !files.fileExists(atPath: next))
    }

    @Test func aWitnessFollowsTheHandoverInItsPolicyAndRefusesTheRetiredKeyPastIt() throws {
        let witnessKey = try TransparencyTests.witnessKey("thanhtra.dienbien.gov.vn/witness", in: directory)
        func request(old: UInt64, note: String, size: UInt64) throws -> [UInt8] {
            let proof = old == 0 ? [] : try log.ledger.consistencyProof(oldSize: old, newSize: size).proof
            return Array(
                ("old \(old)\n" + proof.map { Data($0).base64EncodedString() + "\n" }.joined() + "\n" + note).utf8)
        }
        let newKey = SigningKey()
        let handover = try log.ledger.rotateLogKey(to: newKey)
        try log.append(2)
        let text =
            "parledger-witness-policy/1\nlog \(NoteVerifierKey(name: handover.origin, publicKey: oldKey.publicKey))\nlog-handover \(Data(handover.note.utf8).base64EncodedString())\n"
        let policy = try WitnessPolicy(parsing: text)
        #expect(try WitnessPolicy(parsing: policy.text).logs == policy.logs)
        let witness = try Witness(key: witnessKey, policy: policy, stateDirectory: directory.path + "/witness")
        #expect(witness.addCheckpoint(try request(old: 0, note: note(size: 5, by: oldKey), size: 5)).status == 200)
        let forged = witness.addCheckpoint(try request(old: 5, note: note(size: 7, by: oldKey), size: 7))
        #expect(forged.status == 403 && forged.body.contains("retired"))
        #expect(witness.addCheckpoint(try request(old: 5, note: note(size: 7, by: newKey), size: 7)).status == 200)
        let unknown = try Witness(
            key: witnessKey, policy: WitnessPolicy(logs: [policy.logs[handover.origin]!.first]),
            stateDirectory: directory.path + "/witness-2")
        #expect(unknown.addCheckpoint(try request(old: 0, note: note(size: 7, by: newKey), size: 7)).status == 403)
        #expect(throws: WitnessPolicy.Problem.self) {
            try WitnessPolicy(
                parsing: "parledger-witness-policy/1\nlog-handover \(Data(handover.note.utf8).base64EncodedString())\n")
        }
    }
}
