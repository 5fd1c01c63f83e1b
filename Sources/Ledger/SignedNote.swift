import Crypto
import Foundation

/// A C2SP signed-note verifier key, `<name>+<key hash, 8 hex>+<base64(0x01 ‖ Ed25519 public key)>`,
/// as Go's golang.org/x/mod/sumdb/note and transparency-log tools write them.
public struct NoteVerifierKey: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let keyHash: UInt32
    public let publicKey: PublicKey

    /// Why a verifier key or a note was refused.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(name: String, publicKey: PublicKey) {
        self.name = name
        self.publicKey = publicKey
        self.keyHash = Self.hash(name: name, publicKey: publicKey)
    }

    public init(parsing text: String) throws(Problem) {
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[0].isEmpty, parts[1].count == 8, let hash = UInt32(parts[1], radix: 16),
            let material = Data(base64Encoded: parts[2]), material.count == 33, material.first == 0x01,
            let key = PublicKey(rawRepresentation: Array(material.dropFirst()))
        else {
            throw Problem(description: "'\(text)' is not an Ed25519 note verifier key (name+hash+base64)")
        }
        guard Self.hash(name: parts[0], publicKey: key) == hash else {
            throw Problem(description: "the key hash \(parts[1]) of '\(parts[0])' does not match its key")
        }
        self.init(name: parts[0], publicKey: key)
    }

    /// The first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), big-endian.
    static func hash(name: String, publicKey: PublicKey) -> UInt32 {
        let digest = Array(SHA256.hash(data: Array(name.utf8) + [0x0A, 0x01] + publicKey.rawRepresentation))
        return digest.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    public var description: String {
        name + "+" + String(format: "%08x", keyHash) + "+"
            + Data([0x01] + publicKey.rawRepresentation).base64EncodedString()
    }
}

/// Signing and opening C2SP signed notes: the text (lines ending in "\n"), a blank line, then one
/// line `— <name> <base64(key hash ‖ signature)>` per signature over the text.
public enum SignedNote {
    /// The note of `text` signed by `key` under `name`.
    public static func sign(_ text: String, name: String, key: SigningKey) -> String {
        let verifier = NoteVerifierKey(name: name, publicKey: key.publicKey)
        let hash = withUnsafeBytes(of: verifier.keyHash.bigEndian) { Array($0) }
        let signature = key.signature(for: Array(text.utf8))
        return text + "\n— \(name) " + Data(hash + signature).base64EncodedString() + "\n"
    }

    /// The text of `note` when it carries a valid signature by `verifier`.
    public static func open(_ note: String, verifier: NoteVerifierKey) throws(NoteVerifierKey.Problem) -> String {
        let bytes = Array(note.utf8)
        guard bytes.last == 0x0A, let split = lastBlankLine(bytes) else {
            throw NoteVerifierKey.Problem(description: "not a signed note: no blank line before the signatures")
        }
        let text = String(decoding: bytes[..<(split + 1)], as: UTF8.self)
        let signatures = String(decoding: bytes[(split + 2)...], as: UTF8.self).split(separator: "\n")
        var sawName = false
        for line in signatures {
            guard line.hasPrefix("— ") else {
                throw NoteVerifierKey.Problem(description: "malformed signature line '\(line)'")
            }
            let fields = line.dropFirst(2).split(separator: " ")
            guard fields.count == 2, let blob = Data(base64Encoded: String(fields[1])), blob.count == 68 else {
                throw NoteVerifierKey.Problem(description: "malformed signature line '\(line)'")
            }
            guard String(fields[0]) == verifier.name else { continue }
            sawName = true
            let hash = blob.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if hash == verifier.keyHash && verifier.publicKey.verifies(Array(blob.dropFirst(4)), of: Array(text.utf8)) {
                return text
            }
        }
        throw NoteVerifierKey.Problem(
            description: sawName
                ? "the signature by \(verifier.name) does not verify"
                : "the note has no signature by \(verifier.name)")
    }

    private static func lastBlankLine(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else { return nil }
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == 0x0A && bytes[index + 1] == 0x0A { return index }
            index -= 1
        }
        return nil
    }
}

/// A C2SP tlog-checkpoint: origin, tree size and root hash, then optional extension lines.
public struct Checkpoint: Sendable, Hashable {
    public let origin: String
    public let size: UInt64
    public let rootHash: [UInt8]
    public let extensions: [String]

    /// The origin line of a ParLedger ledger's checkpoints: `parledger/<ledger id>`.
    public static func origin(ledgerID: String) -> String { "parledger/\(ledgerID)" }

    public init(origin: String, size: UInt64, rootHash: [UInt8], extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensions = extensions
    }

    /// The checkpoint's text (the body of the signed note).
    public var text: String {
        ([origin, String(size), Data(rootHash).base64EncodedString()] + extensions).map { $0 + "\n" }.joined()
    }

    public init(parsing text: String) throws(NoteVerifierKey.Problem) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        guard text.hasSuffix("\n"), lines.count >= 3, !lines[0].isEmpty, let size = UInt64(lines[1]),
            let root = Data(base64Encoded: lines[2]), root.count == 32
        else {
            throw NoteVerifierKey.Problem(
                description: "not a checkpoint: expected origin, tree size and base64 root hash lines")
        }
        self.init(origin: lines[0], size: size, rootHash: Array(root), extensions: Array(lines.dropFirst(3)))
    }
}
