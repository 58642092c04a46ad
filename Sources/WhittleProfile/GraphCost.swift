// What each layer of a model costs in the terms the device profile is fitted in: per layer,
// its cost type, multiply-accumulates as the kernels execute them (outputs padded to the SIMD8
// lanes PackedMatrix computes) and bytes touched (weights read, activations gathered, read and
// written). Shapes are inferred from the graph the way WhittleNN's builder does.

import WhittleNN

/// One layer's work per run.
public struct LayerWork: Codable, Sendable, Equatable {
    public var node: String
    /// Cost type: "dense", "conv1d", "conv2d", "conv_transpose1d", "gru", "lstm", "pool", "norm",
    /// "elementwise", "activation" (cheap: relu, identity), "activation_exp" (tanh, sigmoid, ...).
    public var type: String
    public var macs: Double
    public var bytes: Double
    /// Short scalar loop iterations: conv2d's gathers (per output frequency and kernel tap) and
    /// kernel calls, pooling's (output frequency, tap) pairs, dilated conv1d's tap gathers.
    public var steps: Double
    /// Runs once every `period` model frames (time strides upstream).
    public var period: Int
    /// The layer's own multiply-accumulates (no SIMD padding), for reports.
    public var trueMacs: Double
    /// Bytes of weights (as packed): what a frame re-reads from memory when the caches went cold.
    public var weightBytes: Double
}

public enum GraphCost {
    /// Per-layer work of a model's forward pass, in execution order. Throws on graphs the
    /// runtime would reject in ways that make shapes unknowable.
    public static func layers(of graph: ModelGraph) throws -> [LayerWork] {
        var values: [String: (shape: [Int], period: Int)] = [:]
        for input in graph.inputs { values[input.name] = (input.shape, 1) }
        var consumers: [String: Int] = [:]
        for node in graph.nodes { for i in node.inputs { consumers[i, default: 0] += 1 } }
        var work: [LayerWork] = []
        var foldable: Set<String> = []   // batchnorms the builder folds into the layer before
        for node in graph.nodes {
            let ins = try node.inputs.map { name -> (shape: [Int], period: Int) in
                guard let v = values[name] else { throw ProfileError.badInput("graph node '\(node.name)': unknown input '\(name)'") }
                return v
            }
            let x = ins[0]
            let count = x.shape.reduce(1, *), channels = x.shape.last ?? 1
            var out = x
            func add(_ type: String, _ macs: Double, _ bytes: Double, steps: Double = 0, period: Int? = nil, trueMacs: Double? = nil,
                     weights: Double = 0) {
                work.append(LayerWork(node: node.name, type: type, macs: macs, bytes: bytes, steps: steps, period: period ?? x.period,
                                      trueMacs: trueMacs ?? macs, weightBytes: weights))
            }
            func activation(_ elements: Int, period: Int) {
                guard let name = node.activationName, !["linear", "identity"].contains(name) else { return }
                add(name == "relu" ? "activation" : "activation_exp", Double(elements), 8 * Double(elements), period: period)
            }
            let noActivation = node.activationName.map { ["linear", "identity"].contains($0) } ?? true
            func markFold() { if noActivation && consumers[node.name] == 1 { foldable.insert(node.name) } }
            switch node.op {
            case "dense":
                let units = try node.int("units")
                let padded = Double(pad8(units))
                add("dense", padded * Double(count), 4 * (padded * Double(count) + Double(count + units)), trueMacs: Double(units * count),
                    weights: 4 * padded * Double(count + 1))
                activation(units, period: x.period)
                out = ([units], x.period)
                markFold()
            case "conv1d":
                let cout = try node.int("channels"), k = try node.int("kernel")
                let stride = node.intOr("stride", 1), dilation = node.intOr("dilation", 1)
                let inner = Double(k * channels), padded = Double(pad8(cout))
                add("conv1d", padded * inner, 4 * (padded * inner + inner + Double(channels + cout)),
                    steps: dilation > 1 ? Double(k) : 0, period: x.period * stride, trueMacs: Double(cout) * inner,
                    weights: 4 * padded * (inner + 1))
                activation(cout, period: x.period * stride)
                out = ([cout], x.period * stride)
                markFold()
            case "conv2d":
                guard x.shape.count == 2 else { throw ProfileError.badInput("graph node '\(node.name)': conv2d needs a [frequency, channels] input") }
                let frequencies = x.shape[0], cout = try node.int("channels")
                let (kt, kf) = try node.pair("kernel")
                let (_, df) = node.pairOr("dilation", (1, 1))
                let (st, sf) = node.pairOr("stride", (1, 1))
                let padding = node.intOr("padding", 0)
                let outF = (frequencies + 2 * padding - df * (kf - 1) - 1) / sf + 1
                guard outF >= 1 else { throw ProfileError.badInput("graph node '\(node.name)': kernel does not fit the input") }
                let inner = Double(kt * kf * channels), padded = Double(pad8(cout))
                let gathered = Double(outF) * inner
                add("conv2d", Double(outF) * padded * inner,
                    4 * (gathered + padded * inner + Double(frequencies * channels + outF * cout)),
                    steps: Double(outF * (kt * kf + 1)), period: x.period * st, trueMacs: Double(outF * cout) * inner,
                    weights: 4 * padded * (inner + 1))
                activation(outF * cout, period: x.period * st)
                out = ([outF, cout], x.period * st)
                markFold()
            case "conv_transpose1d":
                let cout = try node.int("channels"), k = try node.int("kernel"), stride = try node.int("stride")
                let macs = Double(channels * cout * k)
                add("conv_transpose1d", macs, 4 * (macs + Double(channels + k * cout)), weights: 4 * macs)
                activation(stride * cout, period: x.period)
                out = ([stride, cout], x.period)
            case "gru", "lstm":
                let h = try node.int("hidden"), gates = node.op == "gru" ? 3 : 4
                let padded = Double(pad8(gates * h))
                add(node.op, padded * Double(count + h), 4 * (padded * Double(count + h) + Double(count + 4 * h)),
                    trueMacs: Double(gates * h * (count + h)), weights: 4 * padded * Double(count + h + 2))
                out = ([h], x.period)
            case "batchnorm":
                if let previous = node.inputs.first, foldable.contains(previous) { break }
                add("norm", Double(count), 8 * Double(count))
            case "layernorm":
                add("norm", 3 * Double(count), 12 * Double(count))
            case "maxpool_freq", "avgpool_freq":
                guard x.shape.count == 2 else { throw ProfileError.badInput("graph node '\(node.name)': pooling needs a [frequency, channels] input") }
                let k = try node.int("kernel"), stride = node.intOr("stride", k)
                let outF = (x.shape[0] - k) / stride + 1
                guard outF >= 1 else { throw ProfileError.badInput("graph node '\(node.name)': pool kernel wider than the input") }
                add("pool", Double(outF * k * channels), 4 * Double(outF * (k + 1) * channels), steps: Double(outF * k))
                out = ([outF, channels], x.period)
            case "add":
                add("elementwise", Double(count), 12 * Double(count))
            case "concat":
                let width = ins.reduce(0) { $0 + ($1.shape.last ?? 1) }
                let total = count / max(channels, 1) * width
                add("elementwise", Double(total), 8 * Double(total))
                out = (Array(x.shape.dropLast()) + [width], x.period)
            case "flatten":
                out = ([count], x.period)
            case "relu", "linear", "identity":
                add("activation", Double(count), 8 * Double(count))
            case "elu", "tanh", "sigmoid", "softplus", "softmax", "scaled_sigmoid", "exp_sigmoid":
                add("activation_exp", Double(count), 8 * Double(count))
            default:
                throw ProfileError.badInput("graph node '\(node.name)': unknown op '\(node.op)'")
            }
            values[node.name] = out
        }
        return work
    }

