import Crypto

/// The ledger's Merkle tree stored as tiles, the layout of C2SP tlog-tiles: tile (L, N) holds the
/// hashes at tree level 8·L whose indexes run from 256·N, up to 256 of them, 32 bytes each. A tile
/// is rewritten as it fills and stays as it is once full, so a tree of n events costs about n/256
/// stored values instead of 2n nodes, and any complete subtree — which lies inside one tile — is
/// the root of at most 128 of its hashes. The levels in between are never stored.
public enum MerkleTiles {
    /// Tree levels per tile, as tlog-tiles fixes it.
    public static let height = 8
    /// Hashes in a full tile.
    public static let width = 1 << height

    /// Reads the stored tile (level, index): its hashes, 32 bytes each; nil when none is stored.
    public typealias Reader = (_ level: Int, _ index: UInt64) throws -> [UInt8]?

    /// The hash of the complete subtree of `size` leaves (a power of two) starting at `start` (a
    /// multiple of `size`), from the tile that holds its hashes; nil when that tile is missing or
    /// too short.
    public static func subtree(start: UInt64, size: UInt64, read: Reader) throws -> MerkleTree.Hash? {
        let level = size.trailingZeroBitCount
        let (tileLevel, height) = (level / Self.height, level % Self.height)
        let first = start >> (tileLevel * Self.height)
        let tileIndex = first >> Self.height
        let offset = Int(first & UInt64(width - 1))
        let count = 1 << height
        guard let tile = try read(tileLevel, tileIndex), tile.count >= (offset + count) * 32 else { return nil }
        return root(of: tile[offset * 32..<(offset + count) * 32])
    }

    /// The root of the perfect tree over `hashes` (a power of two of them, 32 bytes each).
    package static func root(of hashes: ArraySlice<UInt8>) -> MerkleTree.Hash {
        var level = Array(hashes)
        var count = level.count / 32
        level.withUnsafeMutableBytes { buffer in
            while count > 1 {
                // Node `pair` of the level above overwrites bytes its own children have been read from.
                for pair in 0..<count / 2 {
                    var hasher = SHA256()
                    withUnsafeBytes(of: UInt8(0x01)) { hasher.update(bufferPointer: $0) }
                    hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[pair * 64..<pair * 64 + 64]))
                    hasher.finalize().withUnsafeBytes { node in
                        UnsafeMutableRawBufferPointer(rebasing: buffer[pair * 32..<pair * 32 + 32]).copyMemory(
                            from: node)
                    }
                }
                count /= 2
            }
        }
        return Array(level.prefix(32))
    }

    /// The key of tile (level, index) in the `merkle` database: `T`, the level, the big-endian index.
    package static func key(level: Int, index: UInt64) -> [UInt8] {
        [UInt8(ascii: "T"), UInt8(level)] + bigEndianBytes(index)
    }

    /// Leaf hashes appended one by one, in order, with the right edge of the tree kept in memory: each
    /// tile that fills is handed over once, with its root passed on to the tile above, and the tiles
    /// still filling are there to write at the end. Appends load the edge tiles they continue from
    /// storage; a check that starts from an empty tree loads nothing.
    public struct Appender: Sendable {
        private var edge: [Int: (index: UInt64, hashes: [UInt8])] = [:]
        /// Levels whose edge tile gained hashes since the last `takeChanges()`.
        private var grown: Set<Int> = []
        private var filled: [(level: Int, index: UInt64, hashes: [UInt8])] = []

        public init() {}

        /// Appends `hash` as entry `index` of tree level 8·`level`; `read` gives the stored edge tile
        /// when this is the first hash appended to it here. Returns the tiles this filled, lowest first.
        public mutating func append(
            _ hash: MerkleTree.Hash, level: Int = 0, index: UInt64, read: Reader
        ) throws -> [(level: Int, index: UInt64, hashes: [UInt8])] {
            let tileIndex = index >> MerkleTiles.height
            let position = Int(index & UInt64(MerkleTiles.width - 1))
            var hashes: [UInt8]
            if let current = edge[level], current.index == tileIndex {
                hashes = current.hashes
                edge[level] = nil
            } else if position == 0 {
                hashes = []
                hashes.reserveCapacity(MerkleTiles.width * 32)
            } else {
                hashes = try read(level, tileIndex) ?? []
            }
            guard hashes.count == position * 32 else {
                throw TileProblem(level, tileIndex, "holds \(hashes.count / 32) hashes where \(position) belong")
            }
            hashes.append(contentsOf: hash)
            guard position == MerkleTiles.width - 1 else {
                edge[level] = (tileIndex, hashes)
                grown.insert(level)
                return []
            }
            grown.remove(level)
            let root = MerkleTiles.root(of: hashes[...])
            var completed = [(level, tileIndex, hashes)]
            filled.append((level, tileIndex, hashes))
            completed += try append(root, level: level + 1, index: tileIndex, read: read)
            return completed
        }

        /// The tiles to store for what was appended since the last call: every tile filled, and every
        /// edge tile that grew.
        package mutating func takeChanges() -> [(level: Int, index: UInt64, hashes: [UInt8])] {
            let changes =
                filled + grown.sorted().compactMap { level in edge[level].map { (level, $0.index, $0.hashes) } }
            filled.removeAll()
            grown.removeAll()
            return changes
        }

        /// The tiles still filling, by level.
        public var edgeTiles: [(level: Int, index: UInt64, hashes: [UInt8])] {
            edge.keys.sorted().compactMap { level in
                edge[level].flatMap { $0.hashes.isEmpty ? nil : (level, $0.index, $0.hashes) }
            }
        }
    }

    /// A stored tile that cannot continue the tree.
    public struct TileProblem: Error, CustomStringConvertible {
        /// Says which tile and what is wrong with it.
        public let reason: String
        public var description: String { reason }

        package init(_ level: Int, _ index: UInt64, _ what: String) {
            reason = "the Merkle tile \(level)/\(index) \(what)"
        }
    }
}
