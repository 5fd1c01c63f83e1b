public import LedgerFormat

/// That an event is in the log's tree of a given size: the RFC 9162 inclusion proof with its leaf
/// and root, and whether it verifies — the read model of `parledger prove inclusion` and of the
/// auditor's event page (JSON: schemas/read-models/inclusion-proof.schema.json).
public struct InclusionProofReport: Sendable {
    public let sequence: UInt64
    public let treeSize: UInt64
    public let eventHash: EventHash
    public let leafHash: MerkleTree.Hash
    public let rootHash: MerkleTree.Hash
    public let proof: [MerkleTree.Hash]

    /// RFC 9162 §2.1.3.2.
    public var verifies: Bool {
        MerkleTree.verifyInclusion(
            leafHash: leafHash, index: sequence - 1, size: treeSize, proof: proof, root: rootHash)
    }

    public var json: JSONValue {
        .object([
            "type": .string("inclusion"), "leafIndex": .integer(Int64(sequence - 1)),
            "treeSize": .integer(Int64(treeSize)),
            "eventHash": .string(eventHash.hex), "leafHash": .string(hexString(leafHash)),
            "rootHash": .string(hexString(rootHash)),
            "proof": .array(proof.map { .string(hexString($0)) }),
        ])
    }
}

/// That the log's tree of an older size is a prefix of a newer one: the RFC 9162 consistency proof
/// with both roots, and whether it verifies (JSON: schemas/read-models/consistency-proof.schema.json).
public struct ConsistencyProofReport: Sendable {
    public let oldSize: UInt64
    public let newSize: UInt64
    public let oldRootHash: MerkleTree.Hash
    public let newRootHash: MerkleTree.Hash
    public let proof: [MerkleTree.Hash]

    /// RFC 9162 §2.1.4.2.
    public var verifies: Bool {
        MerkleTree.verifyConsistency(
            oldSize: oldSize, newSize: newSize, oldRoot: oldRootHash, newRoot: newRootHash, proof: proof)
    }

    public var json: JSONValue {
        .object([
            "type": .string("consistency"), "oldSize": .integer(Int64(oldSize)), "newSize": .integer(Int64(newSize)),
            "oldRootHash": .string(hexString(oldRootHash)), "newRootHash": .string(hexString(newRootHash)),
            "proof": .array(proof.map { .string(hexString($0)) }),
        ])
    }
}

extension Ledger {
    /// The inclusion proof of event `sequence` in the tree of the first `size` events (all when nil).
    public func inclusionProofReport(sequence: UInt64, size: UInt64? = nil) throws -> InclusionProofReport {
        let (treeSize, proof) = try inclusionProof(sequence: sequence, size: size)
        let (_, root) = try treeRoot(size: treeSize)
        guard let event = try event(at: sequence) else { throw LedgerError.outOfRange(reason: "no event \(sequence)") }
        return InclusionProofReport(
            sequence: sequence, treeSize: treeSize, eventHash: event.hash,
            leafHash: MerkleTree.leafHash(event.hash.bytes), rootHash: root, proof: proof)
    }

    /// The consistency proof from the tree of `oldSize` events to that of `newSize` (all when nil).
    public func consistencyProofReport(oldSize: UInt64, newSize: UInt64? = nil) throws -> ConsistencyProofReport {
        let (size, proof) = try consistencyProof(oldSize: oldSize, newSize: newSize)
        let (_, oldRoot) = try treeRoot(size: oldSize)
        let (_, newRoot) = try treeRoot(size: size)
        return ConsistencyProofReport(
            oldSize: oldSize, newSize: size, oldRootHash: oldRoot, newRootHash: newRoot, proof: proof)
    }
}
