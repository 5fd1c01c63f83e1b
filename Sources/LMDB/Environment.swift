import CLMDB
import Glibc

/// How an `Environment` is opened.
public struct EnvironmentOptions: Sendable {
    /// The map size to start with; the map doubles when a write needs more room.
    public var initialMapSize: Int = 64 << 20
    /// The largest the map may grow to; a write beyond it fails with `LMDBError.mapFull`.
    public var maximumMapSize: Int = 1 << 40
    /// How many named databases the environment may hold.
    public var maximumDatabases: UInt32 = 32
    /// How many read transactions may be open at once, across all processes.
    public var maximumReaders: UInt32 = 126
    /// Open without the right to write (`MDB_RDONLY`); without LMDB's lock file too (`MDB_NOLOCK`)
    /// when it cannot be opened or created, as on a read-only medium.
    public var readOnly: Bool = false
    /// Whether a commit waits until the data is on disk. Scratch space that is removed after use
    /// (`MDB_NOSYNC` when false) does not need to.
    public var durable: Bool = true
    /// Told of every write of a writable environment (a benchmark's recorder); nil in the product.
    public var writeObserver: (any WriteObserver)?

    public init() {}
}

/// A handle on a named database inside an environment; cheap to copy, valid as long as its environment.
public struct Database: Sendable, Hashable {
    let handle: MDB_dbi
    /// The name the database was opened with.
    public let name: String
    /// LMDB's number for it (`MDB_dbi`) in its environment, for a `WriteObserver` that records it.
    public var number: UInt32 { handle }
}

/// An LMDB environment (one directory holding `data.mdb`, `lock.mdb` and our `writers.lock`).
///
/// It owns the C handle and frees it when released. Transactions are reached only through
/// `read(_:)` and `write(_:)`, whose closures run synchronously on the calling thread; a transaction
/// and every byte it returns belong to that closure. All write transactions of one process are
/// serialized here; across processes they are serialized by LMDB and by an advisory lock on
/// `writers.lock`, which holds even when `lock.mdb` is deleted. A write refuses to start when
/// `lock.mdb` is no longer the file this environment opened (`LMDBError.lockFileReplaced`): LMDB's
/// writer mutex and transaction counter live there, so writing beside a new one could lose commits.
///
/// Opened with `MDB_NOTLS`, so that read transactions are not tied to a thread (Swift tasks move).
/// Stale reader slots left by killed processes are cleared at open. A write that fills the map is
/// aborted, the map grows, and the whole write is run again; a map grown by another process is
/// adopted when the next transaction starts.
public final class Environment: @unchecked Sendable {
    private let handle: OpaquePointer
    private let options: EnvironmentOptions
    /// Taken exclusively by each write transaction of this process.
    private let writers = ReadWriteLock()
    /// Shared by every transaction of this process; taken exclusively to change the map size.
    private let mapLock = ReadWriteLock()
    /// Taken by each write transaction across processes; nil when opened read-only.
    private let writerLock: FileLock?
    /// The `lock.mdb` this environment opened; nil when opened read-only.
    private let lockFileIdentity: FileIdentity?
    /// Who is told of its writes (`EnvironmentOptions.writeObserver`); nearly always nil.
    private let observer: (any WriteObserver)?

    /// The directory this environment lives in.
    public let path: String
    /// How many stale reader slots of dead processes were cleared when this environment opened.
    public let staleReadersCleared: Int
    /// Whether it was opened read-only without LMDB's lock file (`MDB_NOLOCK`): nothing then keeps
    /// a writer from changing pages under its reads.
    public let isWithoutLockFile: Bool

    /// The file of our own that serializes writers across processes.
    public static let writerLockFileName = "writers.lock"
    /// LMDB's lock file.
    public static let lockFileName = "lock.mdb"

