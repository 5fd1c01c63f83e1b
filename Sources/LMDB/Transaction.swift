import CLMDB
import Glibc

/// A read transaction: a consistent snapshot of every database of the environment.
///
/// Valid only inside the `Environment.read(_:)` or `write(_:)` closure that provided it. Bytes it
/// returns are copies that outlive it.
public class Transaction {
    let handle: OpaquePointer
    /// Where the data file is mapped, once `releaseMappedPages()` looked it up: the map cannot move
    /// while a transaction is open.
    private var mappedRegions: [(start: UInt, end: UInt)]?

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    /// Drops this process's mapping of every page of the data file it has read so far. The pages stay
    /// in the kernel's page cache and are mapped again, unchanged, when next read (the map is read-only:
    /// LMDB writes through the file, never through the map). A long scan that calls it now and then
    /// keeps its resident memory at what it reads between two calls instead of the whole file.
    /// Called inside a transaction, where the map cannot be moved or resized.
    public func releaseMappedPages() {
        if mappedRegions == nil {
            var descriptor: Int32 = -1
            var info = stat()
            guard let environment = mdb_txn_env(handle), mdb_env_get_fd(environment, &descriptor) == 0,
                fstat(descriptor, &info) == 0
            else { return }
            // LMDB does not tell where it mapped the file (`me_mapaddr` is only set for a fixed map):
            // the process's own list of its mappings does.
            mappedRegions = Self.sharedMappings(ofDevice: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        }
        for region in mappedRegions ?? [] {
            _ = madvise(
                UnsafeMutableRawPointer(bitPattern: region.start), Int(region.end - region.start), MADV_DONTNEED)
        }
    }

    /// `releaseMappedPages()` when this process's resident file-backed memory (its mapped files,
    /// program and libraries included) is above `limit` bytes: cheap enough to ask every few hundred
    /// reads, it keeps a scan's memory under the limit with as few releases as needed.
    public func releaseMappedPages(whenResidentFilesExceed limit: Int) {
        if Self.residentFileBytes() > limit { releaseMappedPages() }
    }

    /// /proc/self/statm, kept open: re-read from its start, it tells the current figures.
    private static let statm = Glibc.open("/proc/self/statm", O_RDONLY | O_CLOEXEC)

    /// The process's resident file-backed and shared memory in bytes (0 when it cannot be read).
    private static func residentFileBytes() -> Int {
        var text = [UInt8](repeating: 0, count: 128)
        let count = text.withUnsafeMutableBytes { pread(statm, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return 0 }
        // size resident shared text lib data dt, in pages
        let fields = text[..<count].split(separator: UInt8(ascii: " "))
        guard fields.count >= 3, let pages = Int(String(decoding: fields[2], as: UTF8.self)) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The address ranges of the shared mappings of the file `inode` of `device`, from /proc/self/maps.
    private static func sharedMappings(ofDevice device: UInt64, inode: UInt64) -> [(start: UInt, end: UInt)] {
        // glibc's encoding of a device number (its major and minor are macros Swift does not import).
        let major = (device >> 8) & 0xfff | (device >> 32) & ~0xfff
        let minor = device & 0xff | (device >> 12) & ~0xff
        guard let file = fopen("/proc/self/maps", "r") else { return [] }
        defer { fclose(file) }
        var found: [(start: UInt, end: UInt)] = []
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            // start-end perms offset dev inode path
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = text.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[1].hasSuffix("s"), UInt64(fields[4]) == inode,
                fields[3].split(separator: ":").compactMap({ UInt64($0, radix: 16) }) == [major, minor]
            else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
                end > start
            else { continue }
            found.append((start, end))
        }
        return found
    }

    /// Opens a named database inside this transaction.
    func openDatabase(named name: String, create: Bool) throws(LMDBError) -> Database {
        var dbi: MDB_dbi = 0
        let flags = create ? UInt32(MDB_CREATE) : 0
        try check(mdb_dbi_open(handle, name, flags, &dbi), "opening database '\(name)'")
        return Database(handle: dbi, name: name)
    }

    /// The value stored under `key`, or nil.
    /// Whether LMDB can hold `key`: 1 byte up to the environment's maximum key size.
    func isStorable(_ key: [UInt8]) -> Bool {
        !key.isEmpty && key.count <= Int(mdb_env_get_maxkeysize(mdb_txn_env(handle)))
    }

    public func value(for key: [UInt8], in database: Database) throws(LMDBError) -> [UInt8]? {
        // A key LMDB cannot hold (empty, or longer than its maximum) is in no database: not found,
        // rather than MDB_BAD_VALSIZE for a lookup by an id that came from outside.
        guard isStorable(key) else { return nil }
        var keyValue = MDB_val()
        var found = MDB_val()
        let rc = key.withUnsafeBytes { keyBytes in
            keyValue = MDB_val(
                mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_get(handle, database.handle, &keyValue, &found)
        }
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "reading from '\(database.name)'")
        return copyBytes(found)
    }

    /// How many entries `database` holds.
    public func count(of database: Database) throws(LMDBError) -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(handle, database.handle, &stat), "mdb_stat of '\(database.name)'")
        return stat.ms_entries
    }

