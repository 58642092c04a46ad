// What a model costs: parameters, weights (the tensors trimming counts as "kept"), multiply-
// accumulates per model frame and per second of audio, and bytes on disk. MACs count weight
// layers only (elementwise ops, norms and pools are noise beside them); a strided layer's MACs
// are divided by its period. For masked models only non-zero weights are counted.

import WhittleNN

public struct ModelCosts: Sendable, Equatable, Codable {
    public var parameters: Int
    /// Weight elements of dense/conv/recurrent layers (output head included); non-zeros only.
    public var weights: Int
    public var macsPerFrame: Double
    /// MACs per second of audio when metadata has sample_rate and hop, else nil.
    public var macsPerSecond: Double?
    public var bytes: Int

    public static let weightParams: [String: [String]] = [
        "dense": ["weight"], "conv1d": ["weight"], "conv2d": ["weight"], "conv_transpose1d": ["weight"],
        "gru": ["weight_ih", "weight_hh"], "lstm": ["weight_ih", "weight_hh"],
    ]

    public init(_ model: ModelFile) throws {
        let shapes = try ValueShapes.infer(model.graph)
        var weights = 0, zeros = 0
        var macs = 0.0
        for node in model.graph.nodes {
            guard let params = Self.weightParams[node.op] else { continue }
            let x = shapes[node.inputs[0]]!, y = shapes[node.name]!
            // MACs per run of the layer for each weight element.
            var perWeight = 1.0
            if node.op == "conv2d" {
                let (st, _) = try node.pair("stride", default: (1, 1))
                perWeight = Double(y.rows) / Double(st)
            } else if node.op == "conv1d" {
                perWeight = 1 / Double(try node.int("stride", default: 1))
            }
            for p in params {
                guard let t = model.tensors["\(node.name).\(p)"] else { continue }
                let nonzero = t.values.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
                weights += t.values.count
                zeros += t.values.count - nonzero
                macs += Double(nonzero) * perWeight / Double(x.period)
            }
        }
        let nonzeroParams = model.tensors.reduce(0) { sum, e in
            e.key.hasSuffix(".running_mean") || e.key.hasSuffix(".running_var") ? sum : sum + e.value.values.count
        } - zeros
        parameters = nonzeroParams
        self.weights = weights - zeros
        macsPerFrame = macs
        if let rate = model.metadata["sample_rate"].flatMap(Double.init), let hop = model.metadata["hop"].flatMap(Double.init), hop > 0 {
            macsPerSecond = macs * rate / hop
        }
        bytes = try model.serialized().count
    }
}
