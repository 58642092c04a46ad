// Fresh weights like torch's defaults: weights and biases U(±1/√fan_in) with fan_in = size(1)·kernel
// (kaiming_uniform with a = √5), recurrent tensors U(±1/√hidden), norms γ = 1, β = 0, running
// statistics 0 and 1. A node's `"bias_init": b` starts its bias at b instead: an output layer whose
// targets are mostly zero (360 pitch bins) then starts at its prior, not at 0.5 everywhere.

/// A model file with freshly initialised tensors for `graph` (every optional tensor created).
public func initialize(_ graph: ModelGraph, seed: UInt64) throws -> ModelFile {
    let compiled = try TrainGraph(graph, has: { _ in true })
    var random = TrainRandom(seed: seed)
    var tensors: [String: TensorData] = [:]
    let ops = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.name, $0.op) })
    var biasInit: [String: Float] = [:]
    for n in graph.nodes { if case .number(let b)? = n.attributes["bias_init"] { biasInit[n.name] = Float(b) } }
    for name in compiled.tensorShapes.keys.sorted() {
        let shape = compiled.tensorShapes[name]!
        let dot = name.lastIndex(of: ".")!
        let node = String(name[..<dot]), suffix = String(name[name.index(after: dot)...])
        let count = shape.reduce(1, *)
        let op = ops[node] ?? ""
        var values = [Float](repeating: 0, count: count)
        switch (op, suffix) {
        case (_, "bias") where biasInit[node] != nil:
            values = [Float](repeating: biasInit[node]!, count: count)
        case ("batchnorm", "running_var"), ("batchnorm", "weight"), ("layernorm", "weight"):
            values = [Float](repeating: 1, count: count)
        case ("batchnorm", _), ("layernorm", _):
            break
        case ("gru", _), ("lstm", _):
            let hidden = compiled.frames[node]!.last!
            let bound = 1 / Float(hidden).squareRoot()
            for i in 0..<count { values[i] = random.uniform(-bound, bound) }
        default:
            let weight = compiled.tensorShapes["\(node).weight"] ?? shape
            let fanIn = weight.count >= 2 ? weight.dropFirst().reduce(1, *) : weight[0]
            let bound = 1 / Float(max(fanIn, 1)).squareRoot()
            for i in 0..<count { values[i] = random.uniform(-bound, bound) }
        }
        tensors[name] = TensorData(shape: shape, values: values)
    }
    return ModelFile(graph: graph, tensors: tensors, metadata: [:])
}