    /// MACs per model frame, averaged over strides (every layer, not only the matrix kernels).
    public static func macsPerFrame(_ layers: [LayerWork], padded: Bool = true) -> Double {
        layers.reduce(0) { $0 + $1.macs / Double(max($1.period, 1)) }
    }

    static func pad8(_ n: Int) -> Int { (n + 7) / 8 * 8 }
}

extension GraphNode {
    var activationName: String? {
        switch attributes["activation"] {
        case .string(let s): return s
        case .object(let o): if case .string(let s) = o["name"] { return s }; return nil
        default: return nil
        }
    }

    func int(_ key: String) throws -> Int {
        guard case .number(let d) = attributes[key], d >= 1, d == d.rounded(), d < 1e9 else {
            throw ProfileError.badInput("graph node '\(name)' (\(op)): attribute '\(key)' must be a positive integer")
        }
        return Int(d)
    }

    func intOr(_ key: String, _ fallback: Int) -> Int { (try? int(key)) ?? fallback }

    func pair(_ key: String) throws -> (Int, Int) {
        if case .array(let items) = attributes[key], items.count == 2,
           case .number(let a) = items[0], case .number(let b) = items[1], a >= 1, b >= 1, a < 1e9, b < 1e9 {
            return (Int(a), Int(b))
        }
        let single = try int(key)
        return (single, single)
    }

    func pairOr(_ key: String, _ fallback: (Int, Int)) -> (Int, Int) { (try? pair(key)) ?? fallback }
}

public enum ProfileError: Error, CustomStringConvertible, Equatable {
    /// Bad usage or input (exit code 2): a model, profile or option that cannot be used.
    case badInput(String)
    /// Something failed while measuring (exit code 1).
    case failed(String)

    public var description: String {
        switch self { case .badInput(let s), .failed(let s): return s }
    }
}
