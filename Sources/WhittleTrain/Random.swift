// Deterministic random numbers (SplitMix64): the same seed gives the same weights, batches and
// shuffles on every machine, and the whole state is one UInt64 a checkpoint can store.

public struct TrainRandom: Sendable, Equatable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }
    public mutating func uniform(_ lower: Float, _ upper: Float) -> Float { lower + (upper - lower) * uniform() }
    public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Float {
        let u = max(Double(next() >> 11) / Double(1 << 53), 1e-300), v = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v))
    }

    /// A derived stream, e.g. one per epoch: independent of how much the parent was used.
    public static func stream(_ seed: UInt64, _ salt: UInt64) -> TrainRandom {
        var r = TrainRandom(seed: seed ^ (salt &* 0xD1B5_4A32_D192_ED03))
        _ = r.next()
        return r
    }

    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, int(i + 1)) }
    }
}

import Foundation
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }
