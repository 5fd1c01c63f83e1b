import Foundation
public import LMDB
public import LedgerFormat

/// How a ledger is opened.
public struct LedgerOptions: Sendable {
    /// Who may issue which commands (the domain decides).
    public var policy: any AuthorizationPolicy
    /// Where recorded-at times come from.
    public var clock: any LedgerClock = SystemClock()
    /// Map sizes and limits of the underlying LMDB environment.
    public var storage = EnvironmentOptions()
    /// The id a new ledger gets; random unless given (a reproducible demo gives one).
    public var newLedgerID: String?
    /// The log key a new ledger gets; random unless given (a reproducible demo gives one).
    public var newLogKey: SigningKey?

    public init(policy: any AuthorizationPolicy) {
        self.policy = policy
    }
}

/// The append-only, hash-chained event log, stored in one LMDB environment.
///
/// It knows nothing of what the events mean. It owns: the global sequence (gap-free, from 1), the
/// hash chain, streams with optimistic concurrency, and command idempotency. Each command's events
/// are appended in one durable write transaction, so a crash leaves either all of them or none.
///
/// Every command must be signed by an enrolled, active actor with its current key, and allowed by
/// the `AuthorizationPolicy`; actors themselves are events (`ActorEvent`). The first command of a
/// new ledger is the self-signed enrolment of its first actor.
///
/// Named databases: `events` (sequence → record), `streams` (stream ‖ 0x00 ‖ version → sequence),
/// `stream-heads` (stream → version), `commands` (command id → first sequence, count, digest),
/// `actors` (actor id → record), `keys` (key id → actor id), `merkle` (the tree's tiles, `MerkleTiles`),
/// `meta` (format marker, storage revision (`StorageRevision`), ledger id, head).
public final class Ledger: Sendable {
    /// Names of the LMDB databases; public so that tests and tools can inspect the raw storage.
    public enum Layout {
        public static let events = "events"
        public static let streams = "streams"
        public static let streamHeads = "stream-heads"
        public static let commands = "commands"
        public static let actors = "actors"
        public static let keys = "keys"
        public static let merkle = "merkle"
        public static let meta = "meta"
        static let all = [events, streams, streamHeads, commands, actors, keys, merkle, meta]
        static let ledgerIDKey = Array("ledger-id".utf8)
        static let formatKey = Array("format".utf8)
        static let headKey = Array("head".utf8)
        static let formatMarker = Array("parledger-ledger/1".utf8)
    }

    /// The directory holding the ledger.
    public let path: String
    /// A random id given at creation; commands are signed for one ledger id and refused by others.
    public let id: String
    /// The LMDB environment; within the package only (tests inspect it), others use `projections`.
    package let environment: Environment
    /// Where modules built on the ledger keep their own databases, in the ledger's transactions.
    public let projections: ProjectionStore
    let events: Database
    let streams: Database
    let streamHeads: Database
    let commands: Database
    let actors: Database
    let keys: Database
    let merkle: Database
    let meta: Database
    let clock: any LedgerClock
    let policy: any AuthorizationPolicy

    /// The time by the ledger's clock, which judges deadlines and where signed commands may land:
    /// front ends that prepare commands for signing take their signing time from it.
    public func now() -> Timestamp { clock.now() }

    private init(path: String, environment: Environment, options: LedgerOptions) throws {
        self.path = path
        self.environment = environment
        self.projections = ProjectionStore(environment: environment)
        self.clock = options.clock
        self.policy = options.policy
        events = try environment.database(named: Layout.events, create: false)
        streams = try environment.database(named: Layout.streams, create: false)
        streamHeads = try environment.database(named: Layout.streamHeads, create: false)
        commands = try environment.database(named: Layout.commands, create: false)
        actors = try environment.database(named: Layout.actors, create: false)
        keys = try environment.database(named: Layout.keys, create: false)
        merkle = try environment.database(named: Layout.merkle, create: false)
        meta = try environment.database(named: Layout.meta, create: false)
        let meta = meta
        guard let storedID = try environment.read({ try $0.value(for: Layout.ledgerIDKey, in: meta) }) else {
            throw LedgerError.notALedger(path: path, reason: "it has no ledger id")
        }
        id = String(decoding: storedID, as: UTF8.self)
    }

