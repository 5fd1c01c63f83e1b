/// How much of its storage a ledger fills, for the people who watch the server's disk: LMDB grows its
/// map as events come, up to a maximum, and a write that needs more than the maximum is refused.
public struct StorageUse: Sendable, Equatable {
    /// The bytes the data file fills (every page up to the last one written).
    public let usedBytes: Int
    /// The current size of the map.
    public let mapSize: Int
    /// The size the map may grow to.
    public let maximumMapSize: Int

    public init(usedBytes: Int, mapSize: Int, maximumMapSize: Int) {
        (self.usedBytes, self.mapSize, self.maximumMapSize) = (usedBytes, mapSize, maximumMapSize)
    }
}

extension Ledger {
    /// The storage this ledger's LMDB environment fills now; reads no transaction.
    public func storageUse() -> StorageUse {
        StorageUse(
            usedBytes: environment.usedBytes, mapSize: environment.mapSize,
            maximumMapSize: environment.maximumMapSize)
    }
}
