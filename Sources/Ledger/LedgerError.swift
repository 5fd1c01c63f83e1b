public import LMDB

/// Everything the ledger refuses or cannot do, with a message that says what and where, and a hint
/// that says what to do.
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No ledger exists at the path.
    case noLedger(path: String)
    /// The path exists but is not a ParLedger ledger (or not an LMDB environment at all).
    case notALedger(path: String, reason: String)
    /// `init` on a directory that already holds a ledger.
    case alreadyInitialized(path: String)
    /// The storage layer failed (I/O, permissions, full disk, map limit).
    case storage(operation: String, error: LMDBError)
    /// A command is malformed; nothing was appended.
    case invalidCommand(reason: String)
    /// A stream is not at the version the command expected; nothing was appended.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: UInt64)
    /// The command id is already recorded for a different command; nothing was appended.
    case commandIDReused(id: String)
    /// The command's signer is unknown, suspended, not using its current key, or the signature is false;
    /// nothing was appended.
    case signatureRefused(reason: String)
    /// The actor's roles or scope do not allow the command; nothing was appended.
    case notPermitted(reason: String)
    /// The command's basis (the head its signer saw) or its signing time does not fit where it would
    /// land; nothing was appended.
    case outOfPlace(reason: String)
    /// A read asked for events or tree sizes the ledger does not have.
    case outOfRange(reason: String)
    /// A stored event cannot be decoded.
    case corruptEvent(sequence: UInt64, reason: String)

    public var description: String {
        switch self {
        case .noLedger(let path):
            "no ledger at \(path)"
        case .notALedger(let path, let reason):
            "\(path) is not a ParLedger ledger: \(reason)"
        case .alreadyInitialized(let path):
            "a ledger already exists at \(path)"
        case .storage(let operation, let error):
            "\(operation) failed: \(error.message)"
        case .invalidCommand(let reason):
            "invalid command: \(reason); nothing was appended"
        case .wrongExpectedVersion(let stream, let expected, let actual):
            "stream '\(stream)' is at version \(actual), the command expected \(expected); nothing was appended"
        case .commandIDReused(let id):
            "command id '\(id)' was already used for a different command; nothing was appended"
        case .signatureRefused(let reason):
            "signature refused: \(reason); nothing was appended"
        case .notPermitted(let reason):
            "not permitted: \(reason); nothing was appended"
        case .outOfPlace(let reason):
            "command refused: \(reason); nothing was appended"
        case .outOfRange(let reason):
            reason
        case .corruptEvent(let sequence, let reason):
            "event \(sequence) is corrupt: \(reason)"
        }
    }

    /// What the user can do about it.
    public var hint: String? {
        switch self {
        case .noLedger:
            "create one with 'parledger init', or point --ledger (or PARLEDGER_DIR) at an existing one"
        case .notALedger:
            "point --ledger at a directory created by 'parledger init'"
        case .alreadyInitialized:
            "use the existing ledger, or choose another directory"
        case .storage(_, let error) where error == .mapFull:
            "the ledger reached its size limit; free disk space or raise the limit"
        case .storage(_, let error) where error == .noSpace || error == .ioError:
            "the disk is full or failing; nothing was appended: free space, retry, then run 'parledger verify'"
        case .storage(_, let error) where error == .permissionDenied:
            "check the permissions of the ledger directory"
        case .storage(_, let error) where error == .readOnlyFileSystem:
            "the ledger is on a read-only medium: commands that read it still work; copy it to a writable place to append"
        case .storage(_, let error) where error == .lockFileReplaced:
            "another process deleted or replaced lock.mdb; nothing was lost: run the command again"
        case .storage:
            nil
        case .invalidCommand:
            "correct the input and retry"
        case .wrongExpectedVersion:
            "read the stream again and decide on the new state before retrying"
        case .commandIDReused:
            "give each new command a new id"
        case .signatureRefused:
            "an enrolled, active actor signs with its current key (--key FILE or PARLEDGER_KEY); 'parledger actor show ID' shows its status and keys"
        case .outOfPlace:
            "sign the command again against the ledger's current head, with a correct clock"
        case .notPermitted:
            "ask the secretariat for the role this needs, or have the actor who holds it issue the command"
        case .outOfRange:
            "'parledger log' and 'parledger verify' show the ledger's events and size"
        case .corruptEvent:
            "run 'parledger verify' and restore the ledger from a verified copy"
        }
    }
}
