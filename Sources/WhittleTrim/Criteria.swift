// Unit scores, higher = more worth keeping. Each producer channel gets a score; a unit tied across
// producers by an add gets the mean of its channels' scores.
//   magnitude   L1 norm of the unit's incoming weights (all gate rows of a GRU/LSTM unit)
//   bn          |γ| of the BatchNorm after the producer (magnitude for producers without one)
//   activation  mean |y| of the unit's output on validation frames (after its activation/BN chain)
//   mi          binned mutual information between that output and the target (or the layer input's
//               first principal component), see MutualInformation.swift

import WhittleNN

public enum TrimCriterion: String, Codable, Sendable, CaseIterable { case magnitude, bn, activation, mi }
public enum MIReference: String, Codable, Sendable, CaseIterable { case target, input }

public struct UnitScorer {
    public var criterion: TrimCriterion
    public var miReference: MIReference = .target
    public var maxFrames = 4000
    public init(criterion: TrimCriterion, miReference: MIReference = .target) {
        self.criterion = criterion
        self.miReference = miReference
    }

    /// One score per unit of `graph` (built from `model.graph`). `batches` are needed for activation and mi.
    public func scores(_ model: ModelFile, graph: UnitGraph, batches: [SequenceBatch]) throws -> [Double] {
        let producers = Set(graph.units.flatMap { $0.refs.map(\.node) })
        var channelScores: [String: [Double]] = [:]
        switch criterion {
        case .magnitude:
            for p in producers { channelScores[p] = try magnitudes(model, p) }
        case .bn:
            for p in producers {
                if let bn = followingNode(model.graph, from: p, stopAt: "batchnorm"), let gamma = model.tensors["\(bn).weight"] {
                    channelScores[p] = gamma.values.map { Double(abs($0)) }
                } else {
                    channelScores[p] = try magnitudes(model, p)
                }
            }
        case .activation, .mi:
            let taps = Dictionary(uniqueKeysWithValues: producers.map { ($0, tap(model.graph, from: $0)) })
            let inputs = Dictionary(uniqueKeysWithValues: producers.map { p in (p, model.graph.nodes.first { $0.name == p }!.inputs[0]) })
            var names = Array(Set(taps.values)).sorted()
            if criterion == .mi && miReference == .input { names = Array(Set(names).union(inputs.values)).sorted() }
            let record = try UnitActivations.record(model, values: names, batches: batches, maxFrames: maxFrames)
            for p in producers {
                let frames = record.values[taps[p]!] ?? []
                let width = graph.shapes[p]!.channels
                guard !frames.isEmpty else { throw TrimError("no validation frames reached '\(p)'") }
                if criterion == .activation {
                    channelScores[p] = (0..<width).map { c in frames.reduce(0) { $0 + Double(abs($1[c])) } / Double(frames.count) }
                } else {
                    let reference: [Float]
                    var labels: [Int]? = nil
                    if miReference == .target {
                        labels = Self.targetLabels(record.targets[taps[p]!] ?? [])
                        guard labels!.count == frames.count else { throw TrimError("validation batches carry no target for '\(model.graph.outputs[0])'") }
                        reference = []
                    } else {
                        reference = Self.firstComponent(record.values[inputs[p]!] ?? [])
                    }
                    channelScores[p] = (0..<width).map { c in
                        let x = frames.map { $0[c] }
                        if let labels { return MutualInformation.estimate(x, labels: labels) }
                        return MutualInformation.estimate(x, Array(reference.prefix(x.count)))
                    }
                }
            }
        }
        return graph.units.map { unit in
            unit.refs.reduce(0) { $0 + channelScores[$1.node]![$1.index] } / Double(unit.refs.count)
        }
    }

