import WhittleDSP
import WhittleNN
import WhittleProcessors

/// What the audio thread sees of a chain: plain pointers and numbers.
struct ChainRT {
    let nodes: UnsafeMutablePointer<ProcessorNode>
    let count: Int
    /// Engine frame at which this chain started (set when it is installed).
    var startFrame: Int64
    /// Generator output of this chain for the current block.
    let generated: UnsafeMutablePointer<Float>
    /// [0] model frames this block may still compute (frame queue; see ModelNode).
    let turns: UnsafeMutablePointer<Int>
}

/// Owns a chain's memory in the offline world. Built and freed off the audio thread;
/// the audio thread only ever holds `rt`.
final class Chain {
    let spec: ChainSpec
    let rt: UnsafeMutablePointer<ChainRT>
    /// Host frames the chain needs between an input instant and the events about it.
    let eventLatency: Int
    /// Objects the audio thread reaches without reference counting: kept alive here.
    private let models: [Model]

    /// `block`: the host's usual block size (≤ maxBlock), for split frames.
    init(spec: ChainSpec, sampleRate: Int, maxBlock: Int, block: Int? = nil, splitFrames: Bool = false,
         frameQueue: Bool = true) throws(EngineError) {
        self.spec = spec
        // Load every model first, so a bad file fails before anything is allocated.
        var models: [Model] = []
        var detectors: [NeuralDetector] = []
        for case .model(let path, let overrides) in spec.processors {
            do {
                let model = try Model.load(path: path)
                let detector = try NeuralDetector(model: model, path: path, overrides: overrides)
                model.process()   // warm the model's code paths, then clear its state
                model.reset()
                models.append(model)
                detectors.append(detector)
            } catch let error as DetectorError {
                detectors.forEach { $0.deallocate() }
                throw .badSetting(error.description)
            } catch {
                detectors.forEach { $0.deallocate() }
                throw .badSetting("\(error)")
            }
        }
        self.models = models
        let nodes = UnsafeMutablePointer<ProcessorNode>.allocate(capacity: max(spec.processors.count, 1))
        var latency = 0
        var nextDetector = 0
        // One model frame per block when every model's hops are far enough apart (see FrameQueue).
        let queue = frameQueue && !splitFrames && FrameQueue.applies(hops: detectors.map { ($0.hopSize, $0.sampleRate) },
                                                       hostRate: sampleRate, block: block ?? maxBlock)
        for (i, p) in spec.processors.enumerated() {
            switch p {
            case .model:
                // Staggered hop grids: the i-th of n models computes in other blocks than the rest.
                let node = ModelNode(detector: detectors[nextDetector], hostRate: sampleRate, maxBlock: maxBlock,
                                     stagger: (nextDetector, detectors.count), block: block ?? maxBlock, splitFrames: splitFrames,
                                     maxWait: queue ? detectors.count - 1 : 0)
                nextDetector += 1
                latency = max(latency, node.maxReportDelay)
                nodes.advanced(by: i).initialize(to: .model(node))
            case .flux:
                let node = FluxNode(hostRate: sampleRate, maxBlock: maxBlock)
                latency = max(latency, node.maxReportDelay)
                nodes.advanced(by: i).initialize(to: .flux(node))
            case .click:
                nodes.advanced(by: i).initialize(to: .click(ClickSonifier(sampleRate: Double(sampleRate))))
            case .canary:
                nodes.advanced(by: i).initialize(to: .canary)
            }
        }
        eventLatency = latency
        rt = .allocate(capacity: 1)
        let turns = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        turns.initialize(to: 0)
        rt.initialize(to: ChainRT(nodes: nodes, count: spec.processors.count, startFrame: 0,
                                  generated: RawBuffer.floats(maxBlock), turns: turns))
    }

    func reset() {
        for i in 0..<rt.pointee.count { rt.pointee.nodes[i].reset() }
    }

    deinit {
        for i in 0..<rt.pointee.count { rt.pointee.nodes[i].deallocate() }
        rt.pointee.nodes.deallocate()
        rt.pointee.generated.deallocate()
        rt.pointee.turns.deallocate()
        rt.deallocate()
    }
}
