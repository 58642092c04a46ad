import CRealtime
import WhittleDSP
import WhittleProcessors

/// One processor in a chain. A closed enum of plain handles: dispatch is a `switch`
/// the compiler can see through (no existentials, no ARC on the audio thread).
enum ProcessorNode {
    case flux(FluxNode)
    case click(ClickSonifier)
    case canary
    case model(ModelNode)

    var isGenerator: Bool {
        if case .click = self { return true }
        return false
    }

    func deallocate() {
        switch self {
        case .flux(let n): n.deallocate()
        case .click(let c): c.deallocate()
        case .model(let n): n.deallocate()
        case .canary: break
        }
    }

    func reset() {
        switch self {
        case .flux(let n): n.reset()
        case .click(let c): c.reset()
        case .model(let n): n.reset()
        case .canary: break
        }
    }
}

/// The spectral-flux detector behind its hop adapter, reporting events in host frames.
struct FluxNode {
    let adapter: HopAdapter
    let detector: SpectralFluxOnset

    init(hostRate: Int, maxBlock: Int) {
        detector = SpectralFluxOnset()
        adapter = HopAdapter(hostRate: hostRate, processorRate: detector.settings.sampleRate,
                             hop: detector.settings.hop, maxBlock: maxBlock)
    }

    func deallocate() { adapter.deallocate(); detector.deallocate() }
    func reset() { adapter.reset(); detector.reset() }

    /// Host frames from an onset to the block in which it is reported, at most.
    var maxReportDelay: Int { adapter.hostDelay(ofProcessorSamples: detector.maxReportDelay) }

    @_noLocks @_noAllocation
    func run(_ input: UnsafePointer<Float>, frames: Int, chainStart: Int64, sink: EventSink, publish: Bool, bypass: Bool) {
        let available = adapter.convert(input, frames: frames)
        var cursor = 0
        while adapter.nextHop(cursor: &cursor, available: available) {
            var strength: Float = 0
            // Late: no spectrum, but the detector's clock moves on.
            let position = bypass ? detector.skip(strength: &strength) : detector.process(hop: adapter.hopBuffer, strength: &strength)
            if position < 0 || !strength.isFinite { continue }
            sink.emit(Event(kind: .onset, frame: chainStart + adapter.hostFrame(ofProcessorSample: position),
                            strength: strength), publish: publish)
        }
    }
}

/// When split frames apply: a hop of `hop` samples at `modelRate` spans at least two host blocks
/// of `block` frames (the resampler emits at most ⌈block · modelRate / hostRate⌉ + 1 samples per
/// block), so a frame's network always finishes before the next hop completes.
public enum FrameSplit {
    public static func applies(hop: Int, modelRate: Int, hostRate: Int, block: Int) -> Bool {
        let perBlock = (block * modelRate + hostRate - 1) / hostRate + 1
        return hop >= 2 * perBlock
    }
}

/// When the frame queue applies: every model's hop spans at least as many host blocks as there
/// are models (each block's one turn then serves them all), and there are at least two.
public enum FrameQueue {
    public static func applies(hops: [(hop: Int, modelRate: Int)], hostRate: Int, block: Int) -> Bool {
        hops.count >= 2 && hops.allSatisfy { m in
            let perBlock = (block * m.modelRate + hostRate - 1) / hostRate + 1
            return m.hop >= hops.count * perBlock
        }
    }
}

/// A neural detector behind its hop adapter, reporting detections as events in host frames.
///
/// Split frames (optional): a hop's front end runs in the block that completes the hop and its
/// network in the next block, so no block carries both. Only when hops are at least two blocks
/// apart (otherwise every block would carry both anyway); it adds one block to the latency and
/// changes no event (positions come from the hop count, not from the block that reports them).
///
/// Frame queue (whole frames, several models): a block computes at most one model frame. A hop
/// that finds the block's turn taken keeps a copy of its samples and computes in a later block,
/// after at most `maxWait` blocks (then whether or not the turn is free). Two models' hops that
/// fall in one block no longer add up; the latency grows by `maxWait` blocks and no event changes.
struct ModelNode {
    let adapter: HopAdapter
    let detector: NeuralDetector
    let split: Bool
    /// The host block size the split and the queue are planned for.
    let block: Int
    /// [0]: a frame whose front end ran and whose network has not (split frames only).
    let pending: UnsafeMutablePointer<Bool>
    /// Blocks a queued hop may wait (0: no queue).
    let maxWait: Int
    /// The waiting hop's samples (frame queue only).
    let queued: UnsafeMutablePointer<Float>
    /// [0] 1 while a hop waits, [1] blocks it has waited after the one it completed in.
    let wait: UnsafeMutablePointer<Int>

