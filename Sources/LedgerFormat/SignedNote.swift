import Crypto
import Foundation

/// A C2SP signed-note verifier key, `<name>+<key hash, 8 hex>+<base64(type ‖ Ed25519 public key)>`, as
/// Go's golang.org/x/mod/sumdb/note and transparency-log tools write them: type 0x01 for a log's
/// note signatures, 0x04 for a witness's C2SP tlog-cosignature v1 cosignatures.
public struct NoteVerifierKey: Sendable, Hashable, CustomStringConvertible {
    /// What the key signs: plain note signatures, or timestamped cosignatures.
    public enum Kind: UInt8, Sendable {
        case ed25519 = 0x01
        case cosignature = 0x04
    }

    public let name: String
    public let kind: Kind
    public let keyHash: UInt32
    public let publicKey: PublicKey

    /// Why a verifier key or a note was refused.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(name: String, kind: Kind = .ed25519, publicKey: PublicKey) {
        self.name = name
        self.kind = kind
        self.publicKey = publicKey
        self.keyHash = Self.hash(name: name, kind: kind, publicKey: publicKey)
    }

    public init(parsing text: String) throws(Problem) {
        let parts = text.splitScalars("+", maxSplits: 2)
        guard parts.count == 3, SignedNote.isValidName(parts[0]), parts[1].utf8.count == 8,
            parts[1].utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
            let hash = UInt32(parts[1], radix: 16), let material = CanonicalBase64.decode(parts[2], count: 33),
            let kind = material.first.flatMap(Kind.init(rawValue:)),
            let key = PublicKey(rawRepresentation: Array(material.dropFirst()))
        else {
            throw Problem(description: "'\(text)' is not an Ed25519 note verifier key (name+hash+base64)")
        }
        guard Self.hash(name: parts[0], kind: kind, publicKey: key) == hash else {
            throw Problem(description: "the key hash \(parts[1]) of '\(parts[0])' does not match its key")
        }
        self.init(name: parts[0], kind: kind, publicKey: key)
    }

    /// The first 4 bytes of SHA-256(name ‖ "\n" ‖ type ‖ public key), big-endian.
    package static func hash(name: String, kind: Kind, publicKey: PublicKey) -> UInt32 {
        let digest = Array(
            SHA256.hash(data: Array(name.utf8) + [0x0A, kind.rawValue] + publicKey.rawRepresentation))
        return digest.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    public var description: String {
        name + "+" + String(format: "%08x", keyHash) + "+"
            + Data([kind.rawValue] + publicKey.rawRepresentation).base64EncodedString()
    }
}

/// Signing and opening C2SP signed notes: the text (lines ending in "\n"), a blank line, then one
/// line `— <name> <base64(key hash ‖ signature)>` per signature over the text.
public enum SignedNote {
    /// One signature line of a note, not yet verified.
    public struct Signature: Sendable, Hashable {
        public let name: String
        public let keyHash: UInt32
        /// The bytes after the key hash: a signature, or a cosignature's timestamp and signature.
        public let body: [UInt8]

        /// The line as it appears in a note, ending in "\n".
        public var line: String {
            let hash = withUnsafeBytes(of: keyHash.bigEndian) { Array($0) }
            return "— \(name) " + Data(hash + body).base64EncodedString() + "\n"
        }
    }

    /// The note of `text` signed by `key` under `name`.
    public static func sign(_ text: String, name: String, key: SigningKey) -> String {
        let verifier = NoteVerifierKey(name: name, publicKey: key.publicKey)
        let signature = Signature(
            name: name, keyHash: verifier.keyHash, body: key.signature(for: Array(text.utf8)))
        return text + "\n" + signature.line
    }

