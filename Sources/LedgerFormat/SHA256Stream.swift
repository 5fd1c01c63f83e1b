import Crypto

/// SHA-256 of anything that is not an event (documents, frameworks, results, manifests, seeds):
/// `EventHash` is for the chain alone.
public enum SHA256Digest {
    /// The 32 bytes of the SHA-256 of `data`.
    public static func bytes(_ data: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: data)) }

    /// The SHA-256 of `data` in lowercase hex.
    public static func hex(_ data: [UInt8]) -> String { hexString(SHA256.hash(data: data)) }
}

/// SHA-256 of data that arrives in pieces (a file read in chunks), as lowercase hex.
public struct SHA256Stream {
    private var hasher = SHA256()

    public init() {}

    public mutating func update(_ bytes: some Collection<UInt8>) {
        if let contiguous = bytes.withContiguousStorageIfAvailable({
            hasher.update(bufferPointer: UnsafeRawBufferPointer($0))
        }) {
            return contiguous
        }
        hasher.update(data: Array(bytes))
    }

    public mutating func finish() -> String {
        hexString(hasher.finalize())
    }
}
