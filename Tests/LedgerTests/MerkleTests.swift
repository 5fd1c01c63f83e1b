import Foundation
import LMDB
import TestSupport
import Testing

@testable import Ledger
@testable import LedgerFormat

private func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
        index = next
    }
    return bytes
}

/// The Certificate Transparency reference vectors (RFC 6962 reference implementation's tests).
@Suite struct MerkleTreeVectorTests {
    static let leaves = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ]
    .map { MerkleTree.leafHash(hex($0)) }
    static let roots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ].map(hex)

    private func root(_ size: Int) throws -> [UInt8] {
        try MerkleTree.hash(start: 0, size: UInt64(size), subtree: MerkleTree.inMemory(Self.leaves))
    }

    @Test func rootsMatchTheReferenceRootsForEverySizeUpToEight() throws {
        for size in 1...8 { #expect(try root(size) == Self.roots[size - 1], "size \(size)") }
        #expect(hexString(MerkleTree.emptyRoot) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func inclusionProofsMatchTheReferenceProofsAndVerify() throws {
        let expected: [(index: UInt64, size: UInt64, proof: [String])] = [
            (0, 1, []),
            (0, 2, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]),
            (1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
            (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            (
                1, 5,
                [
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]
            ),
            (
                0, 8,
                [
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]
            ),
            (
                5, 8,
                [
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]
            ),
        ]
        for vector in expected {
            let proof = try MerkleTree.inclusionProof(
                index: vector.index, size: vector.size, subtree: MerkleTree.inMemory(Self.leaves))
            #expect(proof.map(hexString) == vector.proof, "leaf \(vector.index) of \(vector.size)")
            #expect(
                MerkleTree.verifyInclusion(
                    leafHash: Self.leaves[Int(vector.index)], index: vector.index, size: vector.size,
                    proof: vector.proof.map(hex), root: try root(Int(vector.size))))
        }
    }

    @Test func consistencyProofsMatchTheReferenceProofsAndVerify() throws {
        let expected: [(old: UInt64, new: UInt64, proof: [String])] = [
            (
                1, 8,
                [
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]
            ),
            (
                6, 8,
                [
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]
            ),
            (
                2, 5,
                [
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]
            ),
            (
                3, 8,
                [
                    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
                    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
                    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]
            ),
        ]
        for vector in expected {
            let proof = try MerkleTree.consistencyProof(
                oldSize: vector.old, newSize: vector.new, subtree: MerkleTree.inMemory(Self.leaves))
            #expect(proof.map(hexString) == vector.proof, "\(vector.old) → \(vector.new)")
            let oldRoot = try root(Int(vector.old))
            let newRoot = try root(Int(vector.new))
            #expect(
                MerkleTree.verifyConsistency(
                    oldSize: vector.old, newSize: vector.new, oldRoot: oldRoot, newRoot: newRoot,
                    proof: vector.proof.map(hex)))
            #expect(
                !MerkleTree.verifyConsistency(
                    oldSize: vector.old, newSize: vector.new, oldRoot: try root(4 == Int(vector.old) ? 5 : 4),
                    newRoot: newRoot, proof: vector.proof.map(hex)))
        }
    }

    @Test func alteredProofsDoNotVerify() throws {
        let proof = try MerkleTree.inclusionProof(index: 5, size: 8, subtree: MerkleTree.inMemory(Self.leaves))
        var altered = proof
        altered[1][0] ^= 1
        #expect(
            !MerkleTree.verifyInclusion(
                leafHash: Self.leaves[5], index: 5, size: 8, proof: altered, root: Self.roots[7]))
        #expect(
            !MerkleTree.verifyInclusion(leafHash: Self.leaves[5], index: 4, size: 8, proof: proof, root: Self.roots[7]))
        #expect(
            !MerkleTree.verifyInclusion(leafHash: Self.leaves[4], index: 5, size: 8, proof: proof, root: Self.roots[7]))
        #expect(
            !MerkleTree.verifyInclusion(
                leafHash: Self.leaves[5], index: 5, size: 8, proof: Array(proof.dropLast()), root: Self.roots[7]))
    }
}