    /// A key name (C2SP signed-note): non-empty, without White_Space (the explicit list of
    /// `WhiteSpace`) or plus signs; control characters are refused in the whole note. Names are
    /// compared byte for byte, never as canonically equivalent text.
    package static func isValidName(_ name: some StringProtocol) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.value < 0x20 || WhiteSpace.contains($0) }
    }

    /// Whether two key names are the same bytes.
    public static func sameName(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// The text of `note` and its signature lines, with none verified. The note must be a C2SP
    /// signed note exactly: no control character but newline, the text, one blank line, then at least
    /// one line `— <name> <canonical base64 of the key hash and at least one byte>` per signature.
    public static func split(_ note: String) throws(NoteVerifierKey.Problem) -> (
        text: String, signatures: [Signature]
    ) {
        let bytes = Array(note.utf8)
        if let control = bytes.first(where: { $0 < 0x20 && $0 != 0x0A }) {
            throw NoteVerifierKey.Problem(
                description: "not a signed note: it holds the control character 0x\(String(control, radix: 16))")
        }
        guard bytes.last == 0x0A, let split = lastBlankLine(bytes), split + 2 < bytes.count else {
            throw NoteVerifierKey.Problem(
                description: "not a signed note: no blank line followed by signature lines")
        }
        let text = String(decoding: bytes[..<(split + 1)], as: UTF8.self)
        var signatures: [Signature] = []
        for line in String(decoding: bytes[(split + 2)..<(bytes.count - 1)], as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        {
            let fields = String(String.UnicodeScalarView(line.unicodeScalars.dropFirst(2))).splitScalars(" ")
            guard line.startsWithScalars("— "), fields.count == 2, isValidName(fields[0]),
                let blob = CanonicalBase64.decode(fields[1]), blob.count > 4
            else {
                throw NoteVerifierKey.Problem(description: "malformed signature line '\(line)'")
            }
            signatures.append(
                Signature(
                    name: String(fields[0]), keyHash: blob.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) },
                    body: Array(blob.dropFirst(4))))
        }
        return (text, signatures)
    }

    /// The text of `note` when it carries a valid signature by `verifier` (an Ed25519 note key).
    public static func open(_ note: String, verifier: NoteVerifierKey) throws(NoteVerifierKey.Problem) -> String {
        let (text, signatures) = try split(note)
        let named = signatures.filter { sameName($0.name, verifier.name) }
        if verifier.kind == .ed25519,
            named.contains(where: {
                $0.keyHash == verifier.keyHash && verifier.publicKey.verifies($0.body, of: Array(text.utf8))
            })
        {
            return text
        }
        throw NoteVerifierKey.Problem(
            description: named.isEmpty
                ? "the note has no signature by \(verifier.name)"
                : "the signature by \(verifier.name) does not verify")
    }

    /// Refuses a note with a signature line that is neither an Ed25519 note signature (64 bytes after
    /// the key hash) nor an Ed25519 cosignature (72): what a certified bundle or a receipt may carry
    /// (FORMAT.md, Cosignatures), so that both verifiers read the same lines.
    public static func requireKnownSignatureKinds(_ note: String) throws(NoteVerifierKey.Problem) {
        for signature in try split(note).signatures where ![64, 72].contains(signature.body.count) {
            throw NoteVerifierKey.Problem(
                description: "the signature line of \(signature.name) is neither a note signature nor a cosignature")
        }
    }

    /// `note` with `signatures` appended, leaving out any line it already has.
    public static func adding(_ signatures: [Signature], to note: String) throws(NoteVerifierKey.Problem) -> String {
        let existing = Set(try split(note).signatures)
        var note = note
        var added = existing
        for signature in signatures where !added.contains(signature) {
            note += signature.line
            added.insert(signature)
        }
        return note
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

/// C2SP tlog-cosignature v1 (Ed25519): a witness's timestamped statement that a checkpoint is the
/// largest consistent tree it has seen of that log. The signed message is `cosignature/v1`, `time
/// <seconds>` and the checkpoint's whole text; the signature line's bytes are the key hash, the
/// big-endian 8-byte time and the 64-byte signature.
public enum Cosignature {
    /// The message a cosignature at `time` over `text` signs.
    public static func message(text: String, time: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(time)\n\(text)".utf8)
    }

    /// The cosignature of `text` by `key`, whose verifier key is `verifier` (kind `.cosignature`).
    public static func sign(
        _ text: String, time: UInt64, key: SigningKey, verifier: NoteVerifierKey
    ) -> SignedNote.Signature {
        let timeBytes = withUnsafeBytes(of: time.bigEndian) { Array($0) }
        return SignedNote.Signature(
            name: verifier.name, keyHash: verifier.keyHash,
            body: timeBytes + key.signature(for: message(text: text, time: time)))
    }

    /// The time of `signature` when it is a valid cosignature of `text` by `witness`, else nil.
    public static func verifiedTime(
        of signature: SignedNote.Signature, text: String, witness: NoteVerifierKey
    ) -> UInt64? {
        guard witness.kind == .cosignature, SignedNote.sameName(signature.name, witness.name),
            signature.keyHash == witness.keyHash,
            signature.body.count == 72
        else { return nil }
        let time = signature.body.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard time <= UInt64(Int64.max),
            witness.publicKey.verifies(Array(signature.body.dropFirst(8)), of: message(text: text, time: time))
        else { return nil }
        return time
    }

    /// The names of the `witnesses` that validly cosign `note`, in the order given.
    public static func cosigners(of note: String, among witnesses: [NoteVerifierKey]) throws(NoteVerifierKey.Problem)
        -> [String]
    {
        let (text, signatures) = try SignedNote.split(note)
        return witnesses.filter { witness in
            signatures.contains { verifiedTime(of: $0, text: text, witness: witness) != nil }
        }.map(\.name)
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
        guard text.hasSuffix("\n"), lines.count >= 3, !lines[0].isEmpty, let size = Self.size(lines[1]),
            let root = CanonicalBase64.decode(lines[2], count: 32), !lines.dropFirst(3).contains(where: \.isEmpty)
        else {
            throw NoteVerifierKey.Problem(
                description: "not a checkpoint: expected origin, tree size and base64 root hash lines")
        }
        self.init(origin: lines[0], size: size, rootHash: root, extensions: Array(lines.dropFirst(3)))
    }

    /// A tree size as tlog-checkpoint writes it: ASCII decimal, no sign, no leading zero, below 2^63.
    package static func size(_ text: String) -> UInt64? {
        let digits = Array(text.utf8)
        guard (1...19).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }),
            digits.count == 1 || digits[0] != 0x30, let value = UInt64(text), value <= UInt64(Int64.max)
        else { return nil }
        return value
    }
}
