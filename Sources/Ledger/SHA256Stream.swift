import Crypto

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
