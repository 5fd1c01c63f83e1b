import Foundation
import Ledger
public import LedgerFormat

/// Follows a tiled log and keeps a verified copy of it as tiles in a folder (what a mirror serves and
/// a monitor checks): each new checkpoint must carry the log's signature and the trust policy's
/// quorum of witness cosignatures, and extend the tree the copy already holds; every new entry is the
/// hash of its event line, and the tree the copy computes from them must have the checkpoint's root
/// and the log's hash tiles. Nothing reaches the copy before all of that holds; the checkpoint is
/// written last.
public struct LogFollower: Sendable {
    /// A sign that the log misbehaves, with the evidence (the signed notes, the entry).
    public struct Alert: Error, CustomStringConvertible {
        /// What kind of inconsistency.
        public enum Kind: String, Sendable {
            case signature, quorum, fork, rollback, entries, tiles, events, rule
        }

        public let kind: Kind
        public let message: String
        public let evidence: [String]

        public init(_ kind: Kind, _ message: String, evidence: [String] = []) {
            self.kind = kind
            self.message = message
            self.evidence = evidence
        }

        public var description: String { "ALERT [\(kind.rawValue)] \(message)" }
    }

    /// What one step found.
    public enum Step: Sendable, Equatable {
        case unchanged(size: UInt64)
        case advanced(from: UInt64, to: UInt64)
    }

    /// Why the copy itself cannot be used.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public let source: TileSource
    public let policy: TrustPolicy
    public let copy: StaticLog
    public private(set) var note: String?
    public private(set) var checkpoint: Checkpoint?
    private var entries: [[UInt8]] = []
    private var appender = MerkleTiles.Appender()
    private var tiles: [TileKey: [UInt8]] = [:]

    private struct TileKey: Hashable {
        let level: Int
        let index: UInt64
    }

    /// A follower of `source` whose copy is the folder `copyDirectory`, reloaded and re-verified from
    /// what that folder holds.
    public init(source: TileSource, policy: TrustPolicy, copyDirectory: String) throws {
        self.source = source
        self.policy = policy
        copy = StaticLog(directory: copyDirectory)
        guard let note = try copy.currentNote() else { return }
        let local = TileSource(copyDirectory)
        let checkpoint: Checkpoint
        do {
            checkpoint = try policy.openCheckpoint(note).checkpoint
        } catch {
            throw Problem(description: "\(copyDirectory)/checkpoint is not a checkpoint of this log: \(error)")
        }
        var pending: [TileKey: [UInt8]] = [:]
        var next = appender
        var index: UInt64 = 0
        while index < checkpoint.size {
            let width = Int(min(256, checkpoint.size - index))
            let bytes = try local.read(TilePath.path(.entries, index: index / 256, width: width))
            for entry in try Self.entries(bytes, width: width, path: "the copy's entries") {
                entries.append(entry)
                try add(entry, index: index, to: &next, pending: &pending)
                index += 1
            }
        }
        addEdge(of: next, to: &pending)
        appender = next
        tiles.merge(pending) { $1 }
        guard try root(size: checkpoint.size, overlay: [:]) == checkpoint.rootHash else {
            throw Problem(
                description: "the copy in \(copyDirectory) is damaged: its entries do not give its checkpoint's root")
        }
        self.note = note
        self.checkpoint = checkpoint
    }

