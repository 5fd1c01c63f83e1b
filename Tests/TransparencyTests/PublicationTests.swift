import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing
import Transparency

/// The tlog-tiles layout: paths and which tiles a tree of a given size is published as.
@Suite struct TilePathTests {
    @Test func pathsFollowTlogTiles() {
        #expect(TilePath.path(.hashes(level: 0), index: 1_234_067) == "tile/0/x001/x234/067")
        #expect(TilePath.path(.hashes(level: 2), index: 5, width: 17) == "tile/2/005.p/17")
        #expect(TilePath.path(.entries, index: 1000) == "tile/entries/x001/000")
        #expect(TilePath.path(.events, index: 0, width: 1) == "events/000.p/1")
    }

    @Test func aTreeOf70000IsTheTilesTheSpecificationLists() {
        let tiles = TilePath.tiles(size: 70_000)
        func count(_ kind: TilePath.Kind, full: Bool) -> Int {
            tiles.filter { $0.kind == kind && ($0.width == 256) == full }.count
        }
        #expect(count(.hashes(level: 0), full: true) == 273)
        #expect(tiles.contains { $0.kind == .hashes(level: 0) && $0.index == 273 && $0.width == 112 })
        #expect(count(.hashes(level: 1), full: true) == 1)
        #expect(tiles.contains { $0.kind == .hashes(level: 1) && $0.index == 1 && $0.width == 17 })
        #expect(tiles.filter { $0.kind == .hashes(level: 2) }.map(\.width) == [1])
        #expect(count(.entries, full: true) == 273 && count(.events, full: false) == 1)
        #expect(TilePath.tiles(size: 256).map(\.width) == [256, 256, 256, 1])
    }

    @Test func anIncrementalPublicationSkipsTheFullTilesAlreadyOut() {
        let later = TilePath.tiles(size: 600, from: 300)
        #expect(!later.contains { $0.kind == .entries && $0.index == 0 })
        #expect(later.contains { $0.kind == .entries && $0.index == 1 && $0.width == 256 })
        #expect(later.contains { $0.kind == .entries && $0.index == 2 && $0.width == 88 })
    }

    @Test func onlyLayoutPathsAreServable() {
        #expect(TilePath.isServable("checkpoint") && TilePath.isServable("tile/0/x001/067.p/3"))
        #expect(!TilePath.isServable("tile/../../etc/passwd") && !TilePath.isServable("witnesses.txt"))
    }
}

/// Cosignatures and the trust policy's quorum, as both verifiers count them.
@Suite struct QuorumTests {
    @Test func aQuorumCountsDistinctWitnessesWithValidCosignatures() throws {
        let directory = try TemporaryDirectory()
        let log = try LogFixture(at: directory.ledgerPath)
        let (one, two) = (try witnessKey("a.example/w", in: directory), try witnessKey("b.example/w", in: directory))
        let (checkpoint, both) = try log.note(cosignedBy: [one, two])
        #expect(
            try log.policy(witnesses: [one, two], quorum: 2).requireQuorum(of: both) == ["a.example/w", "b.example/w"])

        let (_, single) = try log.note(cosignedBy: [one])
        let doubled = try SignedNote.adding([one.cosign(checkpoint.text, time: 7)], to: single)
        #expect(throws: TrustPolicy.Problem.self) {
            try log.policy(witnesses: [one, two], quorum: 2).requireQuorum(of: doubled)
        }

        let other = Checkpoint(origin: checkpoint.origin, size: checkpoint.size + 1, rootHash: checkpoint.rootHash)
        let misplaced = try SignedNote.adding([two.cosign(other.text, time: 7)], to: single)
        #expect(throws: TrustPolicy.Problem.self) {
            try log.policy(witnesses: [one, two], quorum: 2).requireQuorum(of: misplaced)
        }

        let plain = try SignedNote.split(SignedNote.sign(checkpoint.text, name: "b.example/w", key: SigningKey()))
            .signatures
        #expect(throws: TrustPolicy.Problem.self) {
            try log.policy(witnesses: [one, two], quorum: 2).requireQuorum(of: try SignedNote.adding(plain, to: single))
        }
    }

    @Test func aBundleOrReceiptNoteCarriesOnlyNoteSignaturesAndCosignatures() throws {
        let directory = try TemporaryDirectory()
        let log = try LogFixture(at: directory.ledgerPath)
        let (_, cosigned) = try log.note(cosignedBy: [try witnessKey("a.example/w", in: directory)])
        try SignedNote.requireKnownSignatureKinds(cosigned)
        let odd = cosigned + "— b.example/w " + Data(repeating: 7, count: 70).base64EncodedString() + "\n"
        #expect(throws: NoteVerifierKey.Problem.self) { try SignedNote.requireKnownSignatureKinds(odd) }
    }

    @Test func aTrustPolicyRefusesWitnessKeysThatCouldBeCountedWrongly() throws {
        let log = NoteVerifierKey(name: "parledger/dien-bien", publicKey: SigningKey().publicKey)
        let key = SigningKey().publicKey
        let witness = NoteVerifierKey(name: "a.example/w", kind: .cosignature, publicKey: key)
        let head =
            "parledger-trust-policy/1\nledger dien-bien\ngenesis \(String(repeating: "ab", count: 32))\nlog \(log)\n"
        #expect(try TrustPolicy(parsing: Array((head + "witness \(witness)\nquorum 1\n").utf8)).witnesses == [witness])
        for witnesses in [
            [NoteVerifierKey(name: "a.example/w", publicKey: key)],
            [witness, NoteVerifierKey(name: "a.example/w", kind: .cosignature, publicKey: SigningKey().publicKey)],
            [witness, NoteVerifierKey(name: "b.example/w", kind: .cosignature, publicKey: key)],
            [NoteVerifierKey(name: log.name, kind: .cosignature, publicKey: key)],
        ] {
            let text = head + witnesses.map { "witness \($0)\n" }.joined() + "quorum 1\n"
            #expect(throws: TrustPolicy.Problem.self) { try TrustPolicy(parsing: Array(text.utf8)) }
        }
    }
}
