import WhittleTrain

/// Reproducible crops, gains and equalisers from (seed, epoch): TrainRandom's SplitMix64 stream,
/// seeded from both so that every epoch draws its own crops.
struct DetectorRandom {
    var source: TrainRandom
    init(_ seed: UInt64, _ salt: UInt64) { source = TrainRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ (salt &+ 0x632B_E59B_D9B4_E019)) }
    mutating func next() -> UInt64 { source.next() }
    mutating func int(_ n: Int) -> Int { source.int(n) }
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(next() >> 11) / Double(1 << 53) }
}