@Suite struct LedgerMerkleTests {
    @Test func theStoredTreeGivesTheSameRootsAndProofsAsTheTreeOfAllEventHashes() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        try fixture.appendScores(36)
        let leaves = try fixture.ledger.events().map { MerkleTree.leafHash($0.hash.bytes) }
        #expect(leaves.count == 37)
        for size in [1, 2, 3, 7, 8, 16, 17, 31, 37] {
            let expected = try MerkleTree.hash(start: 0, size: UInt64(size), subtree: MerkleTree.inMemory(leaves))
            let (_, stored) = try fixture.ledger.treeRoot(size: UInt64(size))
            #expect(stored == expected, "size \(size)")
            for sequence in [1, size / 2 + 1, size] {
                let (_, proof) = try fixture.ledger.inclusionProof(sequence: UInt64(sequence), size: UInt64(size))
                #expect(
                    MerkleTree.verifyInclusion(
                        leafHash: leaves[sequence - 1], index: UInt64(sequence - 1), size: UInt64(size), proof: proof,
                        root: stored))
            }
            if size < 37 {
                let (_, consistency) = try fixture.ledger.consistencyProof(oldSize: UInt64(size))
                let (_, whole) = try fixture.ledger.treeRoot()
                #expect(
                    MerkleTree.verifyConsistency(
                        oldSize: UInt64(size), newSize: 37, oldRoot: stored, newRoot: whole, proof: consistency))
            }
        }
    }

    @Test func aTamperedMerkleTileIsNamedByVerifyAndBreaksProofs() throws {
        let directory = try TemporaryDirectory()
        let root: [UInt8] = try {
            let fixture = try Fixture(in: directory)
            try fixture.appendScores(7)
            return try fixture.ledger.treeRoot().root
        }()
        do {
            let environment = try Environment(path: directory.ledgerPath)
            let merkle = try environment.database(named: Ledger.Layout.merkle, create: false)
            try environment.write { txn in
                let key = MerkleTiles.key(level: 0, index: 0)
                var tile = try #require(try txn.value(for: key, in: merkle))
                tile.replaceSubrange(32..<64, with: [UInt8](repeating: 7, count: 32))
                try txn.put(tile, for: key, in: merkle)
            }
        }
        let ledger = try Ledger.open(at: directory.ledgerPath, options: permitAll)
        let problem = try ledger.verify().problem
        #expect(problem?.sequence == 8)
        #expect(problem?.reason == "the Merkle tile 0/0 is missing or does not match the events' hashes")
        let leaf = MerkleTree.leafHash(try #require(try ledger.event(at: 1)).hash.bytes)
        let (_, proof) = try ledger.inclusionProof(sequence: 1)
        #expect(!MerkleTree.verifyInclusion(leafHash: leaf, index: 0, size: 8, proof: proof, root: root))
    }
}

/// golang.org/x/mod/sumdb/note's reference note, signed and verified byte for byte.
@Suite struct SignedNoteTests {
    static let verifier = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let signer = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let text =
        "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let note =
        text
        + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    @Test func goesReferenceNoteVerifies() throws {
        let key = try NoteVerifierKey(parsing: Self.verifier)
        #expect(key.description == Self.verifier)
        #expect(try SignedNote.open(Self.note, verifier: key) == Self.text)
    }

    @Test func signingWithGosReferenceKeyReproducesItsNoteByteForByte() throws {
        let material = try #require(Data(base64Encoded: String(Self.signer.split(separator: "+", maxSplits: 4)[4])))
        #expect(material.first == 0x01)
        let key = try #require(SigningKey(seed: Array(material.dropFirst())))
        #expect(SignedNote.sign(Self.text, name: "PeterNeumann", key: key) == Self.note)
    }

    @Test func alteredNotesAndWrongKeysAreRefused() throws {
        let key = try NoteVerifierKey(parsing: Self.verifier)
        #expect(throws: NoteVerifierKey.Problem.self) {
            try SignedNote.open(Self.note.replacingOccurrences(of: "cryptography", with: "cryptographY"), verifier: key)
        }
        let other = NoteVerifierKey(name: "PeterNeumann", publicKey: SigningKey().publicKey)
        #expect(throws: NoteVerifierKey.Problem.self) { try SignedNote.open(Self.note, verifier: other) }
        #expect(throws: NoteVerifierKey.Problem.self) {
            try NoteVerifierKey(parsing: "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        }
    }

    @Test func checkpointsRoundTripThroughTheirText() throws {
        let checkpoint = Checkpoint(
            origin: "parledger/demo", size: 8, rootHash: MerkleTreeVectorTests.roots[7],
            extensions: ["parledger-results c 00"])
        #expect(
            checkpoint.text
                == "parledger/demo\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\nparledger-results c 00\n")
        #expect(try Checkpoint(parsing: checkpoint.text) == checkpoint)
        let key = SigningKey()
        let note = SignedNote.sign(checkpoint.text, name: checkpoint.origin, key: key)
        #expect(
            try SignedNote.open(note, verifier: NoteVerifierKey(name: checkpoint.origin, publicKey: key.publicKey))
                == checkpoint.text)
    }
}

