// Small graphs covering every op trimming must handle, with random weights, and a runner that
// feeds the same random frames to any model built from them.

import WhittleNN
import WhittleTrain
@testable import WhittleTrim

/// Seeded test randomness, uniform in [-1, 1).
struct TestRNG {
    var source: TrainRandom
    init(state: UInt64) { source = TrainRandom(seed: state) }
    mutating func uniform() -> Float { source.uniform(-1, 1) }
}

func node(_ name: String, _ op: String, _ inputs: [String], _ attributes: [String: JSONValue] = [:]) -> GraphNode {
    GraphNode(name: name, op: op, inputs: inputs, attributes: attributes)
}

/// Random tensors of the right shapes for every parametrised node of `graph`.
func randomModel(_ graph: ModelGraph, seed: UInt64 = 1) throws -> ModelFile {
    var rng = TestRNG(state: seed)
    let shapes = try ValueShapes.infer(graph)
    var tensors: [String: TensorData] = [:]
    func add(_ name: String, _ shape: [Int], positive: Bool = false) {
        let n = shape.reduce(1, *)
        tensors[name] = TensorData(shape: shape, values: (0..<n).map { _ in positive ? 0.5 + abs(rng.uniform()) : rng.uniform() * 0.6 })
    }
    for n in graph.nodes {
        let x = shapes[n.inputs[0]]!, y = shapes[n.name]!
        switch n.op {
        case "dense": add("\(n.name).weight", [y.channels, x.count]); add("\(n.name).bias", [y.channels])
        case "conv1d": add("\(n.name).weight", [y.channels, x.channels, n.attributes["kernel"]!.intValue!]); add("\(n.name).bias", [y.channels])
        case "conv2d":
            let k = n.attributes["kernel"]!.intArray!
            add("\(n.name).weight", [y.channels, x.channels, k[0], k.count > 1 ? k[1] : k[0]]); add("\(n.name).bias", [y.channels])
        case "conv_transpose1d": add("\(n.name).weight", [x.channels, y.channels, n.attributes["kernel"]!.intValue!]); add("\(n.name).bias", [y.channels])
        case "gru", "lstm":
            let h = y.channels, g = n.op == "gru" ? 3 : 4
            add("\(n.name).weight_ih", [g * h, x.count]); add("\(n.name).weight_hh", [g * h, h])
            add("\(n.name).bias_ih", [g * h]); add("\(n.name).bias_hh", [g * h])
        case "batchnorm":
            add("\(n.name).weight", [x.channels]); add("\(n.name).bias", [x.channels])
            add("\(n.name).running_mean", [x.channels]); add("\(n.name).running_var", [x.channels], positive: true)
        case "layernorm": add("\(n.name).weight", [x.channels]); add("\(n.name).bias", [x.channels])
        default: break
        }
    }
    return ModelFile(graph: graph, tensors: tensors, metadata: ["sample_rate": "16000", "hop": "160"])
}

/// Every produced output frame of every graph output over `frames` random input frames.
func runOutputs(_ model: ModelFile, frames: Int = 24, seed: UInt64 = 7) throws -> [Float] {
    let runtime = try model.build()
    var rng = TestRNG(state: seed)
    var result: [Float] = []
    for _ in 0..<frames {
        for port in runtime.inputs { for i in 0..<port.count { port.buffer[i] = rng.uniform() } }
        runtime.process()
        for port in runtime.outputs where runtime.produced(port) { for i in 0..<port.count { result.append(port.buffer[i]) } }
    }
    return result
}

enum TestGraphs {
    /// conv2d → BN → maxpool → conv2d → flatten → dense → head: the drum-CNN shape.
    static let cnn = ModelGraph(inputs: [GraphInput(name: "mel", shape: [8, 1])], outputs: ["head"], nodes: [
        node("c1", "conv2d", ["mel"], ["channels": 6, "kernel": [3, 3], "padding": 1]),
        node("bn1", "batchnorm", ["c1"]),
        node("r1", "elu", ["bn1"]),
        node("p1", "maxpool_freq", ["r1"], ["kernel": 2]),
        node("c2", "conv2d", ["p1"], ["channels": 5, "kernel": [2, 3], "padding": 1, "activation": "tanh"]),
        node("flat", "flatten", ["c2"]),
        node("d1", "dense", ["flat"], ["units": 7, "activation": "tanh"]),
        node("head", "dense", ["d1"], ["units": 3, "activation": "sigmoid"]),
    ])

    /// Residual add, concat, GRU and LSTM.
    static let recurrent = ModelGraph(inputs: [GraphInput(name: "x", shape: [4])], outputs: ["head"], nodes: [
        node("a", "conv1d", ["x"], ["channels": 6, "kernel": 3, "activation": "tanh"]),
        node("b", "conv1d", ["x"], ["channels": 6, "kernel": 2]),
        node("sum", "add", ["a", "b"]),
        node("side", "dense", ["x"], ["units": 3, "activation": "tanh"]),
        node("cat", "concat", ["sum", "side"]),
        node("gru", "gru", ["cat"], ["hidden": 5]),
        node("lstm", "lstm", ["gru"], ["hidden": 4]),
        node("head", "dense", ["lstm"], ["units": 2]),
    ])

    /// Transposed convolution feeding a dense layer through its [stride, channels] frame, plus layernorm.
    static let upsampler = ModelGraph(inputs: [GraphInput(name: "z", shape: [3])], outputs: ["head"], nodes: [
        node("d", "dense", ["z"], ["units": 6, "activation": "relu"]),
        node("up", "conv_transpose1d", ["d"], ["channels": 5, "kernel": 4, "stride": 2]),
        node("ln", "layernorm", ["up"]),
        node("e", "elu", ["ln"]),
        node("head", "dense", ["e"], ["units": 2]),
    ])

    /// A residual connection around the graph input freezes the layer added to it.
    static let inputResidual = ModelGraph(inputs: [GraphInput(name: "x", shape: [4])], outputs: ["head"], nodes: [
        node("d", "dense", ["x"], ["units": 4, "activation": "tanh"]),
        node("res", "add", ["x", "d"]),
        node("h", "dense", ["res"], ["units": 5, "activation": "elu"]),
        node("head", "dense", ["h"], ["units": 1]),
    ])

    /// Dense and GRU layers reading a [frequency, channels] frame directly (an implicit flatten), conv_transpose1d into dense.
    static let implicitFlatten = ModelGraph(inputs: [GraphInput(name: "mel", shape: [5, 2])], outputs: ["head"], nodes: [
        node("c", "conv2d", ["mel"], ["channels": 4, "kernel": [1, 3], "padding": 1, "activation": "tanh"]),
        node("d", "dense", ["c"], ["units": 6, "activation": "tanh"]),
        node("up", "conv_transpose1d", ["d"], ["channels": 3, "kernel": 2, "stride": 2, "activation": "tanh"]),
        node("g", "gru", ["up"], ["hidden": 4]),
        node("head", "dense", ["g"], ["units": 1]),
    ])

    static let all: [(String, ModelGraph)] = [("cnn", cnn), ("recurrent", recurrent), ("upsampler", upsampler),
                                              ("inputResidual", inputResidual), ("implicitFlatten", implicitFlatten)]
}

extension JSONValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral {
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}
