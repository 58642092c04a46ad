// Render-time figures for one configuration (model or chain, block size, host rate).

/// Block render times in µs, and the allocations seen on the render thread (nil: not measured).
public struct BlockTimes: Codable, Sendable, Equatable {
    public var p50: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var allocations: Int?

    public init(p50: Double, p99: Double, p999: Double, max: Double, allocations: Int? = nil) {
        self.p50 = p50
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.allocations = allocations
    }

    /// Quantiles of raw samples (µs). Nearest-rank quantiles, so every figure is a real sample.
    public init(samples: [Double], allocations: Int? = nil) {
        let sorted = samples.sorted()
        self.init(p50: Quantile.of(sorted, 0.5), p99: Quantile.of(sorted, 0.99), p999: Quantile.of(sorted, 0.999),
                  max: sorted.last ?? 0, allocations: allocations)
    }
}

public enum Quantile {
    /// Nearest-rank quantile of an ascending array (0 for an empty one).
    static func of(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[Swift.max(0, Swift.min(sorted.count - 1, rank - 1))]
    }

    /// The median of unsorted values (mean of the middle two for an even count; 0 for none).
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let s = values.sorted(), m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }
}
