import CLMDB
import Glibc

/// An opt-in record of the writes a process makes, for the benchmarks: `tools/bench` runs a
/// workload with `PARLEDGER_LMDB_WRITE_TRACE=FILE` set, then `tools/bench_baseline.c replay` makes
/// exactly the same puts, deletes and drops in the same transactions, as a C program would.
///
/// Only the first writable `Environment` the process opens records (in a process with one ledger,
/// that ledger); when the variable is unset, nothing is opened and each write costs a nil check.
///
/// The file starts with the 8 bytes `PLTRACE1`; then records, each a tag byte and its fields, the
/// integers 32-bit little-endian, the rc being what LMDB returned:
///
///     B                                    a write transaction begins
///     C                                    it was committed
///     A                                    it was aborted (or failed to commit)
///     N dbi length name                    the name of database handle `dbi` (before its first use)
///     P dbi flags rc keyLength key valueLength value     mdb_put
///     D dbi rc keyLength key               mdb_del
///     X dbi rc                             mdb_drop, emptying the database
final class WriteTrace: @unchecked Sendable {
    /// The environment variable naming the file.
    static let variable = "PARLEDGER_LMDB_WRITE_TRACE"

    private let file: UnsafeMutablePointer<FILE>
    /// Database handles whose name is already in the file. Touched only inside write
    /// transactions, which the environment serializes.
    private var named: Set<MDB_dbi> = []

    private init?(path: String) {
        guard let file = fopen(path, "wb") else { return nil }
        self.file = file
        fputs("PLTRACE1", file)
    }

    /// The process's trace for the first writable environment that asks; nil for the others and
    /// when the variable is unset.
    static func claim() -> WriteTrace? {
        claimed.take()
    }

    private static let claimed = Claim()

    private final class Claim: @unchecked Sendable {
        private let lock = ReadWriteLock()
        private var taken = false

        func take() -> WriteTrace? {
            lock.withExclusiveLock {
                guard !taken, let path = getenv(WriteTrace.variable), path.pointee != 0 else { return nil }
                taken = true
                return WriteTrace(path: String(cString: path))
            }
        }
    }

    func begin() { tag("B") }

    func commit() {
        tag("C")
        fflush(file)
    }

    func abort() {
        tag("A")
        fflush(file)
    }

    func put(_ database: Database, flags: UInt32, rc: Int32, key: [UInt8], value: [UInt8]) {
        name(database)
        tag("P")
        integer(database.handle)
        integer(flags)
        integer(UInt32(bitPattern: rc))
        bytes(key)
        bytes(value)
    }

    func delete(_ database: Database, rc: Int32, key: [UInt8]) {
        name(database)
        tag("D")
        integer(database.handle)
        integer(UInt32(bitPattern: rc))
        bytes(key)
    }

    func drop(_ database: Database, rc: Int32) {
        name(database)
        tag("X")
        integer(database.handle)
        integer(UInt32(bitPattern: rc))
    }

    private func name(_ database: Database) {
        guard named.insert(database.handle).inserted else { return }
        tag("N")
        integer(database.handle)
        bytes(Array(database.name.utf8))
    }

    private func tag(_ letter: Unicode.Scalar) {
        fputc(Int32(letter.value), file)
    }

    private func integer(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { _ = fwrite($0.baseAddress, 1, 4, file) }
    }

    private func bytes(_ data: [UInt8]) {
        integer(UInt32(data.count))
        data.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
    }
}
