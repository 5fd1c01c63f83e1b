import Crypto
import Foundation

/// An Ed25519 public key and the short id that names it in commands and events.
public struct PublicKey: Sendable, Hashable {
    /// The 32 raw bytes of the key.
    public let rawRepresentation: [UInt8]

    /// A public key from its 32 raw bytes; nil for any other length.
    public init?(rawRepresentation: [UInt8]) {
        guard rawRepresentation.count == 32 else { return nil }
        self.rawRepresentation = rawRepresentation
    }

    /// A public key from the base64 text of its 32 raw bytes, as key files and events carry it.
    public init?(base64: String) {
        guard let data = Data(base64Encoded: base64.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        self.init(rawRepresentation: Array(data))
    }

    /// Base64 of the raw bytes.
    public var base64: String { Data(rawRepresentation).base64EncodedString() }

    /// The first 16 bytes of SHA-256 of the raw key, in hex: how commands name the key that signed them.
    public var id: String { hexString(SHA256.hash(data: rawRepresentation).prefix(16)) }

    /// Whether `signature` is this key's Ed25519 signature of `message`.
    public func verifies(_ signature: [UInt8], of message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: rawRepresentation) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

/// An actor's private Ed25519 key, which signs the commands that actor issues.
public struct SigningKey: Sendable {
    let privateKey: Curve25519.Signing.PrivateKey

    /// A new random key.
    public init() {
        privateKey = Curve25519.Signing.PrivateKey()
    }

    /// A key from its 32-byte seed; nil for any other length.
    public init?(seed: [UInt8]) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            return nil
        }
        privateKey = key
    }

    /// The 32-byte seed, as the key file stores it.
    public var seed: [UInt8] { Array(privateKey.rawRepresentation) }

    public var publicKey: PublicKey {
        // A Curve25519 public key is always 32 bytes.
        PublicKey(rawRepresentation: Array(privateKey.publicKey.rawRepresentation))!
    }

    /// The Ed25519 signature of `message`.
    public func signature(for message: [UInt8]) -> [UInt8] {
        // Signing with a valid Curve25519 key does not fail.
        Array(try! privateKey.signature(for: message))
    }

    /// `command`, signed by this key for the ledger `ledgerID` at `time`, having seen the head `basis`.
    /// `Ledger.sign(_:with:)` fills in the basis and time from the ledger itself.
    public func sign(_ command: Command, forLedger ledgerID: String, basis: CommandBasis, at time: Timestamp) -> Command
    {
        var signed = command
        signed.basis = basis
        signed.signedAt = time
        signed.signature = CommandSignature(
            keyID: publicKey.id,
            value: signature(for: signed.signingBytes(ledgerID: ledgerID))
        )
        return signed
    }
}

/// Who signed a command: the key's id and the Ed25519 signature over `Command.signingBytes(ledgerID:)`.
public struct CommandSignature: Sendable, Hashable {
    public let keyID: String
    public let value: [UInt8]

    public init(keyID: String, value: [UInt8]) {
        self.keyID = keyID
        self.value = value
    }

    /// The signature in base64, as events carry it.
    public var base64: String { Data(value).base64EncodedString() }
}
