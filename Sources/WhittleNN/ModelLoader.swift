// Builds a Model from a safetensors file (offline): parses the graph, checks every tensor's
// shape against it, folds BatchNorm into the layer before it, sizes every buffer and state.
// Errors are one line, prefixed with the file path when loading from disk.

import Foundation

extension Model {
    /// Loads and validates a model file; throws ModelLoadError with a one-line message.
    public static func load(path: String) throws -> Model {
        do {
            return try load(file: SafeTensorsFile.read(path: path))
        } catch let error as ModelLoadError where !error.message.hasPrefix(path) {
            throw ModelLoadError("\(path): \(error.message)")
        }
    }

    public static func load(bytes: [UInt8]) throws -> Model {
        try load(file: SafeTensorsFile.parse(bytes))
    }

    public static func load(file: SafeTensorsFile) throws -> Model {
        guard let graphText = file.metadata["graph"] else { throw ModelLoadError("__metadata__ has no 'graph'") }
        let metadata = try ModelMetadata.parse(file.metadata)
        let graph = try GraphSpec.parse(graphText)
        var builder = ModelBuilder(graph: graph, tensors: file.tensors)
        return try builder.build(metadata: metadata)
    }
}

extension ModelMetadata {
    static func parse(_ raw: [String: String]) throws -> ModelMetadata {
        var result = ModelMetadata(raw: raw)
        result.task = raw["task"]
        if let text = raw["sample_rate"] {
            guard let rate = Double(text), rate.isFinite, rate > 0 else { throw ModelLoadError("metadata 'sample_rate' must be a positive number, got '\(text)'") }
            result.sampleRate = rate
        }
        if let text = raw["hop"] {
            guard let hop = Int(text), hop >= 1 else { throw ModelLoadError("metadata 'hop' must be a positive integer, got '\(text)'") }
            result.hop = hop
        }
        if let text = raw["labels"] {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let labels = object as? [String] else {
                throw ModelLoadError("metadata 'labels' must be a JSON array of strings")
            }
            result.labels = labels
        }
        for key in ["features", "provenance"] {
            guard let text = raw[key] else { continue }
            guard (try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any] else {
                throw ModelLoadError("metadata '\(key)' must be a JSON object")
            }
        }
        result.features = raw["features"]
        result.provenance = raw["provenance"]
        return result
    }
}

/// A value flowing between nodes: one frame of `shape` (channels last), produced every `period` frames.
struct ValueInfo {
    let shape: [Int]
    let period: Int
    let buffer: UnsafeMutablePointer<Float>
    var count: Int { shape.reduce(1, *) }
    var channels: Int { shape.last ?? 1 }
    var rows: Int { count / max(channels, 1) }
}

struct ModelBuilder {
    let graph: GraphSpec
    let tensors: [String: Tensor]
    let arena = Arena()
    var values: [String: ValueInfo] = [:]
    var nodes: [Node] = []
    var usedTensors: Set<String> = []
    /// BatchNorm nodes already folded into their producer.
    var folded: Set<String> = []
    var consumers: [String: Int] = [:]
    var budget = 1 << 26  // floats of buffers and state we agree to allocate

    init(graph: GraphSpec, tensors: [String: Tensor]) {
        self.graph = graph
        self.tensors = tensors
        for node in graph.nodes { for input in node.inputs { consumers[input, default: 0] += 1 } }
        for output in graph.outputs { consumers[output, default: 0] += 1 }
    }

    mutating func build(metadata: ModelMetadata) throws -> Model {
        var inputPorts: [Port] = []
        for input in graph.inputs {
            guard values[input.name] == nil else { throw ModelLoadError("graph: duplicate input '\(input.name)'") }
            let value = try allocate(shape: input.shape, period: 1, context: "graph input '\(input.name)'")
            values[input.name] = value
            inputPorts.append(Port(name: input.name, shape: input.shape, count: value.count, period: 1, buffer: value.buffer))
        }
        for (index, node) in graph.nodes.enumerated() {
            guard values[node.name] == nil else { throw ModelLoadError("\(node.context): name already used by another value") }
            let inputs = try node.inputs.map { name -> ValueInfo in
                guard let value = values[name] else { throw ModelLoadError("\(node.context): unknown input '\(name)' (not a graph input or an earlier node)") }
                return value
            }
            values[node.name] = try add(node, index: index, inputs: inputs)
        }
        var outputPorts: [Port] = []
        for name in graph.outputs {
            guard let value = values[name] else { throw ModelLoadError("graph: output '\(name)' is not a value of the graph") }
            outputPorts.append(Port(name: name, shape: value.shape, count: value.count, period: value.period, buffer: value.buffer))
        }
        if let unused = tensors.keys.sorted().first(where: { !usedTensors.contains($0) }) {
            throw ModelLoadError("tensor '\(unused)' is not used by the graph")
        }
        return Model(nodes: nodes, inputs: inputPorts, outputs: outputPorts, metadata: metadata, arena: arena)
    }

