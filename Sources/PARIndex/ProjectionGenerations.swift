public import Ledger
import LedgerFormat
import PARCore

/// The two sides the projections alternate between, and which one is current: a rebuild fills the
/// side that is not current while commands go on being judged against the current one, then switches
/// in one write transaction, so that no reader and no rule ever sees a half-built state.
///
/// `par-meta` holds `generation` (big-endian UInt64; 0 when absent, as in ledgers made before it) and
/// `format`, the format of what `ScoringProjector` and the snapshots write (`currentFormat`; 1 when
/// absent, as in ledgers made before it): a change to what they write raises `currentFormat`, and
/// a ledger whose projections are in another format has them rebuilt from its events.
/// Even generations live in the databases `par-*` (where older ledgers keep their projections), odd
/// ones in `par-*.g1`. Every read and write transaction of `ScoringLedger` reads the generation first.
public final class ProjectionGenerations: Sendable {
    /// The database holding the current generation.
    public static let metaName = "par-meta"
    private static let generationKey = Array("generation".utf8)
    private static let formatKey = Array("format".utf8)
    /// The format of the projections this version writes.
    public static let currentFormat: UInt64 = 1
    /// The format of the state's snapshots this version writes; a snapshot of another format is
    /// ignored, and the state is folded from the events instead.
    public static let snapshotFormat = Int(StateSnapshot.format)
    private static let suffixes = ["", ".g1"]

    private let meta: ProjectionDatabase?
    /// The projector of each side, by generation modulo 2; nil for a side a read-only ledger lacks.
    private let sides: [ScoringProjector?]

    init(store: ProjectionStore) throws {
        guard store.isReadOnly else {
            meta = try store.database(named: Self.metaName)
            sides = try Self.suffixes.map { try ScoringProjector(store: store, suffix: $0) }
            return
        }
        meta = try Self.existing { try store.database(named: Self.metaName, create: false) }
        sides = try Self.suffixes.map { suffix in
            try Self.existing { try ScoringProjector(store: store, suffix: suffix) }
        }
    }

    /// The names of the current side's databases and of the side aside, when `generation` is current.
    public static func databaseNames(current generation: UInt64) -> (current: [String], aside: [String]) {
        func names(_ suffix: String) -> [String] { ScoringProjector.databaseNames.map { $0 + suffix } }
        return (names(suffixes[Int(generation % 2)]), names(suffixes[Int((generation + 1) % 2)]))
    }

    /// The generation current in `txn`.
    public func generation(in txn: ProjectionReader) throws -> UInt64 {
        guard let meta, let bytes = try txn.value(for: Self.generationKey, in: meta) else { return 0 }
        return try Self.integer(bytes, "the projections' generation")
    }

    private static func integer(_ bytes: [UInt8], _ what: String) throws -> UInt64 {
        guard bytes.count == 8 else {
            throw LedgerError.storage(operation: "reading \(what) from '\(metaName)'", error: .corrupted)
        }
        return bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// The format of the projections in `txn`: recorded, or 1 for projections made before formats were.
    public func format(in txn: ProjectionReader) throws -> UInt64 {
        guard let meta, let bytes = try txn.value(for: Self.formatKey, in: meta) else { return 1 }
        return try Self.integer(bytes, "the projections' format")
    }

    /// Whether `txn` records the projections' format (ledgers made before formats were do not).
    func recordsFormat(in txn: ProjectionReader) throws -> Bool {
        guard let meta else { return false }
        return try txn.value(for: Self.formatKey, in: meta) != nil
    }

    /// The projector of the generation current in `txn`.
    func current(in txn: ProjectionReader) throws -> ScoringProjector {
        try side(of: try generation(in: txn))
    }

    func side(of generation: UInt64) throws -> ScoringProjector {
        guard let side = sides[Int(generation % 2)] else {
            throw LedgerError.storage(
                operation: "opening the projections of generation \(generation)", error: .notFound)
        }
        return side
    }

    /// Makes `generation`, written in this version's format, current, in the write transaction that
    /// completes it.
    func makeCurrent(_ generation: UInt64, in txn: ProjectionWriter) throws {
        guard let meta else {
            throw LedgerError.storage(operation: "switching the projections", error: .readOnlyFileSystem)
        }
        try txn.put(bigEndianBytes(generation), for: Self.generationKey, in: meta)
        try recordFormat(in: txn)
    }

    /// Records that the projections are in this version's format.
    func recordFormat(in txn: ProjectionWriter) throws {
        guard let meta else {
            throw LedgerError.storage(operation: "recording the projections' format", error: .readOnlyFileSystem)
        }
        try txn.put(bigEndianBytes(Self.currentFormat), for: Self.formatKey, in: meta)
    }

    /// `open()`, or nil when what it opens does not exist.
    private static func existing<T>(_ open: () throws -> T) throws -> T? {
        do {
            return try open()
        } catch let LedgerError.storage(_, failure) where failure.kind == .notFound {
            return nil
        }
    }
}
