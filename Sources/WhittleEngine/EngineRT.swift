import CRealtime
import WhittleDSP
import WhittleProcessors

/// Indices of the engine's counters (one UInt64 each, written by the audio thread).
enum Counter: Int, CaseIterable {
    case blocks, frames, xruns, deadlineMisses, bypasses, nonFiniteInputs, droppedEvents, events, renderMax
}

/// The engine's mutable state on the audio thread (lives in memory allocated by `Engine`).
struct EngineState {
    var frame: Int64 = 0
    var current: UnsafeMutablePointer<ChainRT>
    var dryGain: Float = 1
    var deadlineFraction: Float = 0
    var nsPerFrame: Double
    var latency: Int
    var maxBlock: Int
    var dryWrite: Int = 0
}

/// The engine as the audio thread sees it: a trivial struct of raw pointers, to be copied
/// into a backend's callback context. Every method here is real-time safe.
public struct EngineRT: BitwiseCopyable {
    let state: UnsafeMutablePointer<EngineState>
    /// [0] pending chain (written by the control thread), [1] retired chain (written here).
    let slots: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    let counters: UnsafeMutablePointer<UInt64>
    let histogram: RenderHistogram
    let control: SPSCRing<ControlMessage>
    let sink: EventSink
    let input: UnsafeMutablePointer<Float>      // sanitised copy of the host block
    let dry: UnsafeMutablePointer<Float>        // dry delay line
    let dryMask: Int

    /// Processes one host block: `frames` samples from `input` to `output` (mono).
    /// Never allocates, locks, logs or makes system calls; blocks longer than the
    /// prepared maximum are processed in pieces.
    @_noLocks @_noAllocation
    public func render(input hostInput: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, frames: Int) {
        whittle_rt_enter()
        let fp = whittle_enable_ftz()
        let started = whittle_now_ns()
        let maxBlock = state.pointee.maxBlock
        var offset = 0
        sink.count.pointee = 0
        while offset < frames {
            let n = min(maxBlock, frames - offset)
            renderPiece(hostInput + offset, output + offset, n, started: started)
            offset += n
        }
        let elapsed = whittle_now_ns() &- started
        histogram.record(elapsed)
        bump(.blocks)
        add(.frames, UInt64(frames))
        if elapsed > whittle_load_relaxed_u64(counters + Counter.renderMax.rawValue) {
            whittle_store_relaxed_u64(counters + Counter.renderMax.rawValue, elapsed)
        }
        let fraction = state.pointee.deadlineFraction
        if fraction > 0, Double(elapsed) > Double(frames) * state.pointee.nsPerFrame * Double(fraction) {
            bump(.deadlineMisses)
        }
        whittle_restore_fp(fp)
        whittle_rt_exit()
    }

    /// Counts a host xrun (safe from any thread; one writer at a time per counter is assumed).
    @_noLocks @_noAllocation
    public func noteXrun() { whittle_fetch_add_u64(counters + Counter.xruns.rawValue, 1) }

    /// Events emitted during the last `render` call, for output on the audio thread (MIDI).
    public var lastBlockEventCount: Int { @_noLocks @_noAllocation get { sink.count.pointee } }

    @_noLocks @_noAllocation
    public func lastBlockEvent(_ index: Int) -> Event { sink.block[index] }

    /// The events of the last `render` call, `lastBlockEventCount` of them.
    public var lastBlockEvents: UnsafePointer<Event> { @_noLocks @_noAllocation get { UnsafePointer(sink.block) } }

    /// Engine frame at which the next block starts.
    public var nextFrame: Int64 { state.pointee.frame }

    /// The engine's processing latency in host frames.
    public var latencyFrames: Int { state.pointee.latency }

    // MARK: - one piece of at most maxBlock frames

