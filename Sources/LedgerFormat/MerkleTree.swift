import Crypto

/// Merkle tree hashing and proofs exactly as RFC 9162 (Certificate Transparency v2) defines them:
/// leaf hash SHA-256(0x00 ‖ data), node hash SHA-256(0x01 ‖ left ‖ right), MTH over any number of
/// leaves, inclusion proofs (PATH) and consistency proofs (PROOF), and their verification.
///
/// Hashes of ranges come from `subtree(start, size)`, asked only for complete subtrees whose size
/// is a power of two and whose start is a multiple of it, so a store of those nodes answers any
/// root or proof in O(log² n) reads.
public enum MerkleTree {
    public typealias Hash = [UInt8]
    public typealias Subtree = (_ start: UInt64, _ size: UInt64) throws -> Hash

    public static func leafHash(_ data: [UInt8]) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(data: data)
        return Array(hasher.finalize())
    }

    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x01)) { hasher.update(bufferPointer: $0) }
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// The hash of an empty tree: SHA-256 of nothing.
    public static let emptyRoot: Hash = Array(SHA256.hash(data: [UInt8]()))

    /// The largest power of two smaller than `n` (n > 1).
    package static func split(_ n: UInt64) -> UInt64 {
        var k: UInt64 = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// MTH of the leaves [start, start + size).
    public static func hash(start: UInt64, size: UInt64, subtree: Subtree) throws -> Hash {
        if size == 0 { return emptyRoot }
        if size & (size - 1) == 0 && start % size == 0 { return try subtree(start, size) }
        let k = split(size)
        return nodeHash(
            try hash(start: start, size: k, subtree: subtree),
            try hash(start: start + k, size: size - k, subtree: subtree))
    }

    /// The audit path of leaf `index` in the tree of the first `size` leaves.
    public static func inclusionProof(index: UInt64, size: UInt64, subtree: Subtree) throws -> [Hash] {
        precondition(index < size)
        func path(_ m: UInt64, _ start: UInt64, _ n: UInt64) throws -> [Hash] {
            if n == 1 { return [] }
            let k = split(n)
            if m < k { return try path(m, start, k) + [try hash(start: start + k, size: n - k, subtree: subtree)] }
            return try path(m - k, start + k, n - k) + [try hash(start: start, size: k, subtree: subtree)]
        }
        return try path(index, 0, size)
    }

    /// The proof that the tree of the first `oldSize` leaves is a prefix of the tree of `newSize`.
    public static func consistencyProof(oldSize: UInt64, newSize: UInt64, subtree: Subtree) throws -> [Hash] {
        precondition(0 < oldSize && oldSize <= newSize)
        func subproof(_ m: UInt64, _ start: UInt64, _ n: UInt64, _ complete: Bool) throws -> [Hash] {
            if m == n { return complete ? [] : [try hash(start: start, size: m, subtree: subtree)] }
            let k = split(n)
            if m <= k {
                return try subproof(m, start, k, complete) + [try hash(start: start + k, size: n - k, subtree: subtree)]
            }
            return try subproof(m - k, start + k, n - k, false) + [try hash(start: start, size: k, subtree: subtree)]
        }
        return try subproof(oldSize, 0, newSize, true)
    }

    /// RFC 9162 §2.1.3.2: whether `proof` shows leaf `index` with `leafHash` in the tree of `size` with `root`.
    public static func verifyInclusion(leafHash: Hash, index: UInt64, size: UInt64, proof: [Hash], root: Hash) -> Bool {
        guard index < size else { return false }
        var fn = index
        var sn = size - 1
        var r = leafHash
        for p in proof {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    /// RFC 9162 §2.1.4.2: whether `proof` shows the tree (`oldSize`, `oldRoot`) is a prefix of (`newSize`, `newRoot`).
    public static func verifyConsistency(oldSize: UInt64, newSize: UInt64, oldRoot: Hash, newRoot: Hash, proof: [Hash])
        -> Bool
    {
        guard oldSize > 0, oldSize <= newSize else { return false }
        if oldSize == newSize { return proof.isEmpty && oldRoot == newRoot }
        var path = proof
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        guard let first = path.first else { return false }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = first
        var sr = first
        for c in path.dropFirst() {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                fr = nodeHash(c, fr)
                sr = nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                sr = nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        return fr == oldRoot && sr == newRoot && sn == 0
    }

    /// A subtree provider over leaf hashes held in memory (for verifiers and tests).
    public static func inMemory(_ leaves: [Hash]) -> Subtree {
        { start, size in
            func mth(_ s: Int, _ n: Int) -> Hash {
                if n == 1 { return leaves[s] }
                let k = Int(split(UInt64(n)))
                return nodeHash(mth(s, k), mth(s + k, n - k))
            }
            return mth(Int(start), Int(size))
        }
    }
}
