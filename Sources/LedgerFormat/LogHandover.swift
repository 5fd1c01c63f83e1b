import Foundation

/// The statement by which a log's retiring key hands the log over to a new key (FORMAT.md, Log key
/// rotation): a C2SP signed note, signed by the old key under the log's origin, whose text is
///
///     ParLedger log key handover
///     <origin>
///     <new key: note verifier key named by the origin>
///     <switch size N>
///     <base64 root hash of the first N entries>
///
/// The old key signs checkpoints of size at most N, the new key those of size N and more; at size N
/// both must show the root the handover names. It exists so that a log outlives its key: verifiers
/// and witnesses follow the handover from the key they already trust, never a key found elsewhere.
public struct LogHandover: Sendable, Hashable {
    public static let title = "ParLedger log key handover"

    public let origin: String
    public let newKey: NoteVerifierKey
    public let size: UInt64
    public let rootHash: [UInt8]
    /// The signed note, as published (it may carry witnesses' cosignatures after the log's signature).
    public let note: String

    /// Why a handover was refused.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The handover's text, the part the old key signs.
    public static func text(origin: String, newKey: NoteVerifierKey, size: UInt64, rootHash: [UInt8]) -> String {
        [Self.title, origin, newKey.description, String(size), Data(rootHash).base64EncodedString()]
            .map { $0 + "\n" }.joined()
    }

    /// The handover of `origin` from `oldKey` to `newKey` at `size`, whose tree has `rootHash`.
    public static func sign(
        origin: String, newKey: NoteVerifierKey, size: UInt64, rootHash: [UInt8], oldKey: SigningKey
    )
        -> LogHandover
    {
        let text = text(origin: origin, newKey: newKey, size: size, rootHash: rootHash)
        let note = SignedNote.sign(text, name: origin, key: oldKey)
        return LogHandover(origin: origin, newKey: newKey, size: size, rootHash: rootHash, note: note)
    }

    private init(origin: String, newKey: NoteVerifierKey, size: UInt64, rootHash: [UInt8], note: String) {
        self.origin = origin
        self.newKey = newKey
        self.size = size
        self.rootHash = rootHash
        self.note = note
    }

    /// Reads `note`, refusing it unless `oldKey` validly signs it, its origin is the old key's name and
    /// it hands over to a different Ed25519 key of the same name.
    public init(parsing note: String, signedBy oldKey: NoteVerifierKey) throws(Problem) {
        let text: String
        do {
            try SignedNote.requireKnownSignatureKinds(note)
            text = try SignedNote.open(note, verifier: oldKey)
        } catch {
            throw Problem(
                description:
                    "the handover is not signed by the key it hands over from (\(TrustPolicy.fingerprint(of: oldKey.publicKey))): \(error.description)"
            )
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        guard lines.count == 5, lines[0] == Self.title else {
            throw Problem(
                description:
                    "not a log key handover: expected the lines '\(Self.title)', origin, new key, size and root")
        }
        guard SignedNote.sameName(lines[1], oldKey.name) else {
            throw Problem(description: "the handover is for '\(lines[1])', not '\(oldKey.name)'")
        }
        let newKey: NoteVerifierKey
        do { newKey = try NoteVerifierKey(parsing: lines[2]) } catch {
            throw Problem(description: "the handover's new key: \(error.description)")
        }
        guard newKey.kind == .ed25519, SignedNote.sameName(newKey.name, oldKey.name) else {
            throw Problem(description: "the handover's new key is not an Ed25519 note key named '\(oldKey.name)'")
        }
        guard newKey.publicKey != oldKey.publicKey else {
            throw Problem(description: "the handover hands the log over to the key it comes from")
        }
        guard let size = Checkpoint.size(lines[3]), size >= 1 else {
            throw Problem(description: "the handover's size '\(lines[3])' is not a tree size of at least 1")
        }
        guard let root = CanonicalBase64.decode(lines[4], count: 32) else {
            throw Problem(description: "the handover's root is not the base64 of 32 bytes")
        }
        self.init(origin: lines[1], newKey: newKey, size: size, rootHash: root, note: note)
    }
}
