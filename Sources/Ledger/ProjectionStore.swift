import LMDB
import LedgerFormat

/// Where a module built on the ledger keeps its own databases (projections, read models), in the
/// ledger's storage and in its transactions, without seeing the storage engine.
///
/// The store is the ledger's (`Ledger.projections`), whose `append(batch:apply:)` hands its `apply`
/// closure a `ProjectionWriter` inside the append's transaction. Readers and writers are reached only through `read(_:)`
/// and `write(_:)` (and `append(batch:apply:)`), whose closures run synchronously on the calling
/// thread; a reader or writer is valid only inside the closure that received it, and every byte it
/// returns is a copy that outlives it.
///
/// Every failure of the storage engine leaves the store as `LedgerError.storage`; what the closures
/// throw themselves passes through unchanged.
public final class ProjectionStore: Sendable {
    let environment: Environment

    init(environment: Environment) {
        self.environment = environment
    }

    /// The directory the store lives in.
    public var path: String { environment.path }

    /// Whether it was opened without the right to write: `write(_:)` then fails with
    /// `LedgerError.storage` of kind `.readOnlyFileSystem`, and `database(named:create:)` creates nothing.
    public var isReadOnly: Bool { environment.isReadOnly }

    /// Whether it was opened read-only without the storage engine's lock file, as on a read-only
    /// medium: nothing then keeps a writer of another process from changing pages under its reads.
    public var isWithoutLockFile: Bool { environment.isWithoutLockFile }

    /// Opens the database `name`, creating it when `create` is true and the store is writable.
    ///
    /// The handle stays valid as long as the store.
    /// - Throws: `LedgerError.storage` of kind `.notFound` when it does not exist and is not created.
    public func database(named name: String, create: Bool = true) throws -> ProjectionDatabase {
        try storage("opening the database '\(name)'") {
            ProjectionDatabase(database: try environment.database(named: name, create: create))
        }
    }

    /// Runs `body` with a reader over a consistent snapshot of every database of the store.
    public func read<T>(_ body: (ProjectionReader) throws -> T) throws -> T {
        try storage("reading the projections") {
            try environment.read { try body(ProjectionReader($0)) }
        }
    }

    /// Runs `body` in a write transaction: committed (durably) when `body` returns, aborted when it
    /// throws. `body` may run more than once (when the storage grows), so it must have no effects
    /// outside the transaction.
    public func write<T>(_ body: (ProjectionWriter) throws -> T) throws -> T {
        try storage("writing the projections") {
            try environment.write { try body(ProjectionWriter($0)) }
        }
    }

    /// Runs `body` holding an exclusive advisory lock on the file `name` in the store's directory
    /// (created when missing), which serializes `body` across the processes that take the same lock.
    public func withFileLock<T>(named name: String, _ body: () throws -> T) throws -> T {
        let lockPath = path.hasSuffix("/") ? path + name : path + "/" + name
        return try storage("locking \(lockPath)") { try FileLock(path: lockPath).withLock(body) }
    }
}

/// A handle on a named database of a `ProjectionStore`; cheap to copy, valid as long as its store.
public struct ProjectionDatabase: Sendable, Hashable {
    let database: Database

    /// The name the database was opened with.
    public var name: String { database.name }
}

/// One key and its value, copied out of the store.
public struct ProjectionEntry: Sendable, Equatable {
    public let key: [UInt8]
    public let value: [UInt8]
}

/// Reads a consistent snapshot of the store's databases. Valid only inside the closure that received
/// it (`ProjectionStore.read(_:)`, or as a `ProjectionWriter`).
///
/// Its failures are those of the storage engine; the store (or the ledger's append) that ran the
/// closure turns them into `LedgerError.storage` once the closure has ended.
public class ProjectionReader {
    let transaction: Transaction

    init(_ transaction: Transaction) {
        self.transaction = transaction
    }

    /// The value stored under `key`, or nil.
    public func value(for key: [UInt8], in database: ProjectionDatabase) throws -> [UInt8]? {
        return try transaction.value(for: key, in: database.database)
    }

    /// Lets go of the pages of the store's file this process has read so far (they are read again
    /// when needed): a long scan or replay calls it now and then to keep its resident memory flat.
    public func releaseMappedPages() {
        transaction.releaseMappedPages()
    }

    /// How many entries `database` holds.
    public func count(of database: ProjectionDatabase) throws -> Int {
        try transaction.count(of: database.database)
    }

    /// Calls `body` with each entry of `database` in key order, starting at the first key greater than
    /// or equal to `start` (the first key when nil), until `body` returns false or the entries run out.
    public func forEach(
        in database: ProjectionDatabase, from start: [UInt8]? = nil, while body: (ProjectionEntry) throws -> Bool
    ) throws {
        try transaction.forEach(in: database.database, from: start) { entry in
            return try body(ProjectionEntry(key: entry.key, value: entry.value))
        }
    }

    /// Calls `body` with each entry of `database` whose key starts with `prefix`, in key order, until
    /// `body` returns false.
    public func forEach(
        in database: ProjectionDatabase, withPrefix prefix: [UInt8], while body: (ProjectionEntry) throws -> Bool
    ) throws {
        try transaction.forEach(in: database.database, withPrefix: prefix) { entry in
            return try body(ProjectionEntry(key: entry.key, value: entry.value))
        }
    }
}

/// Reads and writes inside one write transaction: it sees its own writes, and they are committed or
/// aborted with the transaction. Valid only inside the closure that received it
/// (`ProjectionStore.write(_:)`, `Ledger.append(batch:apply:)`).
public final class ProjectionWriter: ProjectionReader {
    let writeTransaction: WriteTransaction

    init(_ transaction: WriteTransaction) {
        writeTransaction = transaction
        super.init(transaction)
    }

    /// Stores `value` under `key`, replacing what was there.
    public func put(_ value: [UInt8], for key: [UInt8], in database: ProjectionDatabase) throws {
        try writeTransaction.put(value, for: key, in: database.database)
    }

    /// Removes `key`; returns false when it was not there.
    @discardableResult
    public func delete(_ key: [UInt8], in database: ProjectionDatabase) throws -> Bool {
        try writeTransaction.delete(key, in: database.database)
    }

    /// Removes every entry of `database`, keeping the database itself.
    public func removeAll(from database: ProjectionDatabase) throws {
        try writeTransaction.removeAll(from: database.database)
    }
}