    /// `stagger` = (i, n): the i-th of n model processors in the chain starts its hop grid
    /// i/n of a hop early, so that their hops fall in different host blocks.
    init(detector: NeuralDetector, hostRate: Int, maxBlock: Int, stagger: (index: Int, count: Int) = (0, 1),
         block: Int? = nil, splitFrames: Bool = false, maxWait: Int = 0) {
        self.detector = detector
        self.block = block ?? maxBlock
        adapter = HopAdapter(hostRate: hostRate, processorRate: detector.sampleRate,
                             hop: detector.hopSize, maxBlock: maxBlock, phase: detector.hopSize * stagger.index / max(1, stagger.count))
        split = splitFrames && FrameSplit.applies(hop: detector.hopSize, modelRate: detector.sampleRate,
                                                  hostRate: hostRate, block: self.block)
        self.maxWait = split ? 0 : max(0, maxWait)
        pending = .allocate(capacity: 1)
        pending.initialize(to: false)
        queued = RawBuffer.floats(detector.hopSize)
        wait = .allocate(capacity: 2)
        wait.initialize(repeating: 0, count: 2)
    }

    func deallocate() { adapter.deallocate(); detector.deallocate(); pending.deallocate(); queued.deallocate(); wait.deallocate() }
    func reset() { adapter.reset(); detector.reset(); pending.pointee = false; wait[0] = 0; wait[1] = 0 }

    var maxReportDelay: Int { adapter.hostDelay(ofProcessorSamples: detector.maxReportDelay) + (split ? block : 0) + maxWait * block }

    /// A hop queued in an earlier block: computes if the block's turn is free or this is the
    /// `maxWait`-th block after the one it completed in (the latency covers that many), else waits
    /// one more. Called for every model before any `run` of the block.
    @_noLocks @_noAllocation
    func runQueued(turns: UnsafeMutablePointer<Int>, chainStart: Int64, sink: EventSink, publish: Bool, bypass: Bool) {
        guard wait[0] != 0 else { return }
        if bypass {
            wait[0] = 0
            emit(detector.skip(), chainStart: chainStart, sink: sink, publish: publish)
        } else if turns.pointee > 0 || wait[1] + 1 >= maxWait {   // never later than maxWait blocks (the latency)
            turns.pointee -= 1
            computeQueued(chainStart: chainStart, sink: sink, publish: publish)
        } else {
            wait[1] += 1
        }
    }

    @_noLocks @_noAllocation
    func computeQueued(chainStart: Int64, sink: EventSink, publish: Bool) {
        wait[0] = 0
        detector.begin(hop: queued)
        emit(detector.complete(), chainStart: chainStart, sink: sink, publish: publish)
    }

    @_noLocks @_noAllocation
    func run(_ input: UnsafePointer<Float>, frames: Int, chainStart: Int64, sink: EventSink, publish: Bool, bypass: Bool,
             turns: UnsafeMutablePointer<Int>) {
        if pending.pointee {
            pending.pointee = false
            emit(bypass ? detector.skip() : detector.complete(), chainStart: chainStart, sink: sink, publish: publish)
        }
        let available = adapter.convert(input, frames: frames)
        var cursor = 0
        while adapter.nextHop(cursor: &cursor, available: available) {
            if bypass {   // late: no front end, no network, but the detector's clock moves on
                if wait[0] != 0 { wait[0] = 0; emit(detector.skip(), chainStart: chainStart, sink: sink, publish: publish) }
                emit(detector.skip(), chainStart: chainStart, sink: sink, publish: publish)
                continue
            }
            if pending.pointee {   // a second hop in this block: finish the first now
                pending.pointee = false
                emit(detector.complete(), chainStart: chainStart, sink: sink, publish: publish)
            }
            if maxWait > 0 {
                // A newer hop while one still waits: the older one computes now, in order.
                if wait[0] != 0 { turns.pointee -= 1; computeQueued(chainStart: chainStart, sink: sink, publish: publish) }
                if turns.pointee <= 0 {
                    for i in 0..<adapter.hop { queued[i] = adapter.hopBuffer[i] }
                    wait[0] = 1
                    wait[1] = 0
                    continue
                }
                turns.pointee -= 1
            }
            detector.begin(hop: adapter.hopBuffer)
            if split {
                pending.pointee = true
            } else {
                emit(detector.complete(), chainStart: chainStart, sink: sink, publish: publish)
            }
        }
    }
    /// Emits the detector's `found` detections as events in host frames.
    @_noLocks @_noAllocation
    func emit(_ found: Int, chainStart: Int64, sink: EventSink, publish: Bool) {
        for i in 0..<found {
            let d = detector.detections[i]
            if !d.strength.isFinite || !d.value.isFinite { continue }
            sink.emit(Event(kind: d.kind, label: d.label, frame: chainStart + adapter.hostFrame(ofProcessorSample: d.position),
                            strength: d.strength, value: d.value), publish: publish)
        }
    }
}
