/// The RFC 9162 root of leaves appended one at a time (FORMAT.md, Merkle tree), keeping only the
/// roots of the complete subtrees so far: at most one per bit of the size, whatever the size.
public struct MerkleFrontier: Sendable {
    /// How many leaves were appended.
    public private(set) var size: UInt64 = 0
    /// The roots of the complete subtrees, largest (leftmost) first.
    private var subtrees: [MerkleTree.Hash] = []

    public init() {}

    /// Appends the leaf of the event whose hash is `eventHash` (32 bytes).
    public mutating func append(eventHash: some Collection<UInt8>) {
        append(leaf: MerkleTree.leafHash(Array(eventHash)))
    }

    /// Appends a leaf hash.
    public mutating func append(leaf: MerkleTree.Hash) {
        var node = leaf
        size += 1
        var merged = size
        while merged & 1 == 0, let left = subtrees.popLast() {
            node = MerkleTree.nodeHash(left, node)
            merged >>= 1
        }
        subtrees.append(node)
    }

    /// The root of the leaves so far (the hash of the empty string when there are none).
    public var root: MerkleTree.Hash {
        guard var root = subtrees.last else { return MerkleTree.emptyRoot }
        for left in subtrees.dropLast().reversed() { root = MerkleTree.nodeHash(left, root) }
        return root
    }
}