    /// Runs `body` with a cursor over `database`; the cursor is closed when `body` returns.
    public func withCursor<T>(on database: Database, _ body: (Cursor) throws -> T) throws -> T {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, database.handle, &cursor), "opening a cursor on '\(database.name)'")
        guard let cursor else { throw LMDBError.notFound }
        defer { mdb_cursor_close(cursor) }
        return try body(Cursor(cursor, database: database))
    }

    /// Calls `body` with each entry of `database` in key order, starting at the first key greater than
    /// or equal to `start` (the first key when nil), until `body` returns false or the entries run out.
    ///
    /// The cursor behind it lives only during this call, inside this transaction; each `Entry` is a copy
    /// that outlives both. Rethrows what `body` throws; LMDB's failures are `LMDBError`s.
    public func forEach(in database: Database, from start: [UInt8]? = nil, while body: (Entry) throws -> Bool) throws {
        try withCursor(on: database) { cursor in
            var entry = try start.map(cursor.seek(atLeast:)) ?? cursor.first()
            while let current = entry, try body(current) {
                entry = try cursor.next()
            }
        }
    }

    /// Calls `body` with each entry of `database` whose key starts with `prefix`, in key order, until
    /// `body` returns false; the same lifetimes as `forEach(in:from:while:)`.
    public func forEach(in database: Database, withPrefix prefix: [UInt8], while body: (Entry) throws -> Bool) throws {
        try forEach(in: database, from: prefix) { entry in
            try entry.key.starts(with: prefix) && body(entry)
        }
    }
}

/// A write transaction: reads see its own writes; committed or aborted by `Environment.write(_:)`.
public final class WriteTransaction: Transaction {
    /// Set when a write hit `MDB_MAP_FULL`, so the environment grows the map and retries.
    var mapWasFull = false
    /// Set once the transaction has been committed or aborted.
    var isFinished = false
    /// Who is told of its writes, when the environment's opener asked (the benchmarks).
    private let observer: (any WriteObserver)?

    init(_ handle: OpaquePointer, observer: (any WriteObserver)?) {
        self.observer = observer
        super.init(handle)
    }

