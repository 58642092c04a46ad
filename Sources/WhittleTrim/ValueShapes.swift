// Per-frame shapes and periods of every value in a graph (channels last, as the runtime sees them),
// inferred from the graph alone so that trimming, MAC counting and the unit graph agree with the
// loader without building a Model. Only what trimming needs is checked; build() validates the rest.

import WhittleNN

/// One value's frame: `shape` ([channels] or [rows, channels]) produced every `period` model frames.
public struct ValueShape: Sendable, Equatable {
    public var shape: [Int]
    public var period: Int
    public var count: Int { shape.reduce(1, *) }
    public var channels: Int { shape.last ?? 1 }
    public var rows: Int { count / max(channels, 1) }
}

public struct TrimError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension GraphNode {
    func int(_ key: String, default fallback: Int? = nil) throws -> Int {
        if let v = attributes[key]?.intValue { return v }
        if let fallback { return fallback }
        throw TrimError("node '\(name)' (\(op)): missing integer attribute '\(key)'")
    }

    /// A 2-D attribute such as conv2d's kernel [time, frequency]; one integer means both axes.
    func pair(_ key: String, default fallback: (Int, Int)) throws -> (Int, Int) {
        guard let raw = attributes[key] else { return fallback }
        guard let values = raw.intArray else { throw TrimError("node '\(name)' (\(op)): attribute '\(key)' is not an integer or pair") }
        return values.count == 2 ? (values[0], values[1]) : (values[0], values[0])
    }

    /// Gate blocks of a recurrent node (GRU r,z,n; LSTM i,f,g,o).
    var gates: Int { op == "gru" ? 3 : 4 }
}

public enum ValueShapes {
    /// Ops that keep a value's layout (channel i in is channel i out).
    static let elementwise: Set<String> = ["batchnorm", "layernorm", "relu", "elu", "tanh", "sigmoid", "softplus",
                                           "softmax", "scaled_sigmoid", "exp_sigmoid", "linear", "identity"]

    public static func infer(_ graph: ModelGraph) throws -> [String: ValueShape] {
        var values: [String: ValueShape] = [:]
        for input in graph.inputs { values[input.name] = ValueShape(shape: input.shape, period: 1) }
        for node in graph.nodes {
            let ins = try node.inputs.map { name -> ValueShape in
                guard let v = values[name] else { throw TrimError("node '\(node.name)': unknown input '\(name)'") }
                return v
            }
            values[node.name] = try shape(of: node, inputs: ins)
        }
        return values
    }

    static func shape(of node: GraphNode, inputs: [ValueShape]) throws -> ValueShape {
        let x = inputs[0]
        switch node.op {
        case "dense":
            return ValueShape(shape: [try node.int("units")], period: x.period)
        case "conv1d":
            return ValueShape(shape: [try node.int("channels")], period: x.period * (try node.int("stride", default: 1)))
        case "conv2d":
            let (_, kf) = try node.pair("kernel", default: (1, 1))
            let (_, df) = try node.pair("dilation", default: (1, 1))
            let (st, sf) = try node.pair("stride", default: (1, 1))
            let padding = try node.int("padding", default: 0)
            let f = Conv2D.outFrequencies(frequencies: x.shape.first ?? 1, kernelFreq: kf, dilationFreq: df,
                                          freqStride: sf, freqPadding: padding)
            return ValueShape(shape: [f, try node.int("channels")], period: x.period * st)
        case "conv_transpose1d":
            return ValueShape(shape: [try node.int("stride"), try node.int("channels")], period: x.period)
        case "gru", "lstm":
            return ValueShape(shape: [try node.int("hidden")], period: x.period)
        case "maxpool_freq", "avgpool_freq":
            let k = try node.int("kernel"), stride = try node.int("stride", default: k)
            let f = FrequencyPool.outFrequencies(frequencies: x.shape.first ?? 1, kernel: k, stride: stride)
            return ValueShape(shape: [f, x.channels], period: x.period)
        case "concat":
            let width = inputs.reduce(0) { $0 + $1.channels }
            return ValueShape(shape: x.shape.dropLast() + [width], period: x.period)
        case "flatten":
            return ValueShape(shape: [x.count], period: x.period)
        case "add":
            return x
        case let op where elementwise.contains(op):
            return x
        default:
            throw TrimError("node '\(node.name)': op '\(node.op)' is not known to trimming")
        }
    }
}
