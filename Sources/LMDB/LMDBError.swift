import CLMDB
import Glibc

/// The one error type of the LMDB layer: LMDB's (or the system's) result code and its message.
///
/// Match a code with a pattern: `catch LMDBError.mapFull { … }`.
public struct LMDBError: Error, Equatable, Sendable, CustomStringConvertible {
    /// LMDB's result code (negative, `MDB_*`) or an `errno` value (positive).
    public let code: Int32
    /// LMDB's own text for the code, with the operation that failed where known.
    public let message: String

    public init(code: Int32, operation: String? = nil) {
        self.code = code
        let text = String(cString: mdb_strerror(code))
        self.message = operation.map { "\($0): \(text)" } ?? text
    }

    init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// A write refused because LMDB's lock file at `path` is not the one the environment opened.
    static func lockFileReplaced(_ path: String) -> LMDBError {
        LMDBError(
            code: ESTALE,
            message:
                "LMDB's lock file \(path) was deleted or replaced after this process opened the ledger; nothing was written"
        )
    }

    public static func == (lhs: LMDBError, rhs: LMDBError) -> Bool { lhs.code == rhs.code }

    /// Lets `catch LMDBError.notFound` match any error with that code.
    public static func ~= (pattern: LMDBError, value: any Error) -> Bool {
        (value as? LMDBError)?.code == pattern.code
    }

    public static let keyExists = LMDBError(code: MDB_KEYEXIST)
    public static let notFound = LMDBError(code: MDB_NOTFOUND)
    public static let mapFull = LMDBError(code: MDB_MAP_FULL)
    public static let mapResized = LMDBError(code: MDB_MAP_RESIZED)
    public static let readersFull = LMDBError(code: MDB_READERS_FULL)
    public static let transactionFull = LMDBError(code: MDB_TXN_FULL)
    public static let invalid = LMDBError(code: MDB_INVALID)
    public static let versionMismatch = LMDBError(code: MDB_VERSION_MISMATCH)
    public static let corrupted = LMDBError(code: MDB_CORRUPTED)
    public static let badValueSize = LMDBError(code: MDB_BAD_VALSIZE)
    public static let noSpace = LMDBError(code: ENOSPC)
    public static let inputOutput = LMDBError(code: EIO)
    public static let permissionDenied = LMDBError(code: EACCES)
    public static let readOnlyFileSystem = LMDBError(code: EROFS)
    /// Matches the refusal to write beside a `lock.mdb` that was deleted or replaced.
    public static let lockFileReplaced = LMDBError(code: ESTALE)
    public static let noSuchFile = LMDBError(code: ENOENT)
    public static let notADirectory = LMDBError(code: ENOTDIR)
}

/// Turns an LMDB result code into a thrown `LMDBError`; every C call of this module goes through it.
@inline(__always)
func check(_ resultCode: Int32, _ operation: @autoclosure () -> String) throws(LMDBError) {
    if resultCode != MDB_SUCCESS {
        throw LMDBError(code: resultCode, operation: operation())
    }
}