    /// Fetches the source's checkpoint and, when it is new, verifies and copies what it adds.
    public mutating func step() throws -> Step {
        let fetched = String(decoding: try source.read(TilePath.checkpoint, limit: 1 << 20), as: UTF8.self)
        let latest: Checkpoint
        do {
            latest = try policy.openCheckpoint(fetched).checkpoint
        } catch {
            throw Alert(
                .signature, "\(source)checkpoint is not signed by the log key for its size: \(error)",
                evidence: [fetched])
        }
        guard latest.origin == policy.log.name else {
            throw Alert(
                .signature, "the checkpoint is of '\(latest.origin)', not '\(policy.log.name)'", evidence: [fetched])
        }
        let old = checkpoint?.size ?? 0
        let evidence = [note, fetched].compactMap { $0 }
        if latest.size < old {
            throw Alert(
                .rollback, "the log now shows \(latest.size) entries; this copy verified \(old)", evidence: evidence)
        }
        if latest.size == old, let checkpoint {
            guard latest.rootHash == checkpoint.rootHash else {
                throw Alert(.fork, "two checkpoints of \(old) entries with different roots", evidence: evidence)
            }
            try requireQuorum(fetched, size: latest.size)
            if fetched != note {
                try copy.write(Array(fetched.utf8), to: TilePath.checkpoint)
                note = fetched
            }
            return .unchanged(size: old)
        }
        try advance(to: latest, note: fetched, evidence: evidence)
        return .advanced(from: old, to: latest.size)
    }

    private mutating func advance(to latest: Checkpoint, note fetched: String, evidence: [String]) throws {
        let old = UInt64(entries.count)
        var files: [(path: String, bytes: [UInt8])] = []
        var newEntries: [[UInt8]] = []
        var pending: [TileKey: [UInt8]] = [:]
        var next = appender
        var index = old / 256 * 256
        while index < latest.size {
            let tile = index / 256
            let width = Int(min(256, latest.size - index))
            let entriesPath = TilePath.path(.entries, index: tile, width: width)
            let eventsPath = TilePath.path(.events, index: tile, width: width)
            let entryBytes = try source.read(entriesPath)
            let eventBytes = try source.read(eventsPath)
            let fetchedEntries = try Self.entries(entryBytes, width: width, path: entriesPath)
            let lines = eventBytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            guard eventBytes.last == 0x0A, lines.count == width + 1 else {
                throw Alert(.events, "\(eventsPath) does not hold \(width) event lines")
            }
            for (offset, entry) in fetchedEntries.enumerated() {
                let position = index + UInt64(offset)
                if position < old {
                    guard entry == entries[Int(position)] else {
                        throw Alert(
                            .fork,
                            "entry \(position + 1) is now \(hexString(entry)), this copy verified \(hexString(entries[Int(position)]))",
                            evidence: evidence)
                    }
                    continue
                }
                try Self.checkEvent(lines[offset], entry: entry, sequence: position + 1, path: eventsPath)
                newEntries.append(entry)
                try add(entry, index: position, to: &next, pending: &pending)
            }
            files += [(entriesPath, entryBytes), (eventsPath, eventBytes)]
            index += UInt64(width)
        }
        addEdge(of: next, to: &pending)
        guard try root(size: latest.size, overlay: pending) == latest.rootHash else {
            throw Alert(
                old == 0 ? .entries : .fork,
                old == 0
                    ? "the entries served do not give the checkpoint's root"
                    : "the checkpoint of \(latest.size) entries does not extend the \(old) this copy verified",
                evidence: evidence)
        }
        for tile in TilePath.tiles(size: latest.size, from: old) {
            guard case .hashes(let level) = tile.kind else { continue }
            let path = TilePath.path(tile.kind, index: tile.index, width: tile.width)
            let key = TileKey(level: level, index: tile.index)
            let ours = Array((pending[key] ?? tiles[key] ?? []).prefix(tile.width * 32))
            guard try source.read(path) == ours else {
                throw Alert(.tiles, "\(path) differs from the tile of the entries' tree", evidence: [fetched])
            }
            files.append((path, ours))
        }
        try requireQuorum(fetched, size: latest.size)
        for file in files { try copy.write(file.bytes, to: file.path) }
        try copy.write(Array(fetched.utf8), to: TilePath.checkpoint)
        entries += newEntries
        appender = next
        tiles.merge(pending) { $1 }
        note = fetched
        checkpoint = latest
    }

