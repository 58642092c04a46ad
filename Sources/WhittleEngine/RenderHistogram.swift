import CRealtime

/// Log-linear histogram of render times in nanoseconds (about 1.6 % resolution up to
/// minutes). Written by the audio thread alone, read from anywhere with relaxed loads.
struct RenderHistogram {
    static let subBuckets = 64
    static let binCount = 64 + 31 * 64
    let bins: UnsafeMutablePointer<UInt64>

    init() {
        bins = .allocate(capacity: RenderHistogram.binCount)
        bins.initialize(repeating: 0, count: RenderHistogram.binCount)
    }

    func deallocate() { bins.deallocate() }

    func clear() {
        for b in 0..<RenderHistogram.binCount { whittle_store_relaxed_u64(bins + b, 0) }
    }

    @_noLocks @_noAllocation
    static func bin(of ns: UInt64) -> Int {
        if ns < 64 { return Int(ns) }
        let exponent = 63 - ns.leadingZeroBitCount           // ≥ 6
        let sub = Int((ns >> UInt64(exponent - 6)) & 63)
        return min(binCount - 1, 64 + (exponent - 6) * 64 + sub)
    }

    /// Upper edge of a bin, in ns.
    static func upperEdge(of bin: Int) -> UInt64 {
        if bin < 64 { return UInt64(bin) }
        let exponent = (bin - 64) / 64 + 6, sub = (bin - 64) % 64
        return UInt64(64 + sub + 1) << UInt64(exponent - 6)
    }

    @_noLocks @_noAllocation
    func record(_ ns: UInt64) {
        let b = RenderHistogram.bin(of: ns)
        whittle_store_relaxed_u64(bins + b, whittle_load_relaxed_u64(bins + b) &+ 1)
    }

    /// The value below which `fraction` of the recorded times fall (bin upper edge).
    func quantile(_ fraction: Double) -> UInt64 {
        var counts = [UInt64](repeating: 0, count: RenderHistogram.binCount)
        var total: UInt64 = 0
        for b in 0..<RenderHistogram.binCount {
            counts[b] = whittle_load_relaxed_u64(bins + b)
            total += counts[b]
        }
        if total == 0 { return 0 }
        let target = UInt64((Double(total) * fraction).rounded(.up))
        var seen: UInt64 = 0
        for b in 0..<RenderHistogram.binCount {
            seen += counts[b]
            if seen >= max(target, 1) { return RenderHistogram.upperEdge(of: b) }
        }
        return RenderHistogram.upperEdge(of: RenderHistogram.binCount - 1)
    }
}
