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
