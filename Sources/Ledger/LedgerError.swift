import LMDB
public import LedgerFormat

/// Everything the ledger refuses or cannot do, with a message that says what and where, and a hint
/// that says what to do.
public enum LedgerError: KindedError, Equatable, Sendable {
    /// No ledger exists at the path.
    case noLedger(path: String)
    /// The path exists but is not a ParLedger ledger (or not an LMDB environment at all).
    case notALedger(path: String, reason: String)
    /// `init` on a directory that already holds a ledger.
    case alreadyInitialized(path: String)
    /// The storage layer failed (I/O, permissions, full disk, map limit); `error` says how.
    case storage(operation: String, error: StorageFailure)
    /// A command is malformed; nothing was appended.
    case invalidCommand(reason: String)
    /// A stream is not at the version the command expected; nothing was appended.
    case wrongExpectedVersion(stream: String, expected: ExpectedVersion, actual: UInt64)
    /// The command id is already recorded for a different command; nothing was appended.
    case commandIDReused(id: String)
    /// The command's signer is unknown, suspended, not using its current key, or the signature is false;
    /// nothing was appended.
    case signatureRefused(reason: String)
    /// The actor's roles or scope do not allow the command; nothing was appended. `vi` says it in
    /// Vietnamese where the policy knows more than the generic words (the role it needs).
    case notPermitted(reason: String, vi: String? = nil)
    /// The command's basis (the head its signer saw) or its signing time does not fit where it would
    /// land; nothing was appended.
    case outOfPlace(reason: String)
    /// A read asked for events or tree sizes the ledger does not have.
    case outOfRange(reason: String)
    /// A stored event cannot be decoded.
    case corruptEvent(sequence: UInt64, reason: String)
    /// The ledger, or a part of it, is in a format this version does not read (`found` and `readable`
    /// name them): a newer version wrote it, or, when `rebuilds`, it is derived data (projections)
    /// that a rebuild from the events recomputes in this version's format.
    case unreadableFormat(path: String, found: String, readable: String, rebuilds: Bool)

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
        case .notPermitted(let reason, _):
            "not permitted: \(reason); nothing was appended"
        case .outOfPlace(let reason):
            "command refused: \(reason); nothing was appended"
        case .outOfRange(let reason):
            reason
        case .corruptEvent(let sequence, let reason):
            "event \(sequence) is corrupt: \(reason)"
        case .unreadableFormat(let path, let found, let readable, let rebuilds):
            rebuilds
                ? "the projections of \(path) are in \(found), and this version reads \(readable): they must be rebuilt from the events; nothing was changed"
                : "\(path) was written by a newer ParLedger (\(found)), and this version reads \(readable); nothing was changed"
        }
    }

    public var vietnamese: String {
        switch self {
        case .noLedger(let path): "Không có sổ cái tại \(path)."
        case .notALedger(let path, _): "\(path) không phải là sổ cái ParLedger."
        case .alreadyInitialized(let path): "Đã có sổ cái tại \(path)."
        case .storage(_, let error): "Lỗi lưu trữ: \(error.vietnamese); hãy thử lại hoặc báo quản trị viên."
        case .invalidCommand: "Lệnh không hợp lệ; sổ cái không ghi gì."
        case .wrongExpectedVersion:
            "Dữ liệu vừa có thao tác khác ghi thêm từ khi bạn mở trang; hãy tải lại trang rồi thử lại. Sổ cái không ghi gì."
        case .commandIDReused: "Mã lệnh này đã được dùng cho một lệnh khác; sổ cái không ghi gì."
        case .signatureRefused:
            "Chữ ký không được chấp nhận: người ký chưa ghi danh, đang bị tạm dừng, không dùng khoá hiện hành hoặc chữ ký không khớp; sổ cái không ghi gì."
        case .notPermitted(_, let vi):
            vi ?? "Bạn không có vai trò hoặc phạm vi để thực hiện thao tác này; sổ cái không ghi gì."
        case .outOfPlace:
            "Lệnh được ký theo trạng thái cũ của sổ cái hoặc thời điểm ký không phù hợp; hãy tải lại trang rồi ký lại. Sổ cái không ghi gì."
        case .outOfRange: "Sổ cái không có các sự kiện được hỏi."
        case .corruptEvent(let sequence, _): "Sự kiện số \(sequence) trong sổ cái bị hỏng; hãy báo quản trị viên."
        case .unreadableFormat(let path, let found, let readable, let rebuilds):
            rebuilds
                ? "Dữ liệu tổng hợp của sổ cái tại \(path) ở \(found), phiên bản này đọc \(readable): cần dựng lại từ các sự kiện; không có gì bị thay đổi."
                : "Sổ cái tại \(path) do một phiên bản ParLedger mới hơn ghi (\(found)); phiên bản này chỉ đọc \(readable). Hãy dùng phiên bản mới hơn; không có gì bị thay đổi."
        }
    }

    public var kind: ErrorKind {
        switch self {
        case .outOfRange: .notFound
        case .notALedger, .corruptEvent: .integrity
        case .storage, .noLedger, .unreadableFormat: .io
        case .invalidCommand: .invalidInput
        case .alreadyInitialized, .wrongExpectedVersion, .commandIDReused, .outOfPlace: .conflict
        case .signatureRefused, .notPermitted: .forbidden
        }
    }

    public var fields: [String: String] {
        switch self {
        case .noLedger(let path), .notALedger(let path, _), .alreadyInitialized(let path): ["path": path]
        case .unreadableFormat(let path, let found, _, _): ["path": path, "format": found]
        case .wrongExpectedVersion(let stream, _, let actual): ["stream": stream, "version": String(actual)]
        case .commandIDReused(let id): ["command": id]
        case .corruptEvent(let sequence, _): ["sequence": String(sequence)]
        default: [:]
        }
    }
}

