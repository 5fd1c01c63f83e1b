import LMDB

/// The ledger's Merkle tree over the event sequence: leaf i is SHA-256(0x00 ‖ hash of event i + 1).
///
/// Every complete, aligned subtree's hash is stored in the `merkle` database (key: level byte ‖
/// big-endian index) in the same write transaction as the event that completes it, so the root of
/// any prefix and every proof come from O(log² n) reads, on a ledger of any size, without a rebuild.
extension Ledger {
    /// The root hash of the tree of the first `size` events (the whole ledger when nil).
    public func treeRoot(size: UInt64? = nil) throws -> (size: UInt64, root: MerkleTree.Hash) {
        try storage("reading the Merkle tree") {
            try environment.read { txn in
                let head = try readHead(txn).count
                let n = size ?? head
                guard n <= head else {
                    throw LedgerError.outOfRange(reason: "the ledger holds \(head) events, not \(n)")
                }
                return (n, try MerkleTree.hash(start: 0, size: n, subtree: storedSubtree(txn)))
            }
        }
    }

    /// The inclusion proof of event `sequence` in the tree of the first `size` events.
    public func inclusionProof(sequence: UInt64, size: UInt64? = nil) throws -> (size: UInt64, proof: [MerkleTree.Hash])
    {
        try storage("building an inclusion proof") {
            try environment.read { txn in
                let head = try readHead(txn).count
                let n = size ?? head
                guard sequence >= 1, sequence <= n, n <= head else {
                    throw LedgerError.outOfRange(reason: "event \(sequence) is not in a tree of \(n) events")
                }
                return (n, try MerkleTree.inclusionProof(index: sequence - 1, size: n, subtree: storedSubtree(txn)))
            }
        }
    }

    /// The consistency proof between the trees of the first `oldSize` and `newSize` events.
    public func consistencyProof(oldSize: UInt64, newSize: UInt64? = nil) throws -> (
        size: UInt64, proof: [MerkleTree.Hash]
    ) {
        try storage("building a consistency proof") {
            try environment.read { txn in
                let head = try readHead(txn).count
                let n = newSize ?? head
                guard oldSize >= 1, oldSize <= n, n <= head else {
                    throw LedgerError.outOfRange(
                        reason: "no consistency proof from \(oldSize) to \(n) events on a ledger of \(head)")
                }
                return (n, try MerkleTree.consistencyProof(oldSize: oldSize, newSize: n, subtree: storedSubtree(txn)))
            }
        }
    }

    /// Stores leaf `index` and every subtree it completes.
    func appendMerkleLeaf(_ eventHash: EventHash, index: UInt64, in txn: WriteTransaction) throws {
        var node = MerkleTree.leafHash(eventHash.bytes)
        try txn.put(node, for: Self.merkleKey(level: 0, index: index), in: merkle)
        var level: UInt8 = 0
        var position = index
        while position & 1 == 1 {
            guard let left = try txn.value(for: Self.merkleKey(level: level, index: position - 1), in: merkle) else {
                throw LedgerError.corruptEvent(
                    sequence: index + 1, reason: "the Merkle node \(level)/\(position - 1) is missing")
            }
            node = MerkleTree.nodeHash(left, node)
            level += 1
            position >>= 1
            try txn.put(node, for: Self.merkleKey(level: level, index: position), in: merkle)
        }
    }

    func storedSubtree(_ txn: Transaction) -> MerkleTree.Subtree {
        { start, size in
            let level = UInt8(size.trailingZeroBitCount)
            guard let node = try txn.value(for: Self.merkleKey(level: level, index: start / size), in: self.merkle)
            else {
                throw LedgerError.corruptEvent(
                    sequence: start + 1, reason: "the Merkle node \(level)/\(start / size) is missing")
            }
            return node
        }
    }

    static func merkleKey(level: UInt8, index: UInt64) -> [UInt8] {
        [level] + bigEndianBytes(index)
    }
}