    /// Creates a new, empty ledger in `path` (created if missing).
    ///
    /// - Throws: `LedgerError.alreadyInitialized` when `path` already holds a ledger.
    public static func create(at path: String, options: LedgerOptions) throws -> Ledger {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        if files.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw LedgerError.notALedger(path: path, reason: "it is a file, not a directory")
            }
            if files.fileExists(atPath: dataFile(path)) {
                _ = try open(at: path, options: options)
                throw LedgerError.alreadyInitialized(path: path)
            }
        } else {
            do {
                try files.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw LedgerError.storage(
                    operation: "creating the directory \(path)", error: StorageFailure(errno: errno))
            }
        }
        let id = options.newLedgerID ?? UUID().uuidString.lowercased()
        if let problem = Slug.problem(id, "ledger id") { throw LedgerError.invalidCommand(reason: problem) }
        let logKeyPath = (path as NSString).appendingPathComponent(logKeyFileName)
        if !files.fileExists(atPath: logKeyPath) {
            try KeyFile.write(options.newLogKey ?? SigningKey(), to: logKeyPath)
        }
        let environment = try openEnvironment(path, options)
        try storage("initialising the ledger") {
            for name in Layout.all { _ = try environment.database(named: name, create: true) }
            let meta = try environment.database(named: Layout.meta, create: false)
            try environment.write { txn in
                try txn.put(Layout.formatMarker, for: Layout.formatKey, in: meta, options: .noOverwrite)
                try txn.put(bigEndianBytes(StorageRevision.current), for: revisionKey, in: meta, options: .noOverwrite)
                try txn.put(Array(id.utf8), for: Layout.ledgerIDKey, in: meta, options: .noOverwrite)
            }
        }
        return try storage("opening the ledger at \(path)") {
            try Ledger(path: path, environment: environment, options: options)
        }
    }

    /// Opens the existing ledger in `path`.
    ///
    /// - Throws: `LedgerError.noLedger` when nothing is there, `.notALedger` for anything else.
    public static func open(at path: String, options: LedgerOptions) throws -> Ledger {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LedgerError.noLedger(path: path)
        }
        guard isDirectory.boolValue else {
            throw LedgerError.notALedger(path: path, reason: "it is a file, not a directory")
        }
        guard FileManager.default.fileExists(atPath: dataFile(path)) else { throw LedgerError.noLedger(path: path) }
        let environment = try openEnvironment(path, options)
        let marker: [UInt8]?
        do {
            let meta = try environment.database(named: Layout.meta, create: false)
            marker = try environment.read { try $0.value(for: Layout.formatKey, in: meta) }
        } catch LMDBError.notFound {
            marker = nil
        } catch let error as LMDBError {
            throw LedgerError.storage(operation: "opening the ledger at \(path)", error: StorageFailure(error))
        }
        guard marker == Layout.formatMarker else { throw refusal(ofMarker: marker, at: path) }
        let ledger = try storage("opening the ledger at \(path)") {
            try Ledger(path: path, environment: environment, options: options)
        }
        try ledger.upgradeStorage(writable: !options.storage.readOnly)
        return ledger
    }

    private static func dataFile(_ path: String) -> String {
        (path as NSString).appendingPathComponent("data.mdb")
    }

    private static func openEnvironment(_ path: String, _ options: LedgerOptions) throws -> Environment {
        do {
            return try Environment(path: path, options: options.storage)
        } catch  where error == .invalid || error == .versionMismatch {
            throw LedgerError.notALedger(
                path: path, reason: "its data file is not an LMDB environment (\(error.message))")
        } catch {
            throw LedgerError.storage(operation: "opening the ledger at \(path)", error: StorageFailure(error))
        }
    }
}

/// Runs `body`, turning storage-layer errors into `LedgerError.storage` and letting others through.
func storage<T>(_ operation: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as LMDBError {
        throw LedgerError.storage(operation: operation(), error: StorageFailure(error))
    }
}
