import Foundation
import Ledger
public import LedgerFormat

/// A witness's private key and name, in the file format of signed-note private keys:
/// `PRIVATE+KEY+<name>+<key hash>+<base64(0x04 ‖ Ed25519 seed)>`, type 0x04 for C2SP tlog-cosignature
/// v1. Its public half, the verifier key that trust policies name, is written beside it as `.pub`.
public struct WitnessKey: Sendable {
    public let verifier: NoteVerifierKey
    let signingKey: SigningKey

    /// Why a witness key file was refused.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// A new random key for the witness named `name` (a schema-less URL, e.g. `thanhtra.dienbien.gov.vn/witness`).
    public init(generatingFor name: String) throws(Problem) {
        let key = SigningKey()
        let verifier = NoteVerifierKey(name: name, kind: .cosignature, publicKey: key.publicKey)
        guard (try? NoteVerifierKey(parsing: verifier.description)) != nil else {
            throw Problem(description: "'\(name)' cannot name a witness: no spaces, no '+', not empty")
        }
        self.init(verifier: verifier, signingKey: key)
    }

    private init(verifier: NoteVerifierKey, signingKey: SigningKey) {
        self.verifier = verifier
        self.signingKey = signingKey
    }

    /// Reads the key file at `path`, which only its owner may read.
    public init(file path: String) throws(Problem) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw Problem(description: "cannot read the witness key \(path)") }
        guard status.st_mode & 0o077 == 0 else {
            throw Problem(description: "the witness key \(path) is readable by others; chmod 600 it")
        }
        let text: String
        do { text = String(decoding: try RegularFile.read(path, limit: 4096), as: UTF8.self) } catch {
            throw Problem(description: error.description)
        }
        let parts = text.trimmingCharacters(in: .newlines).split(
            separator: "+", maxSplits: 4, omittingEmptySubsequences: false
        )
        .map(String.init)
        guard parts.count == 5, parts[0] == "PRIVATE", parts[1] == "KEY", let material = Data(base64Encoded: parts[4]),
            material.count == 33, material.first == NoteVerifierKey.Kind.cosignature.rawValue,
            let key = SigningKey(seed: Array(material.dropFirst()))
        else {
            throw Problem(description: "\(path) is not a witness key (PRIVATE+KEY+name+hash+base64 of type 0x04)")
        }
        let verifier = NoteVerifierKey(name: parts[2], kind: .cosignature, publicKey: key.publicKey)
        guard String(format: "%08x", verifier.keyHash) == parts[3] else {
            throw Problem(description: "the key hash in \(path) does not match its key")
        }
        self.init(verifier: verifier, signingKey: key)
    }

    /// Writes the key to `path` (mode 0600, never overwriting) and its verifier key to `path.pub`.
    public func write(to path: String) throws(Problem) {
        let material = Data([NoteVerifierKey.Kind.cosignature.rawValue] + signingKey.seed).base64EncodedString()
        let text = "PRIVATE+KEY+\(verifier.name)+\(String(format: "%08x", verifier.keyHash))+\(material)\n"
        do {
            try RegularFile.create(path, mode: 0o600, contents: text)
            try RegularFile.create(path + ".pub", mode: 0o644, contents: verifier.description + "\n")
        } catch {
            throw Problem(description: error.description)
        }
    }

    /// The cosignature of `text` at `time` (seconds since the epoch).
    public func cosign(_ text: String, time: UInt64) -> SignedNote.Signature {
        Cosignature.sign(text, time: time, key: signingKey, verifier: verifier)
    }
}