/// The tree stored as tiles gives what the tree of all leaves gives, across tile levels.
@Suite struct MerkleTilesTests {
    /// 70,000 leaves fill 273 tiles of level 0 and one of level 1, and begin level 2.
    static let leaves = (0..<70_000).map { MerkleTree.leafHash(bigEndianBytes(UInt64($0))) }

    /// The tiles an appender writes, as a store would hold them after one transaction per `batch` leaves.
    private func storedTiles(batch: Int) throws -> [[UInt8]: [UInt8]] {
        var store: [[UInt8]: [UInt8]] = [:]
        var appender = MerkleTiles.Appender()
        for (index, leaf) in Self.leaves.enumerated() {
            _ = try appender.append(leaf, index: UInt64(index)) { store[MerkleTiles.key(level: $0, index: $1)] }
            if index % batch == batch - 1 || index == Self.leaves.count - 1 {
                for tile in appender.takeChanges() {
                    store[MerkleTiles.key(level: tile.level, index: tile.index)] = tile.hashes
                }
                appender = MerkleTiles.Appender()
            }
        }
        return store
    }

    @Test func rootsAndProofsFromTilesEqualThoseOfAllLeaves() throws {
        let all = MerkleTree.inMemory(Self.leaves)
        let sizes: [UInt64] = [1, 2, 255, 256, 257, 65_535, 65_536, 65_537, 70_000]
        let indexes: [UInt64] = [0, 255, 256, 65_535, 65_536, 69_999]
        let roots = try sizes.map { try MerkleTree.hash(start: 0, size: $0, subtree: all) }
        let proofs = try indexes.map { try MerkleTree.inclusionProof(index: $0, size: 70_000, subtree: all) }
        let consistency = try MerkleTree.consistencyProof(oldSize: 65_537, newSize: 70_000, subtree: all)
        for batch in [1_000, 65_537] {
            let store = try storedTiles(batch: batch)
            // Level 0: 273 full tiles and one of 112 hashes; level 1: one full and one of 17; level 2: one.
            #expect(store.count == 277)
            let subtree: MerkleTree.Subtree = { start, size in
                try #require(
                    try MerkleTiles.subtree(start: start, size: size) { store[MerkleTiles.key(level: $0, index: $1)] })
            }
            #expect(try sizes.map { try MerkleTree.hash(start: 0, size: $0, subtree: subtree) } == roots)
            #expect(
                try indexes.map { try MerkleTree.inclusionProof(index: $0, size: 70_000, subtree: subtree) } == proofs)
            #expect(try MerkleTree.consistencyProof(oldSize: 65_537, newSize: 70_000, subtree: subtree) == consistency)
        }
    }

    @Test func anEdgeTileOfTheWrongLengthIsRefused() throws {
        var appender = MerkleTiles.Appender()
        #expect(throws: MerkleTiles.TileProblem.self) {
            try appender.append(Self.leaves[0], index: 5) { _, _ in Array(Self.leaves[0..<3].joined()) }
        }
    }
}

/// Ledgers written with one stored node per subtree, before tiles.
@Suite struct LegacyMerkleNodesTests {
    private func copyOfFormatOneLedger() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.ledgerPath, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Repository.file("Tests/Fixtures/ledger-format-1") + "/data.mdb",
            toPath: directory.ledgerPath + "/data.mdb")
        return directory
    }

    @Test func areReadAsTheyAreReadOnlyAndConvertedToTilesWhenOpenedForWriting() throws {
        let directory = try copyOfFormatOneLedger()
        var readOnly = permitAll
        readOnly.storage.readOnly = true
        let (root, proof): ([UInt8], [[UInt8]]) = try {
            let ledger = try Ledger.open(at: directory.ledgerPath, options: readOnly)
            #expect(try ledger.verify().isIntact)
            return (try ledger.treeRoot().root, try ledger.inclusionProof(sequence: 2).proof)
        }()
        let leaves = try Ledger.open(at: directory.ledgerPath, options: readOnly).events().map {
            MerkleTree.leafHash($0.hash.bytes)
        }
        #expect(root == (try MerkleTree.hash(start: 0, size: 3, subtree: MerkleTree.inMemory(leaves))))

        let ledger = try Ledger.open(at: directory.ledgerPath, options: permitAll)
        let stored = try ledger.environment.read { txn in
            try txn.value(for: MerkleTiles.key(level: 0, index: 0), in: ledger.merkle)
        }
        #expect(stored == Array(leaves.joined()))
        #expect(try ledger.environment.read { try $0.count(of: ledger.merkle) } == 1)
        #expect(try ledger.treeRoot().root == root)
        #expect(try ledger.inclusionProof(sequence: 2).proof == proof)
        #expect(try ledger.verify().isIntact)
    }
}
