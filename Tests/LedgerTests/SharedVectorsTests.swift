import Foundation
import Ledger
import LedgerFormat
import TestSupport
import Testing

/// The shared vectors of Tests/Vectors, which the Python verifier (tools/test_vectors.py) and the
/// pages' JavaScript (tools/test_js_vectors.mjs) are held to as well: Ledger's canonical JSON and
/// Merkle tree give exactly the values written there.
@Suite struct SharedVectorsTests {
    struct CanonicalJSONVectors: Decodable {
        struct Canonical: Decodable {
            let name, input, canonical, sha256: String
            let nfc: Bool
        }
        struct Refused: Decodable { let name, input: String }
        let canonical: [Canonical]
        let refused: [Refused]
    }

    struct MerkleVectors: Decodable {
        struct Leaf: Decodable { let data, leafHash: String }
        struct Node: Decodable { let left, right, hash: String }
        struct Root: Decodable {
            let size: UInt64
            let root: String
        }
        struct Proof: Decodable {
            let index, size: UInt64
            let leafHash: String
            let proof: [String]
            let root: String
        }
        struct WrongProof: Decodable {
            let why: String
            let index, size: UInt64
            let leafHash: String
            let proof: [String]
            let root: String
        }
        let leaves: [Leaf]
        let node: Node
        let roots: [Root]
        let inclusionProofs: [Proof]
        let wrongProofs: [WrongProof]
    }

    @Test func canonicalJSON() throws {
        let vectors = try sharedVectors(CanonicalJSONVectors.self, "canonical-json.json")
        for vector in vectors.canonical {
            let input = Array(vector.input.utf8)
            let bytes = CanonicalJSON.encode(try JSONParser.parse(input))
            #expect(bytes == Array(vector.canonical.utf8), "\(vector.name)")
            #expect(SHA256Digest.hex(bytes) == vector.sha256, "\(vector.name)")
            #expect(((try? JSONParser.validateStrict(input)) != nil) == vector.nfc, "\(vector.name)")
        }
        for vector in vectors.refused {
            #expect(throws: JSONParseError.self, "\(vector.name)") { try JSONParser.parse(Array(vector.input.utf8)) }
        }
    }

    @Test func merkleTree() throws {
        let vectors = try sharedVectors(MerkleVectors.self, "merkle.json")
        for leaf in vectors.leaves {
            #expect(hexString(MerkleTree.leafHash(bytes(hex: leaf.data))) == leaf.leafHash, "leaf \(leaf.data)")
        }
        let node = vectors.node
        #expect(hexString(MerkleTree.nodeHash(bytes(hex: node.left), bytes(hex: node.right))) == node.hash)
        let leaves = MerkleTree.inMemory(vectors.leaves.map { bytes(hex: $0.leafHash) })
        for root in vectors.roots {
            #expect(
                hexString(try MerkleTree.hash(start: 0, size: root.size, subtree: leaves)) == root.root, "\(root.size)")
        }
        for vector in vectors.inclusionProofs {
            let proof = try MerkleTree.inclusionProof(index: vector.index, size: vector.size, subtree: leaves)
            #expect(proof.map(hexString) == vector.proof, "leaf \(vector.index) of \(vector.size)")
            #expect(
                MerkleTree.verifyInclusion(
                    leafHash: bytes(hex: vector.leafHash), index: vector.index, size: vector.size,
                    proof: vector.proof.map(bytes(hex:)), root: bytes(hex: vector.root)),
                "leaf \(vector.index) of \(vector.size)")
        }
        for vector in vectors.wrongProofs {
            #expect(
                !MerkleTree.verifyInclusion(
                    leafHash: bytes(hex: vector.leafHash), index: vector.index, size: vector.size,
                    proof: vector.proof.map(bytes(hex:)), root: bytes(hex: vector.root)),
                "\(vector.why)")
        }
    }
}

/// The vectors of `Tests/Vectors/<name>`.
private func sharedVectors<Vectors: Decodable>(_ type: Vectors.Type, _ name: String) throws -> Vectors {
    try JSONDecoder().decode(
        type, from: Data(contentsOf: URL(fileURLWithPath: Repository.file("Tests/Vectors/\(name)"))))
}

/// The bytes of lower-case hex `text` (the vectors' data has any length).
private func bytes(hex text: String) -> [UInt8] {
    let digits = Array(text.utf8)
    return stride(from: 0, to: digits.count, by: 2).map {
        UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
    }
}
