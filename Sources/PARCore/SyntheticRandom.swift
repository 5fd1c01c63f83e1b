/// A small deterministic generator (SplitMix64) for synthetic cycles: the same seed gives the same
/// demo, and every benchmark run appends the same events.
public struct SyntheticRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A whole number in 0..<bound.
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// True with `percent` per cent chance.
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    /// A multiple of 0.25 between `low`% and 100% of `max`.
    public mutating func part(of max: Points, from low: Int) -> Points {
        let percent = Int64(low + below(101 - low))
        return Points(hundredths: max.hundredths * percent / 100 / 25 * 25)
    }
}
