// How much blocks that do the same work differ in time on this machine. The cost model predicts
// one time per block (the median of blocks doing that work: the fits use group medians); real
// blocks scatter around it (a paced block starts with whatever the core did meanwhile left in its
// caches). At 64 and 128 frames most blocks run no model frame, so the p50 of all blocks is not
// the median of those blocks but a higher quantile of them (the 58th at 64 frames, the 68th at
// 128, with a 10 ms hop at 48 kHz): a prediction without the scatter is low by that quantile's
// distance from the median (≈ 7 % and 13 % here).

import Foundation

/// Block time over the median of its group (blocks completing the same number of model frames),
/// at the quantiles `levels`, pooled over the profile's measurements: one curve for blocks that
/// ran no model frame (engine work only) and one for blocks that did.
public struct BlockSpread: Codable, Sendable, Equatable {
    /// The quantiles the curves are sampled at: the midpoints of 20 equal slices, so that the
    /// samples stand for the distribution with equal weight.
    public static let levels: [Double] = (0..<20).map { (Double($0) + 0.5) / 20 }

    /// Ratio to the group median at each level, for blocks without and with model frames.
    public var idle: [Double]
    public var busy: [Double]
    /// Block groups pooled into each curve.
    public var idleGroups: Int
    public var busyGroups: Int

    public init(idle: [Double], busy: [Double], idleGroups: Int = 0, busyGroups: Int = 0) {
        self.idle = idle
        self.busy = busy
        self.idleGroups = idleGroups
        self.busyGroups = busyGroups
    }

    /// No scatter: every block takes its predicted time.
    public static let none = BlockSpread(idle: levels.map { _ in 1 }, busy: levels.map { _ in 1 })

    public var isValid: Bool {
        idle.count == Self.levels.count && busy.count == Self.levels.count && (idle + busy).allSatisfy { $0.isFinite && $0 > 0 }
    }

    /// Pools groups of at least `minBlocks` blocks: at each level, the median ratio over groups.
    /// Nil when either kind has no such group.
    public static func fit(_ measurements: [ProfileMeasurement], minBlocks: Int = 100) -> BlockSpread? {
        var idle: [[Double]] = [], busy: [[Double]] = []
        for m in measurements {
            for g in m.byFrames ?? [] where g.blocks >= minBlocks {
                guard let s = g.spread, s.count == levels.count else { continue }
                if g.frames == 0 { idle.append(s) } else { busy.append(s) }
            }
        }
        guard !idle.isEmpty, !busy.isEmpty else { return nil }
        func pooled(_ curves: [[Double]]) -> [Double] {
            // Medians per level stay ascending, as each curve is.
            levels.indices.map { i in Quantile.of(curves.map { $0[i] }.sorted(), 0.5) }
        }
        return BlockSpread(idle: pooled(idle), busy: pooled(busy), idleGroups: idle.count, busyGroups: busy.count)
    }

    /// The `q` quantile of all blocks, each block spread by its curve around its predicted time.
    func quantile(_ q: Double, times: [Double], frames: [Int]) -> Double {
        var all: [Double] = []
        all.reserveCapacity(times.count * Self.levels.count)
        for (t, k) in zip(times, frames) {
            for r in k == 0 ? idle : busy { all.append(t * r) }
        }
        all.sort()
        return Quantile.of(all, q)
    }
}
