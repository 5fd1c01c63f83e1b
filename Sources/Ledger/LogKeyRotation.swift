import Foundation
public import LedgerFormat

extension Ledger {
    /// The folder beside the ledger's data that keeps the public history of its log keys: the first
    /// key's verifier key (`first.vkey`) and each handover note (`handover-<size>.txt`). Backups copy it.
    public static let logKeysFolderName = "log-keys"
    static let firstLogKeyFileName = "first.vkey"
    /// The new key while a rotation writes it: hidden, so a backup never copies it.
    static let nextLogKeyFileName = ".log.key.next"

    private func logKeysPath(_ name: String = "") -> String {
        ((path as NSString).appendingPathComponent(Self.logKeysFolderName) as NSString).appendingPathComponent(name)
    }

    /// The first log key's verifier key: the one in `log-keys/first.vkey` once the key was rotated,
    /// else the current key's.
    public func firstLogVerifierKey() throws -> NoteVerifierKey {
        let file = logKeysPath(Self.firstLogKeyFileName)
        guard FileManager.default.fileExists(atPath: file) else { return try logVerifierKey() }
        let bytes = try RegularFile.read(file, limit: 4096)
        guard bytes.last == 0x0A, let text = String(validating: bytes.dropLast(), as: UTF8.self) else {
            throw LedgerError.notALedger(path: path, reason: "\(file) is not a note verifier key and a newline")
        }
        do { return try NoteVerifierKey(parsing: text) } catch {
            throw LedgerError.notALedger(path: path, reason: "\(file): \(error.description)")
        }
    }

