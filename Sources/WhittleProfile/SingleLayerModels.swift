// Small model files built in memory for calibration: one layer of a given type and size
// (microbenchmarks), and "null" detectors whose cost is almost all front end and engine.

import WhittleNN

enum SingleLayerModels {
    /// Deterministic weights in ±0.25 (values do not change the kernels' speed).
    static func weights(_ shape: [Int], seed: inout UInt64) -> TensorData {
        let n = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values[i] = Float(Int64(bitPattern: seed) >> 40) / Float(1 << 25)
        }
        return TensorData(shape: shape, values: values)
    }

    static func attributes(_ pairs: [String: Any]) -> [String: JSONValue] {
        pairs.mapValues { value in
            switch value {
            case let i as Int: return .number(Double(i))
            case let s as String: return .string(s)
            case let a as [Int]: return .array(a.map { .number(Double($0)) })
            default: return .null
            }
        }
    }

    /// One node `op` on an input of `shape`, with tensors of the given shapes ("weight", "bias", ...).
    static func make(op: String, input shape: [Int], attributes attrs: [String: Any], tensors: [String: [Int]],
                     inputs: [String] = ["x"], metadata: [String: String] = [:]) -> ModelFile {
        var seed: UInt64 = 42
        var data: [String: TensorData] = [:]
        for (name, s) in tensors.sorted(by: { $0.key < $1.key }) {
            data["y.\(name)"] = name == "running_var" ? TensorData(shape: s, values: [Float](repeating: 1, count: s.reduce(1, *)))
                                                      : weights(s, seed: &seed)
        }
        let graph = ModelGraph(inputs: [GraphInput(name: "x", shape: shape)], outputs: ["y"],
                               nodes: [GraphNode(name: "y", op: op, inputs: inputs, attributes: attributes(attrs))])
        return ModelFile(graph: graph, tensors: data, metadata: metadata)
    }

    /// A detector that is nearly all front end: features → one sigmoid unit.
    static func null(features: String, count: Int, rate: Int, hop: Int) -> ModelFile {
        let flat = GraphNode(name: "flat", op: "flatten", inputs: ["x"])
        let head = GraphNode(name: "onset", op: "dense", inputs: ["flat"],
                             attributes: ["units": .number(1), "activation": .string("sigmoid")])
        var seed: UInt64 = 7
        return ModelFile(graph: ModelGraph(inputs: [GraphInput(name: "x", shape: [count, 1])], outputs: ["onset"], nodes: [flat, head]),
                         tensors: ["onset.weight": weights([1, count], seed: &seed), "onset.bias": TensorData(shape: [1], values: [0])],
                         metadata: ["task": "onset", "sample_rate": "\(rate)", "hop": "\(hop)", "features": features])
    }

    /// A detector with a wide dense layer: features → `units` relu → one sigmoid unit.
    static func wide(features: String, bands: Int, units: Int, rate: Int, hop: Int) -> ModelFile {
        var seed: UInt64 = 11
        let nodes = [GraphNode(name: "flat", op: "flatten", inputs: ["x"]),
                     GraphNode(name: "hidden", op: "dense", inputs: ["flat"], attributes: ["units": .number(Double(units)), "activation": .string("relu")]),
                     GraphNode(name: "onset", op: "dense", inputs: ["hidden"], attributes: ["units": .number(1), "activation": .string("sigmoid")])]
        return ModelFile(graph: ModelGraph(inputs: [GraphInput(name: "x", shape: [bands, 1])], outputs: ["onset"], nodes: nodes),
                         tensors: ["hidden.weight": weights([units, bands], seed: &seed), "hidden.bias": weights([units], seed: &seed),
                                   "onset.weight": weights([1, units], seed: &seed), "onset.bias": TensorData(shape: [1], values: [0])],
                         metadata: ["task": "onset", "sample_rate": "\(rate)", "hop": "\(hop)", "features": features])
    }

    /// The microbenchmark set: each cost type at sizes spanning small detectors to ~1 M MACs.
    static func benchmarks() -> [(label: String, model: ModelFile)] {
        var list: [(String, ModelFile)] = []
        for (i, o) in [(16, 16), (64, 1), (64, 64), (128, 32), (256, 64), (512, 256), (1024, 128), (64, 256), (2048, 16)] {
            list.append(("dense \(i)→\(o)", make(op: "dense", input: [i], attributes: ["units": o],
                                                 tensors: ["weight": [o, i], "bias": [o]])))
        }
        for (f, ci, co) in [(64, 1, 4), (64, 1, 16), (64, 1, 24), (16, 4, 8), (32, 8, 16), (32, 16, 32), (16, 32, 32),
                            (32, 24, 48), (16, 48, 64), (8, 64, 64), (64, 8, 8)] {
            list.append(("conv2d \(f)×\(ci)→\(co) k3×3", make(op: "conv2d", input: [f, ci], attributes: ["channels": co, "kernel": [3, 3], "padding": 1],
                                                             tensors: ["weight": [co, ci, 3, 3], "bias": [co]])))
        }
        for (ci, co, k) in [(16, 16, 3), (32, 32, 3), (64, 64, 5), (16, 16, 15), (128, 64, 3), (8, 8, 2)] {
            list.append(("conv1d \(ci)→\(co) k\(k)", make(op: "conv1d", input: [ci], attributes: ["channels": co, "kernel": k],
                                                         tensors: ["weight": [co, ci, k], "bias": [co]])))
        }
        for (ci, co, k, s) in [(16, 16, 4, 2), (32, 16, 8, 4), (64, 32, 16, 8)] {
            list.append(("conv_transpose1d \(ci)→\(co) k\(k) s\(s)", make(op: "conv_transpose1d", input: [ci],
                                                                         attributes: ["channels": co, "kernel": k, "stride": s],
                                                                         tensors: ["weight": [ci, co, k], "bias": [co]])))
        }
        for op in ["gru", "lstm"] {
            let g = op == "gru" ? 3 : 4
            for (i, h) in [(4, 4), (16, 16), (32, 32), (64, 64), (128, 128), (1, 24)] {
                list.append(("\(op) \(i)→\(h)", make(op: op, input: [i], attributes: ["hidden": h],
                                                    tensors: ["weight_ih": [g * h, i], "weight_hh": [g * h, h], "bias_ih": [g * h], "bias_hh": [g * h]])))
            }
        }
        for (f, c, k) in [(64, 4, 4), (64, 16, 2), (32, 32, 2), (16, 64, 2), (64, 1, 4)] {
            list.append(("maxpool \(f)×\(c) k\(k)", make(op: "maxpool_freq", input: [f, c], attributes: ["kernel": k], tensors: [:])))
        }
        for (f, c) in [(64, 16), (256, 1), (32, 32), (8, 8)] {
            list.append(("batchnorm \(f)×\(c)", make(op: "batchnorm", input: [f, c], attributes: [:],
                                                    tensors: ["weight": [c], "bias": [c], "running_mean": [c], "running_var": [c]])))
        }
        for n in [16, 64, 256, 1024, 4096] {
            list.append(("add \(n)", make(op: "add", input: [n], attributes: [:], tensors: [:], inputs: ["x", "x"])))
            list.append(("relu \(n)", make(op: "relu", input: [n], attributes: [:], tensors: [:])))
            list.append(("sigmoid \(n)", make(op: "sigmoid", input: [n], attributes: [:], tensors: [:])))
        }
        return list
    }
}
