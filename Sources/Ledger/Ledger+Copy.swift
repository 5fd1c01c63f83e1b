import LMDB

extension Ledger {
    /// Writes a compacted copy of the event log (with its projections and snapshots) into the
    /// existing directory `directory`, consistent at one moment though writers go on appending, and
    /// returns the head of the copy. Only LMDB's data file is copied: the files beside it (evidence,
    /// keys, witnesses) are the caller's to copy.
    ///
    /// - Throws: `LedgerError.storage` when the copy cannot be written (`directory` missing, or
    ///   already holding a data file; no space; no permission).
    public func copyStorage(to directory: String) throws -> LedgerHead {
        try storage("copying the ledger to \(directory)") { try environment.copy(to: directory) }
        var options = LedgerOptions(policy: policy)
        options.storage.readOnly = true
        return try Ledger.open(at: directory, options: options).head()
    }
}
