import CRealtime
import Glibc
import WhittleDSP

/// The real-time engine, as seen from the offline world.
///
/// Build it with a chain, `prepare` it (all allocation and a warm-up run happen there),
/// then hand `realtime` to a backend, whose audio thread calls `render`. Everything else
/// here — stats, events, control, hot swap — is for non-real-time threads, one at a time.
public final class Engine: @unchecked Sendable {
    public static let supportedRates = 16_000...192_000
    public static let maxBlockLimit = 16_384

    public private(set) var spec: ChainSpec
    /// Models run a hop's front end and its network in consecutive blocks (see ModelNode): a
    /// lower worst block for one more block of latency.
    public let splitFrames: Bool
    /// With several models, a block computes at most one model frame; the others wait a block or
    /// two (see ModelNode): the models' costs no longer add up in one block, for up to
    /// (models − 1) blocks more latency. Applies only where hops are far enough apart (FrameQueue).
    public let frameQueue: Bool
    public private(set) var sampleRate: Int = 0
    public private(set) var maxBlock: Int = 0
    /// The block size the host renders (≤ maxBlock): split frames and their latency are planned for it.
    public private(set) var blockSize: Int = 0
    private(set) var chain: Chain?
    private var retiring: [Chain] = []
    private var rt: EngineRT?

    public init(chain: ChainSpec, splitFrames: Bool = false, frameQueue: Bool = true) {
        self.spec = chain
        self.splitFrames = splitFrames
        self.frameQueue = frameQueue
    }

    deinit { release() }

    /// The handle for the audio thread. Only valid after `prepare`.
    public var realtime: EngineRT {
        guard let rt else { preconditionFailure("Engine.prepare must run before realtime is used") }
        return rt
    }

    /// Processing latency in host frames: the dry signal and event-driven sounds are delayed
    /// by this much so that they line up, whatever the block size.
    public var latencyFrames: Int { rt?.state.pointee.latency ?? 0 }

