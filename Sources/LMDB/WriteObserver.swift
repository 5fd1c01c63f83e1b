/// Sees every write of an environment's write transactions, in order, with what LMDB returned: for a
/// tool that must know them (the benchmarks record them and replay them in C). The product never
/// installs one; whoever opens an environment may pass one in `EnvironmentOptions.writeObserver`.
///
/// Its methods run inside write transactions, which the environment serializes.
public protocol WriteObserver: AnyObject, Sendable {
    func transactionBegan()
    func transactionCommitted()
    /// The transaction was aborted, or failed to commit.
    func transactionAborted()
    func put(in database: Database, flags: UInt32, rc: Int32, key: [UInt8], value: [UInt8])
    func delete(in database: Database, rc: Int32, key: [UInt8])
    /// `mdb_drop` emptying `database`.
    func removeAll(from database: Database, rc: Int32)
}
