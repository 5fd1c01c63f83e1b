import LMDB
public import LedgerFormat

/// The ledger's Merkle tree over the event sequence: leaf i is SHA-256(0x00 ‖ hash of event i + 1).
///
/// The tree is stored as tiles (`MerkleTiles`) in the `merkle` database, written in the same write
/// transaction as the events that fill them, so the root of any prefix and every proof come from a
/// few reads, on a ledger of any size, without a rebuild. Ledgers written before tiles (one node per
/// complete subtree, key: level byte ‖ big-endian index) are converted when opened for writing and
/// read as they are on a read-only medium.
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

    /// The first `width` hashes of tile (level, index), as C2SP tlog-tiles publishes it for a tree that
    /// holds them (`width` 256 for a full tile, fewer for the partial tile at the tree's right edge).
    public func tileHashes(level: Int, index: UInt64, width: Int) throws -> [UInt8] {
        try storage("reading a Merkle tile") {
            try environment.read { txn in
                guard let tile = try storedTile(level: level, index: index, in: txn), tile.count >= width * 32 else {
                    throw LedgerError.corruptEvent(
                        sequence: (index << (MerkleTiles.height * (level + 1))) + 1,
                        reason: "the Merkle tile \(level)/\(index) is missing or holds fewer than \(width) hashes")
                }
                return Array(tile.prefix(width * 32))
            }
        }
    }

    /// The stored tile (level, index), or on a ledger written before tiles, the same hashes gathered
    /// from its nodes.
    func storedTile(level: Int, index: UInt64, in txn: Transaction) throws -> [UInt8]? {
        if let tile = try txn.value(for: MerkleTiles.key(level: level, index: index), in: merkle) { return tile }
        var hashes: [UInt8] = []
        let first = index << MerkleTiles.height
        for position in first..<first + UInt64(MerkleTiles.width) {
            guard
                let node = try txn.value(
                    for: Self.legacyNodeKey(level: level * MerkleTiles.height, index: position), in: merkle)
            else { break }
            hashes += node
        }
        return hashes.isEmpty ? nil : hashes
    }

    func storedSubtree(_ txn: Transaction) -> MerkleTree.Subtree {
        { start, size in
            guard
                let hash = try MerkleTiles.subtree(
                    start: start, size: size, read: { try self.storedTile(level: $0, index: $1, in: txn) })
            else {
                throw LedgerError.corruptEvent(
                    sequence: start + 1,
                    reason: "the Merkle tile holding events \(start + 1)–\(start + size) is missing or short")
            }
            return hash
        }
    }

    /// Stores every tile `appender` filled or grew since it was last asked.
    func storeTiles(of appender: inout MerkleTiles.Appender, in txn: WriteTransaction) throws {
        for tile in appender.takeChanges() {
            try txn.put(tile.hashes, for: MerkleTiles.key(level: tile.level, index: tile.index), in: merkle)
        }
    }

    /// Replaces whatever the `merkle` database holds with the tiles of the events' hashes.
    func rewriteMerkleTiles(in txn: WriteTransaction) throws {
        try txn.removeAll(from: merkle)
        var appender = MerkleTiles.Appender()
        var index: UInt64 = 0
        try txn.forEach(in: events) { entry in
            let event = try EventRecord.decode(entry.value, sequence: index + 1)
            _ = try appender.append(MerkleTree.leafHash(event.hash.bytes), index: index) { _, _ in nil }
            index += 1
            return true
        }
        try storeTiles(of: &appender, in: txn)
    }

    /// Converts a ledger written before tiles, whose first leaf is stored as a node.
    func convertLegacyMerkleNodes() throws {
        let firstLeaf = Self.legacyNodeKey(level: 0, index: 0)
        guard try environment.read({ try $0.value(for: firstLeaf, in: merkle) }) != nil else { return }
        try environment.write { txn in
            guard try txn.value(for: firstLeaf, in: merkle) != nil else { return }
            try rewriteMerkleTiles(in: txn)
        }
    }

    static func legacyNodeKey(level: Int, index: UInt64) -> [UInt8] {
        [UInt8(level)] + bigEndianBytes(index)
    }
}
