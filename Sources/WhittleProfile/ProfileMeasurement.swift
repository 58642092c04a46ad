// One measured configuration: a chain (often a single model) at one block size and host rate,
// rendered through the real engine, with its block-time distribution.

import Foundation
import WhittleEngine

public struct ProfileMeasurement: Codable, Sendable {
    /// The chain spec measured, e.g. "model=Models/test/onset-small.safetensors" or "flux,click".
    public var target: String
    public var block: Int
    public var rate: Int
    public var blocks: Int
    /// One block per block period (as a sound card asks) rather than back to back.
    public var paced: Bool
    public var pinnedCPU: Int?
    public var realtimePriority: Bool
    public var times: BlockTimes
    /// p50, p99.9 and max as % of the block period.
    public var percentOfBlock: [String: Double]
    /// Audio time per render time (block period / mean render time).
    public var realTime: Double
    /// Raw distribution: render time in µs at percentiles 0, 1, ..., 100, then 99.9 and 99.99.
    public var distribution: [Double]
    /// For model chains: blocks grouped by the model frames they completed, with their median (µs).
    public var byFrames: [FrameGroup]?
    /// The allocation probe's non-zero counts on the render thread, with "counted_sections" (the
    /// render calls checked); nil when not run under the probe.
    public var probe: [String: UInt64]?

    public struct FrameGroup: Codable, Sendable, Equatable {
        public var frames: Int
        public var blocks: Int
        public var medianMicroseconds: Double
        /// The group's block times over its median at the quantiles `BlockSpread.levels` (nil in
        /// version-1 profiles): how much blocks doing the same work differ on this machine.
        public var spread: [Double]?
    }

    public var periodMicroseconds: Double { Double(block) * 1e6 / Double(rate) }

    /// Of repeated runs of one configuration, the run whose p50 is the median (the lower middle
    /// for an even count), carrying the allocations of all runs. `runs` must not be empty.
    public static func medianRun(_ runs: [ProfileMeasurement]) -> ProfileMeasurement {
        let sorted = runs.sorted { $0.times.p50 < $1.times.p50 }
        var m = sorted[(sorted.count - 1) / 2]
        let counted = runs.compactMap(\.times.allocations)
        m.times.allocations = counted.isEmpty ? nil : counted.reduce(0, +)
        return m
    }

    init(target: String, block: Int, rate: Int, paced: Bool, loop: RenderLoopResult, allocations: Int?, schedule: FrameSchedule?) {
        self.target = target
        self.block = block
        self.rate = rate
        self.paced = paced
        blocks = loop.times.count
        pinnedCPU = loop.pinnedCPU
        realtimePriority = loop.realtimePriority
        times = BlockTimes(samples: loop.times, allocations: allocations)
        let period = Double(block) * 1e6 / Double(rate)
        percentOfBlock = ["p50": 100 * times.p50 / period, "p99": 100 * times.p99 / period,
                          "p999": 100 * times.p999 / period, "max": 100 * times.max / period]
        let mean = loop.times.reduce(0, +) / Double(max(1, loop.times.count))
        realTime = mean > 0 ? period / mean : 0
        let sorted = loop.times.sorted()
        distribution = (0...100).map { Quantile.of(sorted, Double($0) / 100) } + [Quantile.of(sorted, 0.999), Quantile.of(sorted, 0.9999)]
        if let schedule {
            // The loop's warm-up blocks come first: align the schedule with the timed blocks.
            let warm = loop.warmupBlocks
            let frames = Array(schedule.frames(blocks: warm + loop.times.count).dropFirst(warm))
            var groups: [Int: [Double]] = [:]
            for (k, t) in zip(frames, loop.times) { groups[k, default: []].append(t) }
            byFrames = groups.keys.sorted().map { k in
                let sorted = groups[k]!.sorted(), median = Quantile.of(sorted, 0.5)
                return FrameGroup(frames: k, blocks: sorted.count, medianMicroseconds: median,
                                  spread: median > 0 ? BlockSpread.levels.map { Quantile.of(sorted, $0) / median } : nil)
            }
        }
    }
}
