import Foundation
public import LedgerFormat

extension Ledger {
    /// The file beside the ledger's data that holds the log's own checkpoint key.
    public static let logKeyFileName = "log.key"

    /// The log's own Ed25519 key: it signs checkpoints, receipts and bundles (FORMAT.md, Trust). It is
    /// no person's key, so it can never sign a person's command. A ledger made before log keys existed
    /// gets one here, the first time it is asked for; one whose public key (`log.key.pub`) is there
    /// without the key (restored without it) does not: a new key would sign checkpoints that extend
    /// no log the witnesses know.
    ///
    /// - Throws: `KeyFile.Problem` when the key file cannot be read or created, or is missing beside
    ///   its public key.
    public func logKey() throws -> SigningKey {
        try finishInterruptedRotation()
        let path = (self.path as NSString).appendingPathComponent(Self.logKeyFileName)
        let files = FileManager.default
        if files.fileExists(atPath: path) || files.fileExists(atPath: path + ".pub") { return try KeyFile.read(path) }
        do {
            try KeyFile.write(SigningKey(), to: path)
        } catch {
            // Another process may have created it first; its key is the log's key then.
            guard FileManager.default.fileExists(atPath: path) else { throw error }
        }
        return try KeyFile.read(path)
    }

    /// The note verifier key of the log key, named by the checkpoint origin.
    public func logVerifierKey() throws -> NoteVerifierKey {
        NoteVerifierKey(name: Checkpoint.origin(ledgerID: id), publicKey: try logKey().publicKey)
    }

    /// A C2SP checkpoint of the first `size` events (all when nil), with `extensions` lines, signed
    /// with the log key.
    public func signedCheckpoint(size: UInt64? = nil, extensions: [String] = []) throws -> (
        checkpoint: Checkpoint, note: String
    ) {
        let (treeSize, root) = try treeRoot(size: size)
        let checkpoint = Checkpoint(
            origin: Checkpoint.origin(ledgerID: id), size: treeSize, rootHash: root, extensions: extensions)
        return (checkpoint, SignedNote.sign(checkpoint.text, name: checkpoint.origin, key: try logKey()))
    }
}
