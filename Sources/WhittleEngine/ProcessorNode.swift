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

/// A neural detector behind its hop adapter, reporting detections as events in host frames.
///
/// Split frames (optional): a hop's front end runs in the block that completes the hop and its
/// network in the next block, so no block carries both. Only when hops are at least two blocks
/// apart (otherwise every block would carry both anyway); it adds one block to the latency and
/// changes no event (positions come from the hop count, not from the block that reports them).
struct ModelNode {
    let adapter: HopAdapter
    let detector: NeuralDetector
    let split: Bool
    /// The host block size the split is planned for (its extra latency is one such block).
    let block: Int
    /// [0]: a frame whose front end ran and whose network has not (split frames only).
    let pending: UnsafeMutablePointer<Bool>

    /// `stagger` = (i, n): the i-th of n model processors in the chain starts its hop grid
    /// i/n of a hop early, so that their hops fall in different host blocks.
    init(detector: NeuralDetector, hostRate: Int, maxBlock: Int, stagger: (index: Int, count: Int) = (0, 1),
         block: Int? = nil, splitFrames: Bool = false) {
        self.detector = detector
        self.block = block ?? maxBlock
        adapter = HopAdapter(hostRate: hostRate, processorRate: detector.sampleRate,
                             hop: detector.hopSize, maxBlock: maxBlock, phase: detector.hopSize * stagger.index / max(1, stagger.count))
        split = splitFrames && FrameSplit.applies(hop: detector.hopSize, modelRate: detector.sampleRate,
                                                  hostRate: hostRate, block: self.block)
        pending = .allocate(capacity: 1)
        pending.initialize(to: false)
    }

    func deallocate() { adapter.deallocate(); detector.deallocate(); pending.deallocate() }
    func reset() { adapter.reset(); detector.reset(); pending.pointee = false }

    var maxReportDelay: Int { adapter.hostDelay(ofProcessorSamples: detector.maxReportDelay) + (split ? block : 0) }

    @_noLocks @_noAllocation
    func run(_ input: UnsafePointer<Float>, frames: Int, chainStart: Int64, sink: EventSink, publish: Bool, bypass: Bool) {
        if pending.pointee {
            pending.pointee = false
            emit(bypass ? detector.skip() : detector.complete(), chainStart: chainStart, sink: sink, publish: publish)
        }
        let available = adapter.convert(input, frames: frames)
        var cursor = 0
        while adapter.nextHop(cursor: &cursor, available: available) {
            if bypass {   // late: no front end, no network, but the detector's clock moves on
                emit(detector.skip(), chainStart: chainStart, sink: sink, publish: publish)
                continue
            }
            if pending.pointee {   // a second hop in this block: finish the first now
                pending.pointee = false
                emit(detector.complete(), chainStart: chainStart, sink: sink, publish: publish)
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
