// The graph stored as JSON in a model file's `__metadata__["graph"]` (offline parsing):
//
//   {"inputs": [{"name": "mel", "shape": [80, 1]}], "outputs": ["onset"],
//    "nodes": [{"name": "conv1", "op": "conv2d", "inputs": ["mel"], "channels": 8,
//               "kernel": [3, 3], "padding": 1, "activation": "relu"}, ...]}
//
// Every node's output is a value named after the node. Shapes are per frame, channels last:
// [channels] or [frequency, channels]. Nodes are listed in a valid execution order.

import Foundation

struct GraphSpec {
    struct Input { let name: String; let shape: [Int] }
    struct Node {
        let name: String
        let op: String
        let inputs: [String]
        let attributes: [String: Any]
    }
    let inputs: [Input]
    let outputs: [String]
    let nodes: [Node]

    static func parse(_ text: String) throws -> GraphSpec {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)), let root = object as? [String: Any] else {
            throw ModelLoadError("metadata 'graph' is not a JSON object")
        }
        guard let rawInputs = root["inputs"] as? [Any], !rawInputs.isEmpty else { throw ModelLoadError("graph: 'inputs' must be a non-empty array") }
        var inputs: [Input] = []
        for (i, raw) in rawInputs.enumerated() {
            guard let entry = raw as? [String: Any], let name = entry["name"] as? String, !name.isEmpty else {
                throw ModelLoadError("graph: input \(i) needs a 'name'")
            }
            guard let shape = SafeTensorsFile.intArray(entry["shape"]), (1...2).contains(shape.count), shape.allSatisfy({ (1...GraphSpec.maxDimension).contains($0) }) else {
                throw ModelLoadError("graph: input '\(name)': 'shape' must be [channels] or [frequency, channels] of positive sizes")
            }
            inputs.append(Input(name: name, shape: shape))
        }
        guard let outputs = root["outputs"] as? [String], !outputs.isEmpty else { throw ModelLoadError("graph: 'outputs' must be a non-empty array of names") }
        guard let rawNodes = root["nodes"] as? [Any] else { throw ModelLoadError("graph: 'nodes' must be an array") }
        var nodes: [Node] = []
        for (i, raw) in rawNodes.enumerated() {
            guard let entry = raw as? [String: Any], let name = entry["name"] as? String, !name.isEmpty else {
                throw ModelLoadError("graph: node \(i) needs a 'name'")
            }
            guard let op = entry["op"] as? String else { throw ModelLoadError("graph: node '\(name)' needs an 'op'") }
            guard let nodeInputs = entry["inputs"] as? [String], !nodeInputs.isEmpty else {
                throw ModelLoadError("graph: node '\(name)': 'inputs' must be a non-empty array of names")
            }
            nodes.append(Node(name: name, op: op, inputs: nodeInputs, attributes: entry))
        }
        return GraphSpec(inputs: inputs, outputs: outputs, nodes: nodes)
    }

    /// No single dimension (channels, frequencies, kernel, dilation, stride) may exceed this.
    static let maxDimension = 1 << 16
}

extension GraphSpec.Node {
    var context: String { "graph node '\(name)' (\(op))" }

    func int(_ key: String, default fallback: Int? = nil, min lower: Int = 1) throws -> Int {
        guard let raw = attributes[key] else {
            if let fallback { return fallback }
            throw ModelLoadError("\(context): missing attribute '\(key)'")
        }
        guard let values = SafeTensorsFile.intArray([raw]), let value = values.first, value >= lower, value <= GraphSpec.maxDimension else {
            throw ModelLoadError("\(context): attribute '\(key)' must be an integer in \(lower)...\(GraphSpec.maxDimension)")
        }
        return value
    }

    /// An integer pair such as a 2-D kernel; a single integer means the same on both axes.
    func pair(_ key: String, default fallback: (Int, Int)? = nil, min lower: Int = 1) throws -> (Int, Int) {
        guard let raw = attributes[key] else {
            if let fallback { return fallback }
            throw ModelLoadError("\(context): missing attribute '\(key)'")
        }
        if let values = SafeTensorsFile.intArray(raw), values.count == 2,
           values.allSatisfy({ $0 >= lower && $0 <= GraphSpec.maxDimension }) {
            return (values[0], values[1])
        }
        let single = try int(key, min: lower)
        return (single, single)
    }

    func float(_ key: String, default fallback: Float) throws -> Float {
        guard let raw = attributes[key] else { return fallback }
        guard let number = raw as? NSNumber, Float(number.doubleValue).isFinite else {
            throw ModelLoadError("\(context): attribute '\(key)' must be a finite number")
        }
        return Float(number.doubleValue)
    }

    /// The `activation` attribute: a name, or {"name": ..., parameters}.
    func activation() throws -> Activation {
        guard let raw = attributes["activation"] else { return .identity }
        if let name = raw as? String { return try Activation.named(name, parameters: [:], context: context) }
        if let object = raw as? [String: Any], let name = object["name"] as? String {
            return try Activation.named(name, parameters: object, context: context)
        }
        throw ModelLoadError("\(context): attribute 'activation' must be a name or an object with a 'name'")
    }
}

extension Activation {
    /// Activation names as they appear in graph files (also usable as node ops).
    static let names = ["linear", "identity", "relu", "elu", "tanh", "sigmoid", "softplus", "softmax", "scaled_sigmoid", "exp_sigmoid"]

    static func named(_ name: String, parameters: [String: Any], context: String) throws -> Activation {
        func number(_ key: String, _ fallback: Float) throws -> Float {
            guard let raw = parameters[key] else { return fallback }
            guard let n = raw as? NSNumber, Float(n.doubleValue).isFinite else {
                throw ModelLoadError("\(context): activation parameter '\(key)' must be a finite number")
            }
            return Float(n.doubleValue)
        }
        switch name {
        case "linear", "identity": return .identity
        case "relu": return .relu
        case "elu": return .elu(alpha: try number("alpha", 1))
        case "tanh": return .tanh
        case "sigmoid": return .sigmoid
        case "softplus": return .softplus
        case "softmax": return .softmax
        case "scaled_sigmoid": return .scaledSigmoid
        case "exp_sigmoid":
            let exponent = try number("exponent", 10)
            guard exponent > 0 else { throw ModelLoadError("\(context): exp_sigmoid exponent must be positive") }
            return .expSigmoid(exponent: exponent, maxValue: try number("max_value", 2), threshold: try number("threshold", 1e-7))
        default: throw ModelLoadError("\(context): unknown activation '\(name)'")
        }
    }
}