    // MARK: - Buffers and tensors

    mutating func reserve(_ floats: Int, context: String) throws {
        guard floats >= 0, floats <= budget else { throw ModelLoadError("\(context): buffers too large (\(floats) floats)") }
        budget -= floats
    }

    mutating func allocate(shape: [Int], period: Int, context: String) throws -> ValueInfo {
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, d >= 1 else { throw ModelLoadError("\(context): invalid frame shape \(shape)") }
            count = product
        }
        try reserve(count, context: context)
        return ValueInfo(shape: shape, period: period, buffer: arena.floats(count))
    }

    /// A tensor that must exist with exactly `shape`.
    mutating func tensor(_ node: GraphSpec.Node, _ suffix: String, _ shape: [Int]) throws -> [Float] {
        guard let values = try optionalTensor(node, suffix, shape) else {
            throw ModelLoadError("tensor '\(node.name).\(suffix)' is missing (\(node.context) needs shape \(shape))")
        }
        return values
    }

    mutating func optionalTensor(_ node: GraphSpec.Node, _ suffix: String, _ shape: [Int]) throws -> [Float]? {
        let name = "\(node.name).\(suffix)"
        guard let tensor = tensors[name] else { return nil }
        guard tensor.shape == shape else {
            throw ModelLoadError("tensor '\(name)': shape \(tensor.shape) does not match the graph (expected \(shape))")
        }
        usedTensors.insert(name)
        return tensor.values
    }

    func expectInputs(_ node: GraphSpec.Node, _ count: Int) throws {
        guard node.inputs.count == count else {
            throw ModelLoadError("\(node.context): expects \(count) input\(count == 1 ? "" : "s"), got \(node.inputs.count)")
        }
    }

    func expectRank(_ node: GraphSpec.Node, _ value: ValueInfo, _ rank: Int) throws {
        guard value.shape.count == rank else {
            let wanted = rank == 1 ? "[channels]" : "[frequency, channels]"
            throw ModelLoadError("\(node.context): input shape \(value.shape) must be \(wanted)")
        }
    }

    // MARK: - BatchNorm folding

    /// Folds the BatchNorm that is this node's only consumer into `weight`/`bias`, when it can:
    /// the node has no activation of its own and its value is not a graph output.
    /// `channel(i)` maps a weight index to its output channel.
    mutating func foldFollowingBatchNorm(after node: GraphSpec.Node, index: Int, activation: Activation, channels: Int,
                                         weight: inout [Float], bias: inout [Float], channel: (Int) -> Int) throws {
        guard activation == .identity, consumers[node.name] == 1 else { return }
        guard let next = graph.nodes[(index + 1)...].first(where: { $0.inputs.contains(node.name) }),
              next.op == "batchnorm", next.inputs.count == 1 else { return }
        let (scale, shift) = try batchNormAffine(next, channels: channels)
        for i in 0..<weight.count { weight[i] *= scale[channel(i)] }
        if bias.isEmpty { bias = [Float](repeating: 0, count: channels) }
        for c in 0..<channels { bias[c] = bias[c] * scale[c] + shift[c] }
        folded.insert(next.name)
    }

    /// γ/√(var+ε) and β − mean·γ/√(var+ε), computed in Double.
    mutating func batchNormAffine(_ node: GraphSpec.Node, channels: Int) throws -> ([Float], [Float]) {
        let eps = Double(try node.float("eps", default: 1e-5))
        let mean = try tensor(node, "running_mean", [channels])
        let variance = try tensor(node, "running_var", [channels])
        let gamma = try optionalTensor(node, "weight", [channels]) ?? [Float](repeating: 1, count: channels)
        let beta = try optionalTensor(node, "bias", [channels]) ?? [Float](repeating: 0, count: channels)
        var scale = [Float](repeating: 0, count: channels), shift = scale
        for c in 0..<channels {
            let v = Double(variance[c]) + eps
            guard v > 0 else { throw ModelLoadError("tensor '\(node.name).running_var': variance + eps is not positive at channel \(c)") }
            let s = Double(gamma[c]) / v.squareRoot()
            scale[c] = Float(s)
            shift[c] = Float(Double(beta[c]) - Double(mean[c]) * s)
        }
        return (scale, shift)
    }
}
