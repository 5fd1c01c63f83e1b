import Glibc

/// A POSIX reader-writer lock: many transactions share the map, a resize of the map excludes them all.
final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func withSharedLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    /// Like `withExclusiveLock`, but refuses (with `EDEADLK`) when this thread already holds the lock.
    func withExclusiveLockUnlessHeld<T>(_ body: () throws -> T) throws -> T {
        let rc = pthread_rwlock_wrlock(lock)
        guard rc == 0 else {
            throw LMDBError(code: rc, operation: "a write transaction was started inside another on the same thread")
        }
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func withExclusiveLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}

/// An advisory lock (`flock`) on a file of our own. `Environment` holds one on `writers.lock` around
/// every write transaction and around opening, so that writers of every process stay serialized even
/// when LMDB's own `lock.mdb` (which holds its writer mutex) is deleted or replaced. The kernel
/// releases it when its process dies, however it dies.
public final class FileLock: @unchecked Sendable {
    private let path: String
    private var descriptor: Int32

    /// Opens (creating it if needed) the lock file at `path`.
    public init(path: String) throws(LMDBError) {
        self.path = path
        descriptor = try Self.open(path)
    }

    deinit {
        close(descriptor)
    }

    /// Runs `body` holding the lock exclusively.
    public func withLock<T>(_ body: () throws -> T) throws -> T {
        try lock()
        defer { unlock() }
        return try body()
    }

    /// Takes the lock exclusively, waiting for it. When the file was deleted or replaced while this
    /// process waited, the file now at the path is opened and locked instead, so that every process
    /// locks the same file; when its directory is gone too, no other process can open it, and the
    /// lock held is kept.
    func lock() throws(LMDBError) {
        while true {
            guard flock(descriptor, LOCK_EX) == 0 else { throw LMDBError(code: errno, operation: "locking \(path)") }
            if FileIdentity(descriptor: descriptor) == FileIdentity(path: path) { return }
            let replacement = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
            guard replacement >= 0 else {
                if errno == ENOENT { return }
                let code = errno
                flock(descriptor, LOCK_UN)
                throw LMDBError(code: code, operation: "opening the lock file \(path)")
            }
            flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = replacement
        }
    }

    func unlock() {
        flock(descriptor, LOCK_UN)
    }

    private static func open(_ path: String) throws(LMDBError) -> Int32 {
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw LMDBError(code: errno, operation: "opening the writers' lock file \(path)") }
        return descriptor
    }
}

/// A file's device and inode: tells whether the file at a path is still the one that was opened.
struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    /// The identity of the file at `path`, or nil when there is none.
    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }

    init?(descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
