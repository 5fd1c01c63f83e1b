import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing
import Transparency

/// C2SP tlog-witness add-checkpoint: what a witness cosigns, what it refuses, and what it keeps.
@Suite struct WitnessTests {
    let directory: TemporaryDirectory
    let log: LogFixture
    let witnessKey: WitnessKey
    let witness: Witness

    init() throws {
        directory = try TemporaryDirectory()
        log = try LogFixture(at: directory.ledgerPath)
        try log.append(5)
        witnessKey = try TransparencyTests.witnessKey("thanhtra.dienbien.gov.vn/witness", in: directory)
        witness = try Witness(
            key: witnessKey, policy: WitnessPolicy(logs: [try log.ledger.logVerifierKey()]),
            stateDirectory: directory.path + "/witness", clock: { 1_790_000_000 })
    }

    func request(old: UInt64, note: String, size: UInt64? = nil) throws -> [UInt8] {
        let proof = old == 0 ? [] : try log.ledger.consistencyProof(oldSize: old, newSize: size).proof
        return Array(("old \(old)\n" + proof.map { Data($0).base64EncodedString() + "\n" }.joined() + "\n" + note).utf8)
    }

    @Test func cosignsAFirstCheckpointAndThenOnlyItsExtensions() throws {
        let (first, note) = try log.note()
        let answer = witness.addCheckpoint(try request(old: 0, note: note))
        #expect(answer.status == 200)
        let cosigned = try SignedNote.adding(try SignedNote.split(note + "\n" + answer.body).signatures, to: note)
        #expect(try Cosignature.cosigners(of: cosigned, among: [witnessKey.verifier]) == [witnessKey.verifier.name])
        #expect(try witness.state.latest(origin: first.origin)?.size == first.size)

        try log.append(3)
        let (second, next) = try log.note()
        let stale = witness.addCheckpoint(try request(old: 0, note: next))
        #expect(stale.status == 409 && stale.contentType == "text/x.tlog.size" && stale.body == "\(first.size)\n")
        #expect(witness.addCheckpoint(try request(old: first.size, note: next)).status == 200)
        #expect(try witness.state.latest(origin: second.origin)?.size == second.size)
    }

    @Test func refusesAForkOfTheSameLogKeyAndKeepsItAsEvidence() throws {
        let (_, note) = try log.note()
        #expect(witness.addCheckpoint(try request(old: 0, note: note)).status == 200)
        let cosignedSize = try log.ledger.head().count

        let forkDirectory = try TemporaryDirectory()
        let fork = try LogFixture(at: forkDirectory.ledgerPath, forking: log.ledger)
        try fork.append(5, tag: "fork")
        let sameSize = try fork.note().1
        let conflict = witness.addCheckpoint(try request(old: cosignedSize, note: sameSize))
        #expect(conflict.status == 409 && conflict.body.contains("different root"))

        try fork.append(2, tag: "fork")
        let proof = try fork.ledger.consistencyProof(oldSize: cosignedSize).proof
        let longer = try fork.note().1
        let body =
            "old \(cosignedSize)\n" + proof.map { Data($0).base64EncodedString() + "\n" }.joined() + "\n" + longer
        let refused = witness.addCheckpoint(Array(body.utf8))
        #expect(refused.status == 422)
        #expect(try witness.state.latest(origin: Checkpoint.origin(ledgerID: log.ledger.id))?.size == cosignedSize)
        #expect(try witness.state.refused().count == 2)
        #expect(try witness.state.refused().last?.request.hasSuffix(longer) == true)
    }

    @Test func refusesWhatTheProtocolForbids() throws {
        let (_, note) = try log.note()
        #expect(witness.addCheckpoint(Array("no empty line".utf8)).status == 400)
        #expect(witness.addCheckpoint(Array("old 01\n\n\(note)".utf8)).status == 400)
        #expect(witness.addCheckpoint(Array("old 99\n\n\(note)".utf8)).status == 400)
        #expect(witness.addCheckpoint(Array("old 0\nnot-base64\n\n\(note)".utf8)).status == 400)

        let stranger = try LogFixture(at: directory.path + "/stranger")
        #expect(witness.addCheckpoint(try request(old: 0, note: try stranger.note().1)).status == 404)

        let (checkpoint, _) = try log.note()
        let forged = SignedNote.sign(checkpoint.text, name: checkpoint.origin, key: SigningKey())
        #expect(witness.addCheckpoint(try request(old: 0, note: forged)).status == 403)
        #expect(try witness.state.latest(origin: checkpoint.origin) == nil)
    }

    @Test func remembersWhatItCosignedAfterARestart() throws {
        let (checkpoint, note) = try log.note()
        let state = directory.path + "/restarted"
        do {
            let first = try Witness(key: witnessKey, policy: witness.policy, stateDirectory: state)
            #expect(first.addCheckpoint(try request(old: 0, note: note)).status == 200)
        }
        let restarted = try Witness(key: witnessKey, policy: witness.policy, stateDirectory: state)
        #expect(try restarted.state.latest(origin: checkpoint.origin)?.rootHash == checkpoint.rootHash)
        #expect(restarted.addCheckpoint(try request(old: 0, note: note)).status == 409)
    }
}

/// The witness key file and the witness policy file.
@Suite struct WitnessFileTests {
    @Test func aWitnessKeyFileRoundTripsAndIsRefusedWhenOthersCanReadIt() throws {
        let directory = try TemporaryDirectory()
        let key = try WitnessKey(generatingFor: "moha.gov.vn/witness")
        try key.write(to: directory.path + "/w.key")
        let read = try WitnessKey(file: directory.path + "/w.key")
        #expect(read.verifier == key.verifier)
        #expect(read.verifier.kind == .cosignature)
        let published = try String(contentsOfFile: directory.path + "/w.key.pub", encoding: .utf8)
        #expect(try NoteVerifierKey(parsing: published.trimmingCharacters(in: .newlines)) == key.verifier)
        chmod(directory.path + "/w.key", 0o644)
        #expect(throws: WitnessKey.Problem.self) { try WitnessKey(file: directory.path + "/w.key") }
        #expect(throws: WitnessKey.Problem.self) { try WitnessKey(generatingFor: "two words") }
    }

    @Test func aWitnessPolicyNamesEd25519LogKeysOnce() throws {
        let log = NoteVerifierKey(name: "parledger/dien-bien", publicKey: SigningKey().publicKey)
        let policy = try WitnessPolicy(parsing: "# logs\nparledger-witness-policy/1\nlog \(log)\n")
        #expect(policy.logs == [log.name: LogKeyHistory(first: log)])
        #expect(try WitnessPolicy(parsing: policy.text).logs == policy.logs)
        let witness = NoteVerifierKey(name: "w", kind: .cosignature, publicKey: SigningKey().publicKey)
        for text in [
            "log \(log)\n", "parledger-witness-policy/1\nlog \(witness)\n",
            "parledger-witness-policy/1\nlog \(log)\nlog \(log)\n", "parledger-witness-policy/1\nlogs \(log)\n",
        ] {
            #expect(throws: WitnessPolicy.Problem.self) { try WitnessPolicy(parsing: text) }
        }
    }
}