/// Why the storage layer failed, in the ledger's terms: a kind to act on and the system's message.
///
/// Two failures are equal when the storage engine gave the same code, whatever their messages.
public struct StorageFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure it is.
    public enum Kind: String, Sendable {
        /// The storage reached its size limit.
        case mapFull
        /// The disk is full.
        case noSpace
        /// The disk failed to read or write.
        case inputOutput
        /// The files may not be opened or written.
        case permissionDenied
        /// The files are on a read-only medium, or were opened read-only.
        case readOnlyFileSystem
        /// A write was refused because the storage engine's lock file was deleted or replaced after
        /// the ledger was opened; nothing was written.
        case lockFileReplaced
        /// A database that does not exist was asked for.
        case notFound
        /// Stored data is not what the storage engine or the ledger expects.
        case corrupted
        /// Anything else; the message says what.
        case other
    }

    /// What kind of failure it is.
    public let kind: Kind

    /// What went wrong, in Vietnamese.
    public var vietnamese: String {
        switch kind {
        case .mapFull: "sổ cái đã đạt giới hạn dung lượng"
        case .noSpace: "ổ đĩa đã đầy"
        case .inputOutput: "ổ đĩa lỗi khi đọc hoặc ghi"
        case .permissionDenied: "không có quyền mở hoặc ghi tệp của sổ cái"
        case .readOnlyFileSystem: "tệp của sổ cái chỉ được đọc"
        case .lockFileReplaced: "tệp khoá của sổ cái đã bị xoá hoặc thay thế"
        case .notFound: "thiếu một cơ sở dữ liệu của sổ cái"
        case .corrupted: "dữ liệu lưu trữ bị hỏng"
        case .other: "lỗi khác của hệ thống"
        }
    }
    /// The storage engine's (or the system's) text, with the operation that failed where known.
    public let message: String
    /// The storage engine's result code or the system's `errno`.
    let code: Int32

    /// The failure of the storage engine `error`.
    init(_ error: LMDBError) {
        code = error.code
        message = error.message
        kind =
            switch error.code {
            case LMDBError.mapFull.code: .mapFull
            case LMDBError.noSpace.code: .noSpace
            case LMDBError.inputOutput.code: .inputOutput
            case LMDBError.permissionDenied.code: .permissionDenied
            case LMDBError.readOnlyFileSystem.code: .readOnlyFileSystem
            case LMDBError.lockFileReplaced.code: .lockFileReplaced
            case LMDBError.notFound.code: .notFound
            case LMDBError.corrupted.code: .corrupted
            default: .other
            }
    }

    /// The failure the system's `errno` value `code` stands for.
    init(errno code: Int32) {
        self.init(LMDBError(code: code))
    }

    public var description: String { message }

    public static func == (lhs: StorageFailure, rhs: StorageFailure) -> Bool { lhs.code == rhs.code }

    public static let mapFull = StorageFailure(LMDBError.mapFull)
    public static let noSpace = StorageFailure(LMDBError.noSpace)
    public static let inputOutput = StorageFailure(LMDBError.inputOutput)
    public static let permissionDenied = StorageFailure(LMDBError.permissionDenied)
    public static let readOnlyFileSystem = StorageFailure(LMDBError.readOnlyFileSystem)
    public static let lockFileReplaced = StorageFailure(LMDBError.lockFileReplaced)
    public static let notFound = StorageFailure(LMDBError.notFound)
    public static let corrupted = StorageFailure(LMDBError.corrupted)
}
