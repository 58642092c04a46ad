/// SplitMix64: a small, fast generator whose output is fully determined by its seed.
///
/// The helpers below are ours rather than the standard library's `random(in:using:)`,
/// whose algorithm may change between Swift releases; datasets must regenerate
/// identically from a seed on any toolchain.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for item `index` of a dataset seeded with `seed`; independent of
    /// how many items the dataset has.
    public init(seed: UInt64, index: Int) {
        var mixer = SeededGenerator(seed: seed ^ 0x5157_4C54_5444_4154)   // "WHITTDAT"-ish salt
        for _ in 0...(index % 7) { _ = mixer.next() }
        state = mixer.next() &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform integer in `range` (the modulo bias is negligible for our small ranges).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let span = UInt64(range.upperBound - range.lowerBound + 1)
        return range.lowerBound + Int(next() % span)
    }

    public mutating func double(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + unit() * (range.upperBound - range.lowerBound)
    }

    public mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    public mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// Picks `items[i]` with probability proportional to `weights[i]`.
    public mutating func pick<T>(_ items: [T], weights: [Double]) -> T {
        precondition(items.count == weights.count && !items.isEmpty)
        var x = unit() * weights.reduce(0, +)
        for (item, w) in zip(items, weights) {
            if x < w { return item }
            x -= w
        }
        return items[items.count - 1]
    }
}
