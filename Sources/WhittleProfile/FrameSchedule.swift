// How many model frames (hops) each host block completes. The engine resamples host audio to the
// model's rate (WhittleDSP.Resampler: output j is emitted once input ⌊j·down/up⌋ + halfWidth has
// arrived) and cuts hops (HopAdapter); a hop's front end and forward pass run in the block that
// completes it. This mirrors both, so a prediction sees the same frames per block as a run.

public struct FrameSchedule: Sendable, Equatable {
    public let hostRate: Int
    public let modelRate: Int
    public let hop: Int
    public let block: Int

    public init(hostRate: Int, modelRate: Int, hop: Int, block: Int) {
        self.hostRate = hostRate
        self.modelRate = modelRate
        self.hop = max(1, hop)
        self.block = max(1, block)
    }

    var resamples: Bool { hostRate != modelRate }

    /// The resampler's reduced ratio and half width, as WhittleDSP.Resampler computes them.
    var ratio: (up: Int, down: Int, halfWidth: Int) {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let g = gcd(hostRate, modelRate)
        let scale = min(1.0, Double(modelRate) / Double(hostRate))
        return (modelRate / g, hostRate / g, Int((16.0 / scale).rounded(.up)))
    }

    /// Model-rate samples available after `n` host samples.
    func converted(after n: Int) -> Int {
        guard resamples else { return n }
        let (up, down, hw) = ratio
        let m = n - hw - 1
        return m < 0 ? 0 : ((m + 1) * up + down - 1) / down
    }

    /// Filter taps the resampler computes per output sample (its cost driver).
    var tapsPerOutput: Int { resamples ? 2 * ratio.halfWidth : 0 }

    /// Distinct polyphase coefficient rows a block producing `outputs` samples reads: each output
    /// reads the row of its phase; consecutive outputs step through the `up` phases, so a block
    /// reads min(outputs, up) different rows (one when up = 1, e.g. 48 → 16 kHz).
    public func tableRows(outputs: Double) -> Double {
        guard resamples, outputs > 0 else { return 0 }
        return min(outputs, Double(ratio.up))
    }

    /// Resampler outputs of an average block (steady state).
    public var meanOutputs: Double { resamples ? Double(block) * Double(modelRate) / Double(hostRate) : Double(block) }

    /// Frames completed in each of `blocks` consecutive blocks from a reset engine.
    public func frames(blocks: Int) -> [Int] {
        var result = [Int](repeating: 0, count: max(0, blocks))
        var previous = 0
        for b in 0..<result.count {
            let done = converted(after: (b + 1) * block) / hop
            result[b] = done - previous
            previous = done
        }
        return result
    }

    /// Resampler outputs computed in each block (for the per-sample engine cost).
    public func convertedSamples(blocks: Int) -> [Int] {
        var result = [Int](repeating: 0, count: max(0, blocks))
        var previous = 0
        for b in 0..<result.count {
            let now = converted(after: (b + 1) * block)
            result[b] = now - previous
            previous = now
        }
        return result
    }

    /// Blocks in `seconds` of host audio.
    public func blocks(seconds: Double) -> Int { max(1, Int(seconds * Double(hostRate) / Double(block))) }
}
