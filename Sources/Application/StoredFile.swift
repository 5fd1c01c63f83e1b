import Foundation
import Ledger
import LedgerFormat

/// The files of a ledger directory as a backup sees them: which to copy, each copied with its size
/// and SHA-256 taken on the way, and a file written so that it is either whole or absent.
enum StoredFile {
    static let dataFileName = "data.mdb"

    /// The regular files under `directory`, relative to it, that a backup copies besides the data
    /// file: everything but LMDB's files, the lock files (`*.lock`), hidden entries (the evidence
    /// store's `.staging`) and, unless asked, the log's private key.
    static func beside(_ directory: String, includingLogKey: Bool) throws -> [String] {
        let skipped: Set<String> = [dataFileName, "lock.mdb"]
        var found: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw LedgerBackup.Problem("cannot read the ledger directory \(directory)")
        }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                walker.skipDescendants()
                continue
            }
            guard walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            if skipped.contains(relative) || name.hasSuffix(".lock") { continue }
            if relative == Ledger.logKeyFileName && !includingLogKey { continue }
            found.append(relative)
        }
        return found.sorted()
    }

    /// Copies `source` to `target` (its directory created), keeping the private key's mode, and
    /// describes what was written.
    static func copy(_ source: String, to target: String, as relative: String) throws -> LedgerBackup.Manifest.File {
        let files = FileManager.default
        try files.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? files.removeItem(atPath: target)
        do {
            try files.copyItem(atPath: source, toPath: target)
        } catch {
            throw LedgerBackup.Problem("cannot copy \(relative): \(error.localizedDescription)")
        }
        return try describe(target, as: relative)
    }

    /// The size and SHA-256 of the file at `path`.
    static func describe(_ path: String, as relative: String) throws -> LedgerBackup.Manifest.File {
        var hash = SHA256Stream()
        var size = 0
        do {
            try RegularFile.forEachChunk(of: path, shownAs: relative) { chunk in
                hash.update(chunk)
                size += chunk.count
            }
        } catch {
            throw LedgerBackup.Problem("\(relative) of the backup is missing or unreadable (\(error))")
        }
        return LedgerBackup.Manifest.File(path: relative, size: size, sha256: hash.finish())
    }

    /// Writes `data` to `path` through a temporary file that is flushed to disk and renamed.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw LedgerBackup.Problem("cannot write \(temporary)")
        }
        let handle = open(temporary, O_RDONLY)
        if handle >= 0 {
            fsync(handle)
            close(handle)
        }
        guard rename(temporary, path) == 0 else {
            throw LedgerBackup.Problem("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