    /// The log's key handovers kept in `log-keys/`, in order, checked as one chain from the first key.
    public func logKeyHandovers() throws -> [LogHandover] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logKeysPath())) ?? []
        let sized = names.compactMap { name -> (UInt64, String)? in
            guard name.hasPrefix("handover-"), name.hasSuffix(".txt"),
                let size = UInt64(name.dropFirst("handover-".count).dropLast(".txt".count))
            else { return nil }
            return (size, name)
        }.sorted { $0.0 < $1.0 }
        let notes = try sized.enumerated().map { index, entry in
            (
                number: index + 1,
                note: String(decoding: try RegularFile.read(logKeysPath(entry.1), limit: 64 * 1024), as: UTF8.self)
            )
        }
        let first = try firstLogVerifierKey()
        do { return try LogKeyHistory.checked(from: first, notes).handovers } catch {
            throw LedgerError.notALedger(path: path, reason: "its log key history (log-keys/): \(error.description)")
        }
    }

    /// Hands the log over from its current key to `newKey` at the ledger's current size (FORMAT.md,
    /// Log key rotation): the current key signs the handover, kept in `log-keys/`, and `newKey`
    /// replaces `log.key`. Appends wait meanwhile, so no checkpoint falls between the two keys.
    ///
    /// - Throws: `LedgerError.invalidCommand` for an empty ledger, a key the log used before, or a
    ///   second rotation at the same size; nothing is changed then.
    @discardableResult
    public func rotateLogKey(to newKey: SigningKey) throws -> LogHandover {
        let old = try logKey()
        let origin = Checkpoint.origin(ledgerID: id)
        let history = try logKeyHandovers()
        let used = [try firstLogVerifierKey()] + history.map(\.newKey)
        guard !used.contains(where: { $0.publicKey == newKey.publicKey }) else {
            throw LedgerError.invalidCommand(reason: "the new log key is a key this log has used before")
        }
        return try storage("rotating the log key") {
            try environment.write { txn in
                let size = try readHead(txn).count
                guard size >= 1 else {
                    throw LedgerError.invalidCommand(
                        reason: "the ledger has no events yet; rotate its key after the first")
                }
                guard size > history.last?.size ?? 0 else {
                    throw LedgerError.invalidCommand(
                        reason: "the log key was already handed over at tree size \(size); append an event first")
                }
                let root = try MerkleTree.hash(start: 0, size: size, subtree: storedSubtree(txn))
                let handover = LogHandover.sign(
                    origin: origin, newKey: NoteVerifierKey(name: origin, publicKey: newKey.publicKey), size: size,
                    rootHash: root, oldKey: old)
                try installHandover(handover, firstKey: used[0], newKey: newKey)
                return handover
            }
        }
    }

    /// Keeps `history`, a trust policy's log keys, as this ledger's (a ledger recovered from its
    /// published log): the first key and each handover in `log-keys/`, so that its trust policy is the
    /// one it was recovered under. Nothing is written for a log whose key was never rotated.
    public func adoptLogKeyHistory(_ history: LogKeyHistory) throws {
        guard !history.handovers.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: logKeysPath(), withIntermediateDirectories: true)
        try writeAtomically(history.first.description + "\n", to: logKeysPath(Self.firstLogKeyFileName))
        for handover in history.handovers {
            try writeAtomically(handover.note, to: logKeysPath("handover-\(handover.size).txt"))
        }
        _ = try logKeyHandovers()
    }

    /// Writes the handover and the first key when missing, then puts `newKey` in place of `log.key`.
    private func installHandover(_ handover: LogHandover, firstKey: NoteVerifierKey, newKey: SigningKey) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: logKeysPath(), withIntermediateDirectories: true)
        let first = logKeysPath(Self.firstLogKeyFileName)
        if !files.fileExists(atPath: first) { try writeAtomically(firstKey.description + "\n", to: first) }
        let next = (path as NSString).appendingPathComponent(Self.nextLogKeyFileName)
        try? files.removeItem(atPath: next)
        try? files.removeItem(atPath: next + ".pub")
        try KeyFile.write(newKey, to: next)
        try writeAtomically(handover.note, to: logKeysPath("handover-\(handover.size).txt"))
        try finishInterruptedRotation()
    }

    /// Puts the new key of a rotation in place of `log.key` once its handover is written, or drops it
    /// when the handover never was: a rotation that a crash cut between the two is finished here
    /// (`logKey()` calls this), so the key that signs is always the one the key history names.
    func finishInterruptedRotation() throws {
        let files = FileManager.default
        let next = (path as NSString).appendingPathComponent(Self.nextLogKeyFileName)
        let current = (path as NSString).appendingPathComponent(Self.logKeyFileName)
        guard files.fileExists(atPath: next) || files.fileExists(atPath: next + ".pub") else { return }
        // A handover is written after `first.vkey`; without it the log was never handed over.
        let handedOver = files.fileExists(atPath: logKeysPath(Self.firstLogKeyFileName))
        let handedTo = handedOver ? try logKeyHandovers().last?.newKey.publicKey : nil
        func isHandedTo(_ file: String) -> Bool {
            handedTo != nil && (try? KeyFile.read(file))?.publicKey == handedTo
        }
        if files.fileExists(atPath: next), isHandedTo(next), rename(next, current) != 0 {
            throw LedgerError.storage(
                operation: "putting the new log key in place of \(current)", error: StorageFailure(errno: errno))
        }
        if !files.fileExists(atPath: next), files.fileExists(atPath: next + ".pub"), isHandedTo(current),
            rename(next + ".pub", current + ".pub") != 0
        {
            throw LedgerError.storage(
                operation: "putting the new log key's public key in place of \(current).pub",
                error: StorageFailure(errno: errno))
        }
        try? files.removeItem(atPath: next)
        try? files.removeItem(atPath: next + ".pub")
    }

    private func writeAtomically(_ text: String, to file: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw LedgerError.storage(operation: "writing \(file)", error: StorageFailure(errno: EIO))
        }
    }

    /// The trust policy a province publishes for this ledger: its id, its first event, its first log
    /// key and the handovers to the keys after it.
    public func trustPolicy() throws -> TrustPolicy {
        guard let first = try event(at: 1) else {
            throw LedgerError.outOfRange(reason: "the ledger has no events yet; its trust policy names its first event")
        }
        return TrustPolicy(
            ledgerID: id, genesis: first.hash, log: try firstLogVerifierKey(), handovers: try logKeyHandovers())
    }
}
