import WhittleDSP
import WhittleProcessors

/// What the audio thread sees of a chain: plain pointers and numbers.
struct ChainRT {
    let nodes: UnsafeMutablePointer<ProcessorNode>
    let count: Int
    /// Engine frame at which this chain started (set when it is installed).
    var startFrame: Int64
    /// Generator output of this chain for the current block.
    let generated: UnsafeMutablePointer<Float>
}

/// Owns a chain's memory in the offline world. Built and freed off the audio thread;
/// the audio thread only ever holds `rt`.
final class Chain {
    let spec: ChainSpec
    let rt: UnsafeMutablePointer<ChainRT>
    /// Host frames the chain needs between an input instant and the events about it.
    let eventLatency: Int

    init(spec: ChainSpec, sampleRate: Int, maxBlock: Int) {
        self.spec = spec
        let nodes = UnsafeMutablePointer<ProcessorNode>.allocate(capacity: max(spec.processors.count, 1))
        var latency = 0
        for (i, p) in spec.processors.enumerated() {
            switch p {
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
        rt.initialize(to: ChainRT(nodes: nodes, count: spec.processors.count, startFrame: 0,
                                  generated: RawBuffer.floats(maxBlock)))
    }

    func reset() {
        for i in 0..<rt.pointee.count { rt.pointee.nodes[i].reset() }
    }

    deinit {
        for i in 0..<rt.pointee.count { rt.pointee.nodes[i].deallocate() }
        rt.pointee.nodes.deallocate()
        rt.pointee.generated.deallocate()
        rt.deallocate()
    }
}
