public import LMDB

/// Everything the ledger refuses or cannot do, with a message that says what and where, and a hint
/// that says what to do.
public enum LedgerError: KindedError, Equatable, Sendable {
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

    public var kind: ErrorKind {
        switch self {
        case .outOfRange: .notFound
        case .notALedger, .corruptEvent: .integrity
        case .storage, .noLedger: .io
        case .invalidCommand: .invalidInput
        case .alreadyInitialized, .wrongExpectedVersion, .commandIDReused, .outOfPlace: .conflict
        case .signatureRefused, .notPermitted: .forbidden
        }
    }

    public var fields: [String: String] {
        switch self {
        case .noLedger(let path), .notALedger(let path, _), .alreadyInitialized(let path): ["path": path]
        case .wrongExpectedVersion(let stream, _, let actual): ["stream": stream, "version": String(actual)]
        case .commandIDReused(let id): ["command": id]
        case .corruptEvent(let sequence, _): ["sequence": String(sequence)]
        default: [:]
        }
    }
}
