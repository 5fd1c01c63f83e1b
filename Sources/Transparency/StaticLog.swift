import Foundation
public import Ledger
public import LedgerFormat

/// Publishes a ledger as a C2SP tlog-tiles log in a folder that any static file server can serve:
/// the tiles, entry bundles and event bundles a new checkpoint needs, then the checkpoint itself, last.
/// Each run writes only what the previous checkpoint in the folder did not cover; every file is
/// written to a temporary name and renamed, so a reader never sees half a file, and a run stopped
/// midway leaves the previous checkpoint valid.
public struct StaticLog: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Why a folder cannot be published to or read.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// What one publication wrote.
    public struct Publication: Sendable {
        public let previousSize: UInt64
        public let checkpoint: Checkpoint
        public let files: Int
    }

    /// The signed note of the checkpoint the folder serves, if any.
    public func currentNote() throws -> String? {
        let path = directory + "/" + TilePath.checkpoint
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return String(decoding: try RegularFile.read(path, limit: 1 << 20), as: UTF8.self)
        } catch {
            throw Problem(description: "\(TilePath.checkpoint): \(error.description)")
        }
    }

    /// Writes the tiles of `ledger` up to `checkpoint` and then `note`, its signed (and cosigned)
    /// note. Refuses a folder whose checkpoint is of another log, larger, or not a prefix of this tree.
    public func publish(
        _ ledger: Ledger, checkpoint: Checkpoint, note: String, progress: ((Int, Int) -> Void)? = nil
    ) throws -> Publication {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var previous: UInt64 = 0
        if let old = try currentNote() {
            let text: String
            do { text = try SignedNote.split(old).text } catch {
                throw Problem(description: "\(directory)/checkpoint is not a signed note: \(error.description)")
            }
            let published: Checkpoint
            do { published = try Checkpoint(parsing: text) } catch {
                throw Problem(description: "\(directory)/checkpoint: \(error.description)")
            }
            guard published.origin == checkpoint.origin else {
                throw Problem(description: "\(directory) publishes another log, \(published.origin)")
            }
            guard published.size <= checkpoint.size,
                try ledger.treeRoot(size: published.size).root == published.rootHash
            else {
                throw Problem(
                    description:
                        "\(directory) publishes a tree of \(published.size) events that this ledger's history does not extend; publish into an empty folder"
                )
            }
            previous = published.size
        }
        let tiles = TilePath.tiles(size: checkpoint.size, from: previous)
        var written = 0
        for tile in tiles {
            try write(
                try contents(of: tile, ledger: ledger),
                to: TilePath.path(tile.kind, index: tile.index, width: tile.width))
            written += 1
            if written % 64 == 0 { progress?(written, tiles.count) }
        }
        try write(Array(note.utf8), to: TilePath.checkpoint)
        progress?(tiles.count, tiles.count)
        return Publication(previousSize: previous, checkpoint: checkpoint, files: tiles.count + 1)
    }

    private func contents(of tile: (kind: TilePath.Kind, index: UInt64, width: Int), ledger: Ledger) throws
        -> [UInt8]
    {
        switch tile.kind {
        case .hashes(let level):
            return try ledger.tileHashes(level: level, index: tile.index, width: tile.width)
        case .entries, .events:
            var bytes: [UInt8] = []
            let first = tile.index * 256 + 1
            try ledger.forEachEvent(from: first) { event in
                if tile.kind == .entries {
                    bytes += [0x00, 0x20] + event.hash.bytes
                } else {
                    bytes += event.canonicalEnvelope(includingHash: true) + [0x0A]
                }
                return event.sequence < first + UInt64(tile.width) - 1
            }
            return bytes
        }
    }

    /// Writes `bytes` to `path` under the folder: a temporary file, on disk, then renamed into place.
    public func write(_ bytes: [UInt8], to path: String) throws {
        let target = directory + "/" + path
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = target + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Problem(description: "cannot write \(temporary): \(Self.reason())") }
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = written == bytes.count && fsync(descriptor) == 0
        close(descriptor)
        guard synced, rename(temporary, target) == 0 else {
            let reason = Self.reason()
            unlink(temporary)
            throw Problem(description: "cannot write \(target): \(reason)")
        }
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