    @_noLocks @_noAllocation
    func renderPiece(_ hostInput: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ frames: Int, started: UInt64) {
        // Hot swap: take a pending chain; the old one sounds out over this piece, then retires.
        var fading: UnsafeMutablePointer<ChainRT>? = nil
        if let pending = whittle_exchange_ptr(slots, nil) {
            let next = pending.assumingMemoryBound(to: ChainRT.self)
            next.pointee.startFrame = state.pointee.frame
            fading = state.pointee.current
            state.pointee.current = next
        }
        applyControl()

        var bad: UInt64 = 0
        for n in 0..<frames {
            let x = hostInput[n]
            if x.isFinite { input[n] = x } else { input[n] = 0; bad += 1 }
        }
        if bad > 0 { add(.nonFiniteInputs, bad) }

        let fraction = state.pointee.deadlineFraction
        let budgetEnd: UInt64 = fraction > 0
            ? started &+ UInt64(Double(frames) * state.pointee.nsPerFrame * Double(fraction)) : UInt64.max
        if let fading {
            let eventsBefore = sink.count.pointee
            runChain(fading, frames, publish: false, budgetEnd: budgetEnd)
            sink.count.pointee = eventsBefore      // the old chain's events are not delivered
        }
        let current = state.pointee.current
        runChain(current, frames, publish: true, budgetEnd: budgetEnd)

        // Mix: delayed dry signal + generators (crossfaded during a swap).
        let latency = state.pointee.latency
        let dryGain = state.pointee.dryGain
        var write = state.pointee.dryWrite
        let generated = current.pointee.generated
        let old = fading?.pointee.generated
        for n in 0..<frames {
            dry[write & dryMask] = input[n]
            let delayed = dry[(write &- latency) & dryMask]
            write &+= 1
            var wet = generated[n]
            if let old {
                let g = Float(n + 1) / Float(frames)
                wet = g * wet + (1 - g) * old[n]
            }
            output[n] = dryGain * delayed + wet
        }
        state.pointee.dryWrite = write
        state.pointee.frame += Int64(frames)
        if let fading { whittle_store_release_ptr(slots + 1, UnsafeMutableRawPointer(fading)) }
    }

    @_noLocks @_noAllocation
    func runChain(_ chain: UnsafeMutablePointer<ChainRT>, _ frames: Int, publish: Bool, budgetEnd: UInt64) {
        let nodes = chain.pointee.nodes
        let count = chain.pointee.count
        let start = chain.pointee.startFrame
        let generated = chain.pointee.generated
        for n in 0..<frames { generated[n] = 0 }
        let firstEvent = sink.count.pointee
        // Pass 0: model frames queued in earlier blocks take this block's turn first.
        let turns = chain.pointee.turns
        turns.pointee = 1
        for i in 0..<count {
            guard case .model(let node) = nodes[i] else { continue }
            node.runQueued(turns: turns, chainStart: start, sink: sink, publish: publish, bypass: whittle_now_ns() > budgetEnd)
        }
        // Pass 1: analysis. Pass 2: generators, which hear this block's events.
        for i in 0..<count {
            let late = whittle_now_ns() > budgetEnd
            switch nodes[i] {
            case .flux(let node):
                if late { bump(.bypasses) }
                node.run(input, frames: frames, chainStart: start, sink: sink, publish: publish, bypass: late)
            case .model(let node):
                if late { bump(.bypasses) }
                node.run(input, frames: frames, chainStart: start, sink: sink, publish: publish, bypass: late, turns: turns)
            case .canary:
                Canary.process()
            case .click:
                break
            }
        }
        if publish { add(.events, UInt64(sink.count.pointee - firstEvent)) }
        let latency = Int64(state.pointee.latency)
        let blockStart = state.pointee.frame
        for i in 0..<count {
            guard case .click(let click) = nodes[i] else { continue }
            for e in firstEvent..<max(firstEvent, sink.count.pointee) {
                click.schedule(frame: sink.block[e].frame + latency, strength: sink.block[e].strength)
            }
            if whittle_now_ns() > budgetEnd { bump(.bypasses); continue }
            click.render(into: generated, frames: frames, blockStart: blockStart)
        }
        // A generator that produced NaN/Inf is silenced for this block.
        var finite = true
        for n in 0..<frames where !generated[n].isFinite { finite = false }
        if !finite {
            for n in 0..<frames { generated[n] = 0 }
            bump(.bypasses)
        }
    }

    @_noLocks @_noAllocation
    func applyControl() {
        let chain = state.pointee.current
        while let m = control.pop() {
            switch m.parameter {
            case .dryGain:
                state.pointee.dryGain = m.value
            case .deadline:
                state.pointee.deadlineFraction = max(0, m.value)
            case .threshold, .gain:
                let i = Int(m.node)
                if i < 0 || i >= chain.pointee.count { continue }
                switch (chain.pointee.nodes[i], m.parameter) {
                case (.flux(let node), .threshold): node.detector.setThreshold(m.value)
                case (.click(let click), .gain): click.setGain(m.value)
                default: break
                }
            }
        }
    }

    @_noLocks @_noAllocation
    func bump(_ c: Counter) { add(c, 1) }

    @_noLocks @_noAllocation
    func add(_ c: Counter, _ v: UInt64) {
        let p = counters + c.rawValue
        whittle_store_relaxed_u64(p, whittle_load_relaxed_u64(p) &+ v)
    }
}