    /// Allocates everything for `sampleRate` and blocks of up to `maxBlock` frames, then warms
    /// the render path (lazy runtime metadata) and resets. Not while a backend is rendering.
    /// `blockSize`: the size the host will actually render (default maxBlock); split frames are
    /// planned for it, and a host that starts rendering larger blocks must prepare again.
    public func prepare(sampleRate: Double, maxBlock: Int, blockSize: Int? = nil) throws(EngineError) {
        guard sampleRate.rounded() == sampleRate, Engine.supportedRates.contains(Int(sampleRate)) else {
            throw .badSetting("unsupported sample rate \(sampleRate) Hz (supported: integer rates from 16000 to 192000 Hz)")
        }
        guard maxBlock >= 1, maxBlock <= Engine.maxBlockLimit else {
            throw .badSetting("block size \(maxBlock) out of range (1...\(Engine.maxBlockLimit))")
        }
        let block = blockSize ?? maxBlock
        guard block >= 1, block <= maxBlock else {
            throw .badSetting("block size \(block) out of range (1...\(maxBlock), the prepared maximum)")
        }
        let rate = Int(sampleRate)
        let chain = try Chain(spec: spec, sampleRate: rate, maxBlock: maxBlock, block: block, splitFrames: splitFrames,
                              frameQueue: frameQueue)   // fails before anything is released
        release()
        let latency = chain.eventLatency
        var drySize = 1
        while drySize < latency + maxBlock + 1 { drySize <<= 1 }
        let state = UnsafeMutablePointer<EngineState>.allocate(capacity: 1)
        state.initialize(to: EngineState(current: chain.rt, nsPerFrame: 1e9 / sampleRate,
                                         latency: latency, maxBlock: maxBlock))
        let slots = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 2)
        slots.initialize(repeating: nil, count: 2)
        let counters = UnsafeMutablePointer<UInt64>.allocate(capacity: Counter.allCases.count)
        counters.initialize(repeating: 0, count: Counter.allCases.count)
        rt = EngineRT(state: state, slots: slots, counters: counters, histogram: RenderHistogram(),
                      control: SPSCRing(capacity: 256), sink: EventSink(capacity: 256, ringCapacity: 8192),
                      input: RawBuffer.floats(maxBlock), dry: RawBuffer.floats(drySize), dryMask: drySize - 1)
        self.chain = chain
        self.sampleRate = rate
        self.maxBlock = maxBlock
        self.blockSize = block
        whittle_rt_hooks_resolve()
        warmUp()
    }

    /// Runs the render path over noise bursts at several block sizes, then clears all state,
    /// so that the first real callback meets no lazy initialisation.
    private func warmUp() {
        guard let rt, let chain else { return }
        let n = maxBlock
        let input = RawBuffer.floats(n), output = RawBuffer.floats(n)
        defer { input.deallocate(); output.deallocate() }
        var seed: UInt32 = 1
        for round in 0..<Int(sampleRate / n + 8) {
            for i in 0..<n {
                seed = seed &* 1_664_525 &+ 1_013_904_223
                input[i] = round % 8 == 0 ? Float(Int32(bitPattern: seed)) / Float(Int32.max) : 0
            }
            rt.render(input: input, output: output, frames: round % 3 == 0 ? max(1, n / 3) : n)
        }
        _ = drainEvents { _ in }
        chain.reset()
        let state = rt.state
        state.pointee.frame = 0
        state.pointee.dryWrite = 0
        rt.dry.update(repeating: 0, count: rt.dryMask + 1)
        resetStats()
    }

    /// Clears counters and the render-time histogram (not while rendering, for exact results).
    public func resetStats() {
        guard let rt else { return }
        for c in Counter.allCases { whittle_store_relaxed_u64(rt.counters + c.rawValue, 0) }
        rt.sink.dropped.pointee = 0
        rt.histogram.clear()
    }

    public func stats() -> EngineStats {
        guard let rt else {
            return EngineStats(blocks: 0, frames: 0, xruns: 0, deadlineMisses: 0, bypasses: 0, nonFiniteInputs: 0,
                               droppedEvents: 0, events: 0, renderP50: 0, renderP99: 0, renderP999: 0, renderMax: 0)
        }
        func c(_ counter: Counter) -> UInt64 { whittle_load_relaxed_u64(rt.counters + counter.rawValue) }
        return EngineStats(
            blocks: c(.blocks), frames: c(.frames), xruns: c(.xruns), deadlineMisses: c(.deadlineMisses),
            bypasses: c(.bypasses), nonFiniteInputs: c(.nonFiniteInputs),
            droppedEvents: rt.sink.ring.dropped + rt.sink.dropped.pointee, events: c(.events),
            // Quantiles are bin upper edges: never report one above the true maximum.
            renderP50: min(rt.histogram.quantile(0.5), c(.renderMax)),
            renderP99: min(rt.histogram.quantile(0.99), c(.renderMax)),
            renderP999: min(rt.histogram.quantile(0.999), c(.renderMax)), renderMax: c(.renderMax))
    }

    /// Hands every waiting event to `body` (one consumer thread only). Returns how many.
    @discardableResult
    public func drainEvents(_ body: (Event) -> Void) -> Int {
        guard let rt else { return 0 }
        var n = 0
        while let e = rt.sink.ring.pop() {
            body(e)
            n += 1
        }
        collectRetired()
        return n
    }

    /// Sends a parameter change to the audio thread; false when the control ring is full.
    @discardableResult
    public func send(_ message: ControlMessage) -> Bool {
        rt?.control.push(message) ?? false
    }

    /// Replaces the running chain without a dropout: the new chain is built and reset here,
    /// the audio thread switches at its next block (crossfading the generated sound over it)
    /// and the old chain is freed here once the audio thread has let go of it.
    /// With no audio thread running, the switch happens at the next `render` call.
    public func swap(to newSpec: ChainSpec) throws(EngineError) {
        guard let rt else { throw .badSetting("swap before prepare") }
        collectRetired()
        if rt.slots[0] != nil { throw .badSetting("a chain swap is already pending") }
        let next = try Chain(spec: newSpec, sampleRate: sampleRate, maxBlock: maxBlock, block: blockSize, splitFrames: splitFrames, frameQueue: frameQueue)
        if next.eventLatency > rt.state.pointee.latency {
            throw .badSetting("chain '\(newSpec)' needs \(next.eventLatency) frames of latency, more than the prepared \(rt.state.pointee.latency); prepare again instead")
        }
        if let old = chain { retiring.append(old) }
        chain = next
        spec = newSpec
        whittle_store_release_ptr(rt.slots, UnsafeMutableRawPointer(next.rt))
    }

    /// True while a swapped-out chain has not yet been released by the audio thread.
    public var swapInProgress: Bool {
        collectRetired()
        return !retiring.isEmpty
    }

    /// Frees chains the audio thread has retired (called from the non-RT side only).
    private func collectRetired() {
        guard let rt, !retiring.isEmpty else { return }
        if let done = whittle_exchange_ptr(rt.slots + 1, nil) {
            retiring.removeAll { UnsafeMutableRawPointer($0.rt) == done }
        }
    }

    private func release() {
        guard let rt else { return }
        rt.state.deallocate()
        rt.slots.deallocate()
        rt.counters.deallocate()
        rt.histogram.deallocate()
        rt.control.deallocate()
        rt.sink.deallocate()
        rt.input.deallocate()
        rt.dry.deallocate()
        self.rt = nil
        chain = nil
        retiring.removeAll()
    }
}