    /// Opens (creating the files if needed) the environment in the existing directory `path`.
    ///
    /// - Throws: `LMDBError` (`.noSuchFile`, `.notADirectory`, `.permissionDenied`, `.readOnlyFileSystem`,
    ///   `.invalid` for a file that is not an LMDB environment, `.versionMismatch`).
    public init(path: String, options: EnvironmentOptions = EnvironmentOptions()) throws(LMDBError) {
        self.options = options
        self.path = path
        if options.readOnly {
            writerLock = nil
            lockFileIdentity = nil
            observer = nil
            do {
                (handle, staleReadersCleared) = try Self.open(path, options, flags: UInt32(MDB_RDONLY))
                isWithoutLockFile = false
            } catch  where error == .permissionDenied || error == .readOnlyFileSystem || error == .noSuchFile {
                (handle, staleReadersCleared) = try Self.open(path, options, flags: UInt32(MDB_RDONLY | MDB_NOLOCK))
                isWithoutLockFile = true
            }
            return
        }
        let writerLock = try FileLock(path: Self.file(path, Self.writerLockFileName))
        // Opened under the writers' lock, so that a lock.mdb created now starts from the last commit.
        try writerLock.lock()
        defer { writerLock.unlock() }
        (handle, staleReadersCleared) = try Self.open(path, options, flags: options.durable ? 0 : UInt32(MDB_NOSYNC))
        self.writerLock = writerLock
        lockFileIdentity = FileIdentity(path: Self.file(path, Self.lockFileName))
        isWithoutLockFile = false
        observer = options.writeObserver
    }

    /// The path of `name` inside the environment's directory.
    private static func file(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func open(_ path: String, _ options: EnvironmentOptions, flags: UInt32) throws(LMDBError) -> (
        OpaquePointer, Int
    ) {
        var created: OpaquePointer?
        try check(mdb_env_create(&created), "mdb_env_create")
        guard let env = created else { throw LMDBError(code: ENOMEM, operation: "mdb_env_create") }
        var cleared: Int32 = 0
        do {
            try check(mdb_env_set_maxdbs(env, options.maximumDatabases), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(env, options.maximumReaders), "mdb_env_set_maxreaders")
            try check(mdb_env_set_mapsize(env, options.initialMapSize), "mdb_env_set_mapsize")
            try check(
                mdb_env_open(env, path, flags | UInt32(MDB_NOTLS), 0o640), "opening the LMDB environment at \(path)")
            if flags & UInt32(MDB_NOLOCK) == 0 { try check(mdb_reader_check(env, &cleared), "mdb_reader_check") }
        } catch {
            mdb_env_close(env)
            throw error
        }
        return (env, Int(cleared))
    }

    deinit {
        mdb_env_close(handle)
    }

    /// Whether it was opened without the right to write.
    public var isReadOnly: Bool { options.readOnly }

    /// The current size of the memory map, in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// The bytes of the map the data file fills: every page up to the last one written, free pages
    /// inside it included (as of the last committed transaction).
    public var usedBytes: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        var stat = MDB_stat()
        mdb_env_stat(handle, &stat)
        return (info.me_last_pgno + 1) * Int(stat.ms_psize)
    }

    /// The size the map may grow to (`EnvironmentOptions.maximumMapSize`); a write that needs more fails.
    public var maximumMapSize: Int { options.maximumMapSize }

    /// Writes a consistent copy of the environment's data file into the existing, empty directory
    /// `directory` while writers go on appending (`mdb_env_copy2` reads one snapshot in a read
    /// transaction); `compacting` leaves out free pages and renumbers the rest (`MDB_CP_COMPACT`).
    ///
    /// - Throws: `LMDBError` (`EEXIST` when `directory` already holds a data file, `.noSuchFile`,
    ///   `.permissionDenied`, `.noSpace`).
    public func copy(to directory: String, compacting: Bool = true) throws(LMDBError) {
        try check(
            mdb_env_copy2(handle, directory, compacting ? UInt32(MDB_CP_COMPACT) : 0),
            "copying the LMDB environment to \(directory)")
    }

    /// Opens a named database, creating it when `create` is true.
    ///
    /// Opened in a transaction of its own that is committed, so the handle stays valid for the
    /// environment's lifetime.
    /// - Throws: `LMDBError.notFound` when it does not exist and `create` is false.
    public func database(named name: String, create: Bool = true) throws -> Database {
        if options.readOnly {
            return try mapLock.withSharedLock {
                let txn = try beginTransaction(flags: UInt32(MDB_RDONLY))
                let database: Database
                do {
                    database = try Transaction(txn).openDatabase(named: name, create: false)
                } catch {
                    mdb_txn_abort(txn)
                    throw error
                }
                try check(mdb_txn_commit(txn), "opening database '\(name)'")
                return database
            }
        }
        return try write { try $0.openDatabase(named: name, create: create) }
    }

