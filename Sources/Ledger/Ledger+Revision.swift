import LMDB
public import LedgerFormat

/// What a ledger's storage looks like, revision by revision, so that a ledger outlives the version
/// that made it. `meta` records the revision (`revision`, a big-endian UInt64) from revision 2 on; a
/// ledger made before records none, and its revision is read off its storage. A ledger of a revision
/// newer than this version knows is refused before anything is read or written; an older one is read
/// as it is, and brought up to date, step by step, the first time it is opened for writing.
///
/// A change to the layout of `Ledger.Layout`'s databases adds a revision here, with its step in
/// `upgradeStorage()`, and a fixture of the revision before it in Tests/Fixtures.
public enum StorageRevision {
    /// The revision this version writes.
    public static let current: UInt64 = 2
    /// What each revision holds, oldest first (shown by `parledger --version`).
    public static let changes: [(revision: UInt64, summary: String)] = [
        (1, "events, streams, commands, actors and keys; the Merkle tree as one stored node per subtree"),
        (
            2,
            "the Merkle tree as tiles of 256 hashes, as tlog-tiles publishes them (from 1 when first opened for writing)"
        ),
    ]
    /// The format marker's prefix; the marker names the family's version after it.
    static let markerPrefix = "parledger-ledger/"
    /// The format marker of the ledgers this version makes and reads.
    public static var marker: String { String(decoding: Ledger.Layout.formatMarker, as: UTF8.self) }
    /// The format of the event records this version writes (1, before commands carried a signing
    /// time and a basis, is still read).
    public static let eventRecordFormat = Int(EventRecord.formatVersion)
}

extension Ledger {
    static let revisionKey = Array("revision".utf8)

    /// The storage revision of this ledger: recorded in `meta`, or read off a ledger that records
    /// none (its first Merkle leaf stored as a node: 1; tiles: 2).
    public func storageRevision() throws -> UInt64 {
        if let recorded = try recordedRevision() { return recorded }
        let legacyLeaf = try storage("reading the Merkle tree of \(path)") {
            try environment.read { try $0.value(for: Self.legacyNodeKey(level: 0, index: 0), in: merkle) }
        }
        return legacyLeaf == nil ? 2 : 1
    }

    private func recordedRevision() throws -> UInt64? {
        let bytes = try storage("reading the revision of \(path)") {
            try environment.read { try $0.value(for: Self.revisionKey, in: meta) }
        }
        guard let bytes else { return nil }
        guard bytes.count == 8 else {
            throw LedgerError.storage(operation: "reading the revision of \(path)", error: .corrupted)
        }
        return bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// Refuses a revision newer than this version's; when `writable`, brings an older one up to date
    /// (each step in its own write transaction) and records the revision.
    func upgradeStorage(writable: Bool) throws {
        let found = try storageRevision()
        guard found <= StorageRevision.current else {
            throw LedgerError.unreadableFormat(
                path: path, found: "storage revision \(found)",
                readable: "storage revisions 1 to \(StorageRevision.current)", rebuilds: false)
        }
        guard writable, try recordedRevision() != StorageRevision.current else { return }
        if found < 2 {
            try storage("storing the Merkle tree of \(path) as tiles") { try convertLegacyMerkleNodes() }
        }
        try storage("recording the revision of \(path)") {
            try environment.write { txn in
                try txn.put(bigEndianBytes(StorageRevision.current), for: Self.revisionKey, in: meta)
            }
        }
    }

    /// Why the format marker `marker` is not this version's: a later version of the family is a
    /// newer ParLedger's ledger; anything else is no ledger of ours.
    static func refusal(ofMarker marker: [UInt8]?, at path: String) -> LedgerError {
        let text = marker.map { String(decoding: $0, as: UTF8.self) } ?? ""
        guard text.hasPrefix(StorageRevision.markerPrefix) else {
            return .notALedger(path: path, reason: "it is an LMDB environment without the ParLedger format marker")
        }
        return .unreadableFormat(
            path: path, found: "ledger format \(text)",
            readable: String(decoding: Layout.formatMarker, as: UTF8.self), rebuilds: false)
    }
}
