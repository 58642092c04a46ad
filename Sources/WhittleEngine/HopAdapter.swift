import WhittleDSP

/// Feeds a fixed-hop processor from host blocks of any size: resamples host audio to the
/// processor's rate (when it differs) and cuts the stream into hops. Block boundaries
/// never change what the processor sees.
///
/// `phase` staggers the hop grid: the hop FIFO starts with `phase` zero samples, so hops complete
/// `phase` processor samples earlier than an unstaggered adapter's, and processor position p is
/// input sample p − phase (`hostFrame(ofProcessorSample:)` takes that back off). Several
/// processors with the same hop and different phases compute in different host blocks instead
/// of all in the same one. The report delay is unchanged: it runs from an event's position to the
/// hop that reports it, both on the shifted axis.
struct HopAdapter {
    let resampler: Resampler?
    let hop: Int
    let phase: Int
    let hostRate: Int
    let processorRate: Int
    let converted: UnsafeMutablePointer<Float>   // this block's input at the processor's rate
    let hopBuffer: UnsafeMutablePointer<Float>
    let fill: UnsafeMutablePointer<Int>          // [0] samples in hopBuffer, [1] hops completed

    init(hostRate: Int, processorRate: Int, hop: Int, maxBlock: Int, phase: Int = 0) {
        self.hop = hop
        self.phase = min(max(phase, 0), hop - 1)
        self.hostRate = hostRate
        self.processorRate = processorRate
        resampler = hostRate == processorRate ? nil : Resampler(inRate: hostRate, outRate: processorRate)
        converted = RawBuffer.floats(resampler?.maxOutput(forInput: maxBlock) ?? maxBlock)
        hopBuffer = RawBuffer.floats(hop)
        fill = .allocate(capacity: 2)
        fill.initialize(repeating: 0, count: 2)
        fill[0] = self.phase
    }

    func deallocate() {
        resampler?.deallocate(); converted.deallocate(); hopBuffer.deallocate(); fill.deallocate()
    }

    func reset() {
        resampler?.reset()
        for i in 0..<phase { hopBuffer[i] = 0 }
        fill[0] = phase
        fill[1] = 0
    }

    /// Host frames between an input instant and the moment the resampler has emitted it.
    var resamplerLatency: Int { resampler?.latencyInInputSamples ?? 0 }

    /// Host frames covering `samples` of processor-side delay plus the resampler's, rounded up.
    func hostDelay(ofProcessorSamples samples: Int) -> Int {
        (max(0, samples) * hostRate + processorRate - 1) / processorRate + resamplerLatency + 1
    }

    /// A processor-rate sample position (on the staggered axis) as a host frame (nearest), never negative.
    @_noLocks @_noAllocation
    func hostFrame(ofProcessorSample position: Int) -> Int64 {
        max(0, (Int64(position - phase) * Int64(hostRate) + Int64(processorRate / 2)) / Int64(processorRate))
    }

    /// Converts one host block; returns how many processor-rate samples are ready in `converted`.
    @_noLocks @_noAllocation
    func convert(_ input: UnsafePointer<Float>, frames: Int) -> Int {
        guard let resampler else {
            for n in 0..<frames { converted[n] = input[n] }
            return frames
        }
        return resampler.process(input, count: frames, into: converted)
    }

    /// Moves converted samples from `cursor` into the hop buffer; true when a full hop is ready
    /// (the caller processes `hopBuffer` and calls again with the same cursor).
    @_noLocks @_noAllocation
    func nextHop(cursor: inout Int, available: Int) -> Bool {
        var filled = fill[0]
        while filled < hop && cursor < available {
            hopBuffer[filled] = converted[cursor]
            filled += 1
            cursor += 1
        }
        if filled == hop {
            fill[0] = 0
            fill[1] += 1
            return true
        }
        fill[0] = filled
        return false
    }

    /// Input samples (at the processor's rate) consumed in completed hops.
    var samplesDone: Int { fill[1] * hop - phase }
}