    /// How much of its mapped files a process may keep resident before a write transaction, as it
    /// ends, lets go of the pages of the data file it read (`Transaction.releaseMappedPages`): the
    /// pages stay in the kernel's page cache, so a writer's memory stays flat however large the
    /// ledger grows, and reading them again costs a minor page fault. Long scans call
    /// `releaseMappedPages(whenResidentFilesExceed:)` with it as they go. Short reads do not: the
    /// pages they fault in again would cost a query more than it takes.
    public static let residentFileLimit = 64 << 20

    /// Runs `body` in a read-only transaction over a consistent snapshot.
    ///
    /// The transaction and everything read through it are valid only during `body`.
    public func read<T>(_ body: (Transaction) throws -> T) throws -> T {
        while true {
            do {
                return try mapLock.withSharedLock {
                    let txn = try beginTransaction(flags: UInt32(MDB_RDONLY))
                    defer { mdb_txn_abort(txn) }
                    return try body(Transaction(txn))
                }
            } catch LMDBError.mapResized {
                try adoptMapGrownElsewhere()
            }
        }
    }

    /// Runs `body` in a write transaction: committed (durably) when `body` returns, aborted when it throws.
    ///
    /// When the map fills up the transaction is aborted, the map grows, and `body` runs again from
    /// the start, so `body` must not have effects outside the transaction.
    /// - Throws: whatever `body` throws; `LMDBError.mapFull` when `maximumMapSize` is reached; an
    ///   `EDEADLK` error when called inside another write transaction on the same thread.
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        guard let writerLock else {
            throw LMDBError(code: EROFS, operation: "writing to the environment at \(path), opened read-only")
        }
        return try writers.withExclusiveLockUnlessHeld { try writerLock.withLock { try writeLocked(body) } }
    }

    private func writeLocked<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        // A lock.mdb gone with the data file beside it (the directory removed) lets no other process in.
        let lockFile = Self.file(path, Self.lockFileName)
        let current = FileIdentity(path: lockFile)
        guard current == lockFileIdentity || (current == nil && FileIdentity(path: Self.file(path, "data.mdb")) == nil)
        else {
            throw LMDBError.lockFileReplaced(lockFile)
        }
        while true {
            var mapWasFull = false
            do {
                return try mapLock.withSharedLock {
                    let txn = try beginTransaction(flags: 0)
                    let transaction = WriteTransaction(txn, observer: observer)
                    observer?.transactionBegan()
                    do {
                        let result = try body(transaction)
                        transaction.releaseMappedPages(whenResidentFilesExceed: Self.residentFileLimit)
                        transaction.isFinished = true
                        try check(mdb_txn_commit(txn), "committing a write transaction")
                        observer?.transactionCommitted()
                        return result
                    } catch {
                        observer?.transactionAborted()
                        mapWasFull = transaction.mapWasFull
                        if !transaction.isFinished { mdb_txn_abort(txn) }
                        throw error
                    }
                }
            } catch LMDBError.mapResized {
                try adoptMapGrownElsewhere()
            } catch  where mapWasFull || LMDBError.mapFull ~= error {
                try growMap()
            }
        }
    }

    private func beginTransaction(flags: UInt32) throws(LMDBError) -> OpaquePointer {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(handle, nil, flags, &txn), "mdb_txn_begin")
        guard let txn else { throw LMDBError(code: ENOMEM, operation: "mdb_txn_begin") }
        return txn
    }

    private func growMap() throws(LMDBError) {
        try mapLock.withExclusiveLock { () throws(LMDBError) in
            let current = mapSize
            guard current < options.maximumMapSize else {
                throw LMDBError(
                    code: MDB_MAP_FULL,
                    operation: "the map reached its limit of \(options.maximumMapSize) bytes"
                )
            }
            let grown = min(max(current * 2, current + (1 << 20)), options.maximumMapSize)
            try check(mdb_env_set_mapsize(handle, grown), "growing the map to \(grown) bytes")
        }
    }

    private func adoptMapGrownElsewhere() throws(LMDBError) {
        try mapLock.withExclusiveLock { () throws(LMDBError) in
            try check(mdb_env_set_mapsize(handle, 0), "adopting the map size set by another process")
        }
    }
}
