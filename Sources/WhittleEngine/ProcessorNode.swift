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
            if bypass { continue }
            var strength: Float = 0
            let position = detector.process(hop: adapter.hopBuffer, strength: &strength)
            if position < 0 || !strength.isFinite { continue }
            sink.emit(Event(kind: .onset, frame: chainStart + adapter.hostFrame(ofProcessorSample: position),
                            strength: strength), publish: publish)
        }
    }
}

/// A neural detector behind its hop adapter, reporting detections as events in host frames.
struct ModelNode {
    let adapter: HopAdapter
    let detector: NeuralDetector

    /// `stagger` = (i, n): the i-th of n model processors in the chain starts its hop grid
    /// i/n of a hop early, so that their hops fall in different host blocks.
    init(detector: NeuralDetector, hostRate: Int, maxBlock: Int, stagger: (index: Int, count: Int) = (0, 1)) {
        self.detector = detector
        adapter = HopAdapter(hostRate: hostRate, processorRate: detector.sampleRate,
                             hop: detector.hopSize, maxBlock: maxBlock, phase: detector.hopSize * stagger.index / max(1, stagger.count))
    }

    func deallocate() { adapter.deallocate(); detector.deallocate() }
    func reset() { adapter.reset(); detector.reset() }

    var maxReportDelay: Int { adapter.hostDelay(ofProcessorSamples: detector.maxReportDelay) }

    @_noLocks @_noAllocation
    func run(_ input: UnsafePointer<Float>, frames: Int, chainStart: Int64, sink: EventSink, publish: Bool, bypass: Bool) {
        let available = adapter.convert(input, frames: frames)
        var cursor = 0
        while adapter.nextHop(cursor: &cursor, available: available) {
            if bypass { continue }
            let found = detector.process(hop: adapter.hopBuffer)
            for i in 0..<found {
                let d = detector.detections[i]
                if !d.strength.isFinite || !d.value.isFinite { continue }
                sink.emit(Event(kind: d.kind, label: d.label, frame: chainStart + adapter.hostFrame(ofProcessorSample: d.position),
                                strength: d.strength, value: d.value), publish: publish)
            }
        }
    }
}
