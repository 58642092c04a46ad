// Unit outputs on validation data, for the activation and MI criteria, computed by the runtime
// itself: the requested values are added as graph outputs, the model is built and run frame by
// frame over each sequence. Using the runtime (not the training code) means the scores describe
// exactly the model that will be deployed, and the frame order (hence target alignment) is ours.

import WhittleNN

/// Input and target tensors of one batch of sequences: [B, T] + per-frame shape.
public struct SequenceBatch: Sendable {
    public var inputs: [String: TensorData]
    public var targets: [String: TensorData]
    public init(inputs: [String: TensorData], targets: [String: TensorData]) { self.inputs = inputs; self.targets = targets }
}

public struct ActivationRecord: Sendable {
    /// Value name → frames × channels (rank-2 values averaged over rows, i.e. frequency).
    public var values: [String: [[Float]]]
    /// Value name → the target frame (first graph output's target) aligned with each recorded frame.
    public var targets: [String: [[Float]]]
}

public enum UnitActivations {
    public static func record(_ model: ModelFile, values names: [String], batches: [SequenceBatch],
                              maxFrames: Int = 4000) throws -> ActivationRecord {
        var graph = model.graph
        for name in names where !graph.outputs.contains(name) { graph.outputs.append(name) }
        let runtime = try ModelFile(graph: graph, tensors: model.tensors, metadata: model.metadata).build()
        let head = model.graph.outputs[0]
        guard let headPort = runtime.output(head) else { throw TrimError("output '\(head)' missing") }
        let ports = try names.map { name -> Port in
            guard let p = runtime.output(name) else { throw TrimError("value '\(name)' missing") }
            return p
        }
        var values = [String: [[Float]]](), targets = [String: [[Float]]]()
        var frames = 0
        outer: for batch in batches {
            guard let first = batch.inputs[runtime.inputs[0].name], first.shape.count >= 2 else {
                throw TrimError("batch has no input '\(runtime.inputs[0].name)' shaped [B, T, ...]")
            }
            let (b, t) = (first.shape[0], first.shape[1])
            let target = batch.targets[head]
            for s in 0..<b {
                runtime.reset()
                for f in 0..<t {
                    for port in runtime.inputs {
                        guard let x = batch.inputs[port.name], x.values.count == b * t * port.count else {
                            throw TrimError("batch input '\(port.name)' does not match the model's frame of \(port.count)")
                        }
                        let base = (s * t + f) * port.count
                        for i in 0..<port.count { port.buffer[i] = x.values[base + i] }
                    }
                    runtime.process()
                    for port in ports where runtime.produced(port) {
                        let channels = port.shape.last ?? 1, rows = port.count / channels
                        var frame = [Float](repeating: 0, count: channels)
                        for r in 0..<rows { for c in 0..<channels { frame[c] += port.buffer[r * channels + c] } }
                        if rows > 1 { for c in 0..<channels { frame[c] /= Float(rows) } }
                        values[port.name, default: []].append(frame)
                        if let target, target.shape.count >= 2 {
                            let tOut = target.shape[1], size = target.values.count / max(1, b * tOut)
                            let k = min(f / headPort.period, tOut - 1), base = (s * tOut + k) * size
                            targets[port.name, default: []].append(Array(target.values[base..<base + size]))
                        }
                    }
                    frames += 1
                    if frames >= maxFrames { break outer }
                }
            }
        }
        return ActivationRecord(values: values, targets: targets)
    }
}
