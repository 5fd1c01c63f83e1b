import Ledger
public import LedgerFormat

/// Reproducible secrets and keys: each is SHA-256 of "label|name", so that the same label (the demo's
/// seed, the benchmarks' name) always gives the same actors' keys and draws, and the same ledger.
public struct DerivedKeys: Sendable {
    public let label: String

    public init(label: String) { self.label = label }

    /// The 32 bytes derived for `name`.
    public func secret(for name: String) -> [UInt8] { SHA256Digest.bytes(Array("\(label)|\(name)".utf8)) }

    /// The Ed25519 key whose seed is `secret(for: name)`.
    public func key(for name: String) -> SigningKey {
        guard let key = SigningKey(seed: secret(for: name)) else {
            preconditionFailure("a SHA-256 digest is always a 32-byte Ed25519 seed")
        }
        return key
    }
}