    /// How `put` treats existing keys.
    public struct PutOptions: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// The key is larger than every key in the database (fast path; `keyExists` otherwise).
        public static let append = PutOptions(rawValue: UInt32(MDB_APPEND))
        /// Fail with `LMDBError.keyExists` rather than overwrite.
        public static let noOverwrite = PutOptions(rawValue: UInt32(MDB_NOOVERWRITE))
    }

    /// Stores `value` under `key`.
    public func put(_ value: [UInt8], for key: [UInt8], in database: Database, options: PutOptions = [])
        throws(LMDBError)
    {
        let rc = key.withUnsafeBytes { keyBytes in
            value.withUnsafeBytes { valueBytes in
                var keyValue = MDB_val(
                    mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
                var dataValue = MDB_val(
                    mv_size: valueBytes.count, mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress))
                return mdb_put(handle, database.handle, &keyValue, &dataValue, options.rawValue)
            }
        }
        observer?.put(in: database, flags: options.rawValue, rc: rc, key: key, value: value)
        if rc == MDB_MAP_FULL { mapWasFull = true }
        try check(rc, "writing to '\(database.name)'")
    }

    /// Removes `key`; returns false when it was not there.
    @discardableResult
    public func delete(_ key: [UInt8], in database: Database) throws(LMDBError) -> Bool {
        guard isStorable(key) else { return false }
        let rc = key.withUnsafeBytes { keyBytes in
            var keyValue = MDB_val(
                mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_del(handle, database.handle, &keyValue, nil)
        }
        observer?.delete(in: database, rc: rc, key: key)
        if rc == MDB_NOTFOUND { return false }
        try check(rc, "deleting from '\(database.name)'")
        return true
    }

    /// Removes every entry of `database`, keeping the database itself.
    public func removeAll(from database: Database) throws(LMDBError) {
        let rc = mdb_drop(handle, database.handle, 0)
        observer?.removeAll(from: database, rc: rc)
        try check(rc, "emptying '\(database.name)'")
    }
}

/// One key and its value, copied out of the map.
public struct Entry: Sendable, Equatable {
    public let key: [UInt8]
    public let value: [UInt8]
}

/// A position in a database, in key order. Valid only inside `Transaction.withCursor(on:_:)`.
public final class Cursor {
    private let handle: OpaquePointer
    private let database: Database

    init(_ handle: OpaquePointer, database: Database) {
        self.handle = handle
        self.database = database
    }

    /// The entry with the smallest key.
    public func first() throws(LMDBError) -> Entry? { try move(MDB_FIRST) }
    /// The entry with the largest key.
    public func last() throws(LMDBError) -> Entry? { try move(MDB_LAST) }
    /// The entry after the current one.
    public func next() throws(LMDBError) -> Entry? { try move(MDB_NEXT) }
    /// The entry before the current one.
    public func previous() throws(LMDBError) -> Entry? { try move(MDB_PREV) }

    /// The first entry whose key is greater than or equal to `key`.
    public func seek(atLeast key: [UInt8]) throws(LMDBError) -> Entry? {
        var keyValue = MDB_val()
        var dataValue = MDB_val()
        let rc = key.withUnsafeBytes { keyBytes in
            keyValue = MDB_val(
                mv_size: keyBytes.count, mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress))
            return mdb_cursor_get(handle, &keyValue, &dataValue, MDB_SET_RANGE)
        }
        return try entry(rc, keyValue, dataValue)
    }

    private func move(_ operation: MDB_cursor_op) throws(LMDBError) -> Entry? {
        var keyValue = MDB_val()
        var dataValue = MDB_val()
        let rc = mdb_cursor_get(handle, &keyValue, &dataValue, operation)
        return try entry(rc, keyValue, dataValue)
    }

    private func entry(_ rc: Int32, _ key: MDB_val, _ value: MDB_val) throws(LMDBError) -> Entry? {
        if rc == MDB_NOTFOUND { return nil }
        try check(rc, "moving a cursor on '\(database.name)'")
        return Entry(key: copyBytes(key), value: copyBytes(value))
    }
}

/// Copies the bytes an `MDB_val` points at, which are valid only until the transaction ends.
@inline(__always)
func copyBytes(_ value: MDB_val) -> [UInt8] {
    guard value.mv_size > 0, let data = value.mv_data else { return [] }
    return [UInt8](UnsafeRawBufferPointer(start: data, count: value.mv_size))
}