    func magnitudes(_ model: ModelFile, _ producer: String) throws -> [Double] {
        guard let node = model.graph.nodes.first(where: { $0.name == producer }) else { throw TrimError("no node '\(producer)'") }
        func rowL1(_ t: TensorData) -> [Double] {
            let width = t.values.count / t.shape[0]
            return (0..<t.shape[0]).map { r in t.values[r * width..<(r + 1) * width].reduce(0) { $0 + Double(abs($1)) } }
        }
        switch node.op {
        case "conv_transpose1d": // weight [in, out, k]: unit o's incoming weights are [:, o, :]
            guard let w = model.tensors["\(producer).weight"] else { throw TrimError("missing '\(producer).weight'") }
            let (cin, cout, k) = (w.shape[0], w.shape[1], w.shape[2])
            return (0..<cout).map { o in (0..<cin).reduce(0.0) { s, i in s + (0..<k).reduce(0.0) { $0 + Double(abs(w.values[(i * cout + o) * k + $1])) } } }
        case "gru", "lstm":
            let h = try node.int("hidden")
            var sums = [Double](repeating: 0, count: h)
            for p in ["weight_ih", "weight_hh"] {
                guard let w = model.tensors["\(producer).\(p)"] else { continue }
                for (r, v) in rowL1(w).enumerated() { sums[r % h] += v }
            }
            return sums
        default:
            guard let w = model.tensors["\(producer).weight"] else { throw TrimError("missing '\(producer).weight'") }
            return rowL1(w)
        }
    }

    /// Follows single-consumer, channel-preserving ops from `start`; returns the first node of op `stop`.
    func followingNode(_ graph: ModelGraph, from start: String, stopAt stop: String) -> String? {
        var value = start
        while let next = Self.soleConsumer(graph, of: value), ValueShapes.elementwise.contains(next.op) || next.op.hasSuffix("pool_freq") {
            if next.op == stop { return next.name }
            value = next.name
        }
        return nil
    }

    /// Where to read a unit's output: the end of its single-consumer activation/norm/pool chain.
    func tap(_ graph: ModelGraph, from start: String) -> String {
        var value = start
        while let next = Self.soleConsumer(graph, of: value), !graph.outputs.contains(value),
              (ValueShapes.elementwise.contains(next.op) && next.op != "softmax") || next.op.hasSuffix("pool_freq") {
            value = next.name
        }
        return value
    }

    static func soleConsumer(_ graph: ModelGraph, of value: String) -> GraphNode? {
        let consumers = graph.nodes.filter { $0.inputs.contains(value) }
        return consumers.count == 1 && consumers[0].inputs.count == 1 ? consumers[0] : nil
    }

    /// Discrete labels from target frames: a scalar is quantile-binned; up to 8 values in [0, 1] become
    /// the bit pattern of which exceed 0.5 (multi-label); anything wider is its argmax class.
    static func targetLabels(_ frames: [[Float]]) -> [Int] {
        guard let width = frames.first?.count else { return [] }
        if width == 1 { return MutualInformation.quantileBins(frames.map { $0[0] }, bins: MutualInformation.defaultBins) }
        if width <= 8, frames.allSatisfy({ $0.allSatisfy { (0...1).contains($0) } }) {
            return frames.map { f in f.enumerated().reduce(0) { $0 | ($1.element > 0.5 ? 1 << $1.offset : 0) } }
        }
        return frames.map { f in f.indices.max { f[$0] < f[$1] } ?? 0 }
    }

    /// Projection of each frame on the first principal component (power iteration on the covariance).
    static func firstComponent(_ frames: [[Float]]) -> [Float] {
        guard let width = frames.first?.count, width > 0 else { return [] }
        if width == 1 { return frames.map { $0[0] } }
        let n = Double(frames.count)
        var mean = [Double](repeating: 0, count: width)
        for f in frames { for i in 0..<width { mean[i] += Double(f[i]) / n } }
        var v = (0..<width).map { 1 / Double(width).squareRoot() + 0.01 * Double($0) }
        for _ in 0..<30 {
            var next = [Double](repeating: 0, count: width)
            for f in frames {
                var dot = 0.0
                for i in 0..<width { dot += (Double(f[i]) - mean[i]) * v[i] }
                for i in 0..<width { next[i] += dot * (Double(f[i]) - mean[i]) }
            }
            let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { break }
            v = next.map { $0 / norm }
        }
        return frames.map { f in Float((0..<width).reduce(0.0) { $0 + (Double(f[$1]) - mean[$1]) * v[$1] }) }
    }
}
