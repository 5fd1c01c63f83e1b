import Ledger

/// The documented, re-drawable spot-check draw: units ordered by SHA-256(seed ‖ unit id), where the
/// seed is the 32 bytes of the ledger head hash at the moment of the draw and the unit id is UTF-8
/// (NFC); the first `size` units are drawn, size = ceil(share × number of units).
public enum SpotCheckDraw {
    public static let algorithm = "sha256(seed||unit)-ascending/v1"

    /// ceil(percent% of `count`), at least 1 when there are units.
    public static func sampleSize(units count: Int, percent: Points) -> Int {
        guard count > 0 else { return 0 }
        let numerator = Int64(count) * percent.hundredths
        return Int((numerator + 9_999) / 10_000)
    }

    /// The first `size` of `units` in the order of SHA-256(seed ‖ id).
    public static func draw(seed: [UInt8], units: [String], size: Int) -> [String] {
        let ordered = units.map { id in (id, EventHash.of(seed + Array(id.nfc.utf8)).bytes) }
            .sorted { $0.1.lexicographicallyPrecedes($1.1) }
        return ordered.prefix(size).map(\.0)
    }
}
