// A ModelGraph compiled to training ops: shapes and rates checked as the runtime loader checks
// them, forward over whole sequences, backward in reverse node order (gradients of values with
// several consumers are summed).

public final class TrainGraph: @unchecked Sendable {
    public let graph: ModelGraph
    let ops: [TrainOp]
    /// Per-frame shape and period (model frames per frame) of every value.
    public let frames: [String: [Int]]
    public let periods: [String: Int]
    /// Every tensor the graph uses, by full name.
    public let tensorShapes: [String: [Int]]

    /// `has(name)` says whether an optional tensor (a bias, a norm's affine) exists.
    public init(_ graph: ModelGraph, has: (String) -> Bool) throws {
        self.graph = graph
        var frames: [String: [Int]] = [:], periods: [String: Int] = [:], tensorShapes: [String: [Int]] = [:]
        for input in graph.inputs {
            guard (1...2).contains(input.shape.count), input.shape.allSatisfy({ $0 >= 1 }) else {
                throw TrainError("graph input '\(input.name)': shape \(input.shape) must be [channels] or [frequency, channels]")
            }
            guard frames[input.name] == nil else { throw TrainError("graph: duplicate input '\(input.name)'") }
            frames[input.name] = input.shape
            periods[input.name] = 1
        }
        var ops: [TrainOp] = []
        for node in graph.nodes {
            let a = NodeAttributes(node: node)
            guard frames[node.name] == nil else { throw TrainError("\(a.context): name already used by another value") }
            guard !node.inputs.isEmpty else { throw TrainError("\(a.context): needs inputs") }
            let shapes = try node.inputs.map { name -> [Int] in
                guard let s = frames[name] else { throw TrainError("\(a.context): unknown input '\(name)'") }
                return s
            }
            let rates = node.inputs.map { periods[$0]! }
            guard Set(rates).count == 1 else { throw TrainError("\(a.context): inputs run at different rates \(rates)") }
            if !["add", "concat"].contains(node.op), node.inputs.count != 1 {
                throw TrainError("\(a.context): expects 1 input, got \(node.inputs.count)")
            }
            let op = try TrainGraph.makeOp(a, shapes, has: has)
            for (suffix, shape) in op.tensorShapes { tensorShapes["\(node.name).\(suffix)"] = shape }
            frames[node.name] = op.outputFrame
            periods[node.name] = rates[0] * op.timeStride
            ops.append(op)
        }
        for output in graph.outputs where frames[output] == nil {
            throw TrainError("graph: output '\(output)' is not a value of the graph")
        }
        self.ops = ops
        self.frames = frames
        self.periods = periods
        self.tensorShapes = tensorShapes
    }

    /// A graph for a model file's tensors.
    public convenience init(_ model: ModelFile) throws {
        try self.init(model.graph, has: { model.tensors[$0] != nil })
        for (name, shape) in tensorShapes {
            guard let t = model.tensors[name] else { throw TrainError("tensor '\(name)' is missing (shape \(shape))") }
            guard t.shape == shape else { throw TrainError("tensor '\(name)': shape \(t.shape) does not match the graph (expected \(shape))") }
        }
        if let extra = model.tensors.keys.sorted().first(where: { tensorShapes[$0] == nil }) {
            throw TrainError("tensor '\(extra)' is not used by the graph")
        }
    }

    static func makeOp(_ a: NodeAttributes, _ shapes: [[Int]], has: (String) -> Bool) throws -> TrainOp {
        let x = shapes[0]
        switch a.node.op {
        case "dense": return try DenseOp(a, input: x, has: has)
        case "conv1d": return try Conv1DOp(a, input: x, has: has)
        case "conv2d": return try Conv2DOp(a, input: x, has: has)
        case "conv_transpose1d": return try ConvTranspose1DOp(a, input: x, has: has)
        case "gru": return try GRUOp(a, input: x, has: has)
        case "lstm": return try LSTMOp(a, input: x, has: has)
        case "batchnorm": return try BatchNormOp(a, input: x, has: has)
        case "layernorm": return try LayerNormOp(a, input: x, has: has)
        case "maxpool_freq", "avgpool_freq": return try PoolOp(a, input: x)
        case "add": return try AddOp(a, inputs: shapes)
        case "concat": return try ConcatOp(a, inputs: shapes)
        case "flatten": return FlattenOp(a, input: x)
        case let op where Activation.opNames.contains(op): return try ActivationOp(a, input: x)
        default: throw TrainError("\(a.context): unknown op")
        }
    }

    /// Names of trained tensors (BatchNorm running statistics are updated, not trained), sorted.
    public var trainableNames: [String] {
        tensorShapes.keys.filter { !TrainGraph.isStatistic($0) }.sorted()
    }

    static func isStatistic(_ name: String) -> Bool { name.hasSuffix(".running_mean") || name.hasSuffix(".running_var") }

    /// Runs every node over the sequences; returns every value (inputs included).
    public func forward(_ inputs: [String: Seq], _ p: Parameters, training: Bool) throws -> [String: Seq] {
        var values: [String: Seq] = [:]
        var batch: Int?, time: Int?
        for input in graph.inputs {
            guard let x = inputs[input.name] else { throw TrainError("batch has no input '\(input.name)'") }
            guard x.frame == input.shape || x.frameSize == input.shape.reduce(1, *) && x.frame.count == 1 && input.shape.count == 1 else {
                throw TrainError("batch input '\(input.name)': frame \(x.frame) does not match the graph's \(input.shape)")
            }
            if (batch ?? x.batch) != x.batch || (time ?? x.time) != x.time { throw TrainError("batch inputs differ in batch size or length") }
            batch = x.batch; time = x.time
            var v = x; v.frame = input.shape
            values[input.name] = v
        }
        for (node, op) in zip(graph.nodes, ops) {
            values[node.name] = op.forward(node.inputs.map { values[$0]! }, p, training: training)
        }
        return values
    }

    /// Backward from gradients of some values (usually the outputs); returns parameter gradients
    /// (every trainable tensor, zeros where unreached) and gradients of the graph inputs.
    public func backward(_ seeds: [String: Seq], _ p: Parameters) -> (parameters: Parameters, inputs: [String: Seq]) {
        var g: Parameters = [:]
        for name in trainableNames { g[name] = [Float](repeating: 0, count: tensorShapes[name]!.reduce(1, *)) }
        var grads = seeds
        for (node, op) in zip(graph.nodes, ops).reversed() {
            guard let dy = grads.removeValue(forKey: node.name) else { continue }
            let dxs = op.backward(dy, p, &g)
            for (name, dx) in zip(node.inputs, dxs) {
                var d = dx
                d.frame = frames[name]!
                if grads[name] == nil { grads[name] = d } else { accumulate(&grads[name]!.data, d.data) }
            }
        }
        var inputs: [String: Seq] = [:]
        for input in graph.inputs { inputs[input.name] = grads[input.name] }
        return (g, inputs)
    }

    /// BatchNorm batch statistics of the last training forward: "<node>.running_mean"/"running_var" → batch values.
    func batchStatistics() -> Parameters {
        var result: Parameters = [:]
        for case let bn as BatchNormOp in ops {
            guard let s = bn.batchStatistics else { continue }
            result["\(bn.name).running_mean"] = s.mean
            result["\(bn.name).running_var"] = s.variance
        }
        return result
    }

    func momentum(of statistic: String) -> Float {
        for case let bn as BatchNormOp in ops where statistic.hasPrefix(bn.name + ".") { return bn.momentum }
        return 0.1
    }
}