    /// Checked after consistency: a checkpoint the log signed that forks its history is the graver
    /// finding, cosigned or not.
    private func requireQuorum(_ note: String, size: UInt64) throws {
        do { _ = try policy.requireQuorum(of: note) } catch {
            throw Alert(.quorum, "the checkpoint of \(size) entries: \(error.description)", evidence: [note])
        }
    }

    /// Writes every event line of the copy, in order, to `path` (the `events.jsonl` of a replay).
    public func writeEvents(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let out = FileHandle(forWritingAtPath: path)
        else { throw Problem(description: "cannot write \(path)") }
        defer { try? out.close() }
        try forEachEventBundle { try out.write(contentsOf: $0) }
    }

    /// Calls `body` with each event bundle of the copy, in order: up to 256 event lines, each ending
    /// in a newline, every one verified against its entry.
    public func forEachEventBundle(_ body: ([UInt8]) throws -> Void) throws {
        let local = TileSource(copy.directory)
        var index: UInt64 = 0
        while index < UInt64(entries.count) {
            let width = Int(min(256, UInt64(entries.count) - index))
            try body(try local.read(TilePath.path(.events, index: index / 256, width: width)))
            index += UInt64(width)
        }
    }

    private func add(
        _ entry: [UInt8], index: UInt64, to appender: inout MerkleTiles.Appender, pending: inout [TileKey: [UInt8]]
    ) throws {
        for tile in try appender.append(MerkleTree.leafHash(entry), index: index, read: { _, _ in nil }) {
            pending[TileKey(level: tile.level, index: tile.index)] = tile.hashes
        }
    }

    /// Adds the tiles still filling at the tree's right edge, once a batch of entries is appended.
    private func addEdge(of appender: MerkleTiles.Appender, to pending: inout [TileKey: [UInt8]]) {
        for tile in appender.edgeTiles { pending[TileKey(level: tile.level, index: tile.index)] = tile.hashes }
    }

    private func root(size: UInt64, overlay: [TileKey: [UInt8]]) throws -> MerkleTree.Hash {
        guard size > 0 else { return MerkleTree.emptyRoot }
        return try MerkleTree.hash(start: 0, size: size) { start, count in
            let read: MerkleTiles.Reader = { level, index in
                overlay[TileKey(level: level, index: index)] ?? tiles[TileKey(level: level, index: index)]
            }
            guard let hash = try MerkleTiles.subtree(start: start, size: count, read: read) else {
                throw Problem(description: "no tile holds entries \(start + 1)–\(start + count)")
            }
            return hash
        }
    }

    private static func entries(_ bytes: [UInt8], width: Int, path: String) throws -> [[UInt8]] {
        guard bytes.count == width * 34 else {
            throw Alert(.entries, "\(path) holds \(bytes.count) bytes, not \(width) entries of 32 bytes")
        }
        return try stride(from: 0, to: bytes.count, by: 34).map { offset in
            guard bytes[offset] == 0, bytes[offset + 1] == 32 else {
                throw Alert(.entries, "\(path): entry \(offset / 34) is not 32 bytes long")
            }
            return Array(bytes[offset + 2..<offset + 34])
        }
    }

    private static func checkEvent(_ line: ArraySlice<UInt8>, entry: [UInt8], sequence: UInt64, path: String) throws {
        let event: RecordedEvent
        do { event = try RecordedEvent(envelope: try JSONParser.parse(Array(line))) } catch {
            throw Alert(.events, "\(path): event \(sequence) is not an event line: \(error)")
        }
        guard event.canonicalEnvelope(includingHash: true).elementsEqual(line), event.sequence == sequence,
            event.hash.bytes == entry, EventHash.of(event.canonicalEnvelope()) == event.hash
        else {
            throw Alert(
                .events,
                "\(path): event \(sequence) is not canonical, out of place, or does not hash to entry \(sequence)")
        }
    }
}
