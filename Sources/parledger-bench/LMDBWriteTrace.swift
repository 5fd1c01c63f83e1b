import Glibc
import LMDB

/// The record of every write a benchmark's ledger makes, so that `tools/bench_baseline.c replay`
/// can make exactly the same puts, deletes and drops in the same transactions, as a C program would:
/// `parledger-bench append --write-trace FILE` (and `durable`) passes it to the ledger's environment
/// as its `WriteObserver`. Nothing in the product records writes.
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
final class LMDBWriteTrace: WriteObserver, @unchecked Sendable {
    private let file: UnsafeMutablePointer<FILE>
    /// Database handles whose name is already in the file. Touched only inside write
    /// transactions, which the environment serializes.
    private var named: Set<UInt32> = []

    init(path: String) throws {
        guard let file = fopen(path, "wb") else { throw RecordingError("cannot write the trace file \(path)") }
        self.file = file
        fputs("PLTRACE1", file)
    }

    func transactionBegan() { tag("B") }

    func transactionCommitted() {
        tag("C")
        fflush(file)
    }

    func transactionAborted() {
        tag("A")
        fflush(file)
    }

    func put(in database: Database, flags: UInt32, rc: Int32, key: [UInt8], value: [UInt8]) {
        name(database)
        tag("P")
        integer(database.number)
        integer(flags)
        integer(UInt32(bitPattern: rc))
        bytes(key)
        bytes(value)
    }

    func delete(in database: Database, rc: Int32, key: [UInt8]) {
        name(database)
        tag("D")
        integer(database.number)
        integer(UInt32(bitPattern: rc))
        bytes(key)
    }

    func removeAll(from database: Database, rc: Int32) {
        name(database)
        tag("X")
        integer(database.number)
        integer(UInt32(bitPattern: rc))
    }

    private func name(_ database: Database) {
        guard named.insert(database.number).inserted else { return }
        tag("N")
        integer(database.number)
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
