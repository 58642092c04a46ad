// Per-unit outputs of every node on validation data, for the trimming criteria (activation, MI).

/// Node name → [frames][units] (units = last axis; 2-D frames averaged over frequency), at most
/// `maxFrames` frames per node, sequences taken in order.
public func unitActivations(_ model: ModelFile, on task: TrainingTask, maxFrames: Int) throws -> [String: [[Float]]] {
    let graph = try TrainGraph(model)
    let p = model.tensors.mapValues(\.values)
    var result: [String: [[Float]]] = [:]
    for batch in try task.validationBatches() {
        let values = try graph.forward(batch.inputs.mapValues(Seq.init), p, training: false)
        for node in model.graph.nodes {
            let v = values[node.name]!
            let units = v.channels, rows = v.frameSize / units
            var collected = result[node.name] ?? []
            for r in 0..<v.rows where collected.count < maxFrames {
                var frame = [Float](repeating: 0, count: units)
                for f in 0..<rows { for c in 0..<units { frame[c] += v.data[(r * rows + f) * units + c] / Float(rows) } }
                collected.append(frame)
            }
            result[node.name] = collected
        }
        if result.values.allSatisfy({ $0.count >= maxFrames }) { break }
    }
    return result
}
