/// SplitMix64: reproducible crops and gains from (seed, epoch).
struct DetectorRandom {
    var state: UInt64
    init(_ seed: UInt64, _ salt: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 ^ (salt &+ 0x632B_E59B_D9B4_E019) }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53) }
}
