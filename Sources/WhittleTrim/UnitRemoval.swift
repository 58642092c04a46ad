// Physical removal: a new ModelFile whose tensors have lost the removed units' rows (their
// incoming weights, biases, gate rows) and every consumer's matching input slices (next layer's
// columns or input channels, BatchNorm/LayerNorm parameters and statistics, GRU/LSTM recurrent
// columns), with the graph's channels/units/hidden attributes updated.
// `silencing` zeroes the same input slices instead: the removed units then still compute but
// nothing reads them, which is how tests show removal is exact.

import WhittleNN

public struct Removal: Sendable {
    public var model: ModelFile
    /// Per producer: which of its previous output channels survive, ascending.
    public var kept: [String: [Int]]
}

/// What survives along each leading axis of one tensor; `reads` marks axes indexed by another unit's output.
struct TensorSlice {
    var axes: [[Int]]
    var reads: [Bool]
}

extension UnitGraph {
    /// Removes `removed` (indices into `units`, none frozen) from `model`, whose graph this is.
    public func remove(_ removed: Set<Int>, from model: ModelFile) throws -> Removal {
        let (slices, kept) = try plan(removed, model)
        var out = model
        for (n, node) in model.graph.nodes.enumerated() {
            guard let keep = kept[node.name] else { continue }
            let key = node.op == "dense" ? "units" : node.op == "gru" || node.op == "lstm" ? "hidden" : "channels"
            out.graph.nodes[n].attributes[key] = .number(Double(keep.count))
        }
        for (name, slice) in slices { out.tensors[name] = try model.tensors[name]!.gathering(slice.axes, name: name) }
        return Removal(model: out, kept: kept)
    }

    /// Zeroes everything that reads the `removed` units (their outgoing weights), keeping all shapes.
    public func silencing(_ removed: Set<Int>, in model: ModelFile) throws -> ModelFile {
        let (slices, _) = try plan(removed, model)
        var out = model
        for (name, slice) in slices {
            var t = model.tensors[name]!
            for (axis, keep) in slice.axes.enumerated() where slice.reads[axis] {
                let keepSet = Set(keep)
                let inner = t.shape[(axis + 1)...].reduce(1, *), size = t.shape[axis]
                for i in t.values.indices where !keepSet.contains((i / inner) % size) { t.values[i] = 0 }
            }
            out.tensors[name] = t
        }
        return out
    }

    func plan(_ removed: Set<Int>, _ model: ModelFile) throws -> (slices: [String: TensorSlice], kept: [String: [Int]]) {
        if let bad = removed.first(where: { !units.indices.contains($0) || units[$0].frozen }) {
            throw TrimError("unit \(bad) cannot be removed (unknown or frozen)")
        }
        func keptChannels(_ value: String) -> [Int] {
            let origin = channelUnits[value] ?? []
            return origin.indices.filter { origin[$0].map { !removed.contains($0) } ?? true }
        }
        // Inputs a dense/recurrent layer sees as one flat vector: column f·C + c carries channel c.
        func keptColumns(_ value: String) -> [Int] {
            let shape = shapes[value]!, channels = keptChannels(value)
            return (0..<shape.rows).flatMap { f in channels.map { f * shape.channels + $0 } }
        }
        var slices: [String: TensorSlice] = [:]
        var kept: [String: [Int]] = [:]
        for node in model.graph.nodes {
            var params: [String: TensorSlice] = [:]
            let x = node.inputs[0]
            if let own = producerUnits[node.name] {
                let keep = own.indices.filter { !removed.contains(own[$0]) }
                guard !keep.isEmpty else { throw TrimError("removal would leave '\(node.name)' with no units") }
                kept[node.name] = keep
                let bias = TensorSlice(axes: [keep], reads: [false])
                switch node.op {
                case "dense":
                    params = ["weight": TensorSlice(axes: [keep, keptColumns(x)], reads: [false, true]), "bias": bias]
                case "conv1d", "conv2d":
                    params = ["weight": TensorSlice(axes: [keep, keptChannels(x)], reads: [false, true]), "bias": bias]
                case "conv_transpose1d":
                    params = ["weight": TensorSlice(axes: [keptChannels(x), keep], reads: [true, false]), "bias": bias]
                default: // gru, lstm: the same hidden rows in every gate block, and the recurrent columns
                    let rows = (0..<node.gates).flatMap { g in keep.map { g * own.count + $0 } }
                    let gateRows = TensorSlice(axes: [rows], reads: [false])
                    params = ["weight_ih": TensorSlice(axes: [rows, keptColumns(x)], reads: [false, true]),
                              "weight_hh": TensorSlice(axes: [rows, keep], reads: [false, true]),
                              "bias_ih": gateRows, "bias_hh": gateRows]
                }
            } else if node.op == "batchnorm" || node.op == "layernorm" {
                let channels = TensorSlice(axes: [keptChannels(x)], reads: [true])
                for p in ["weight", "bias", "running_mean", "running_var"] { params[p] = channels }
            }
            for (param, slice) in params where model.tensors["\(node.name).\(param)"] != nil {
                slices["\(node.name).\(param)"] = slice
            }
        }
        return (slices, kept)
    }
}

extension TensorData {
    /// Keeps the listed indices along the leading axes (the remaining axes whole).
    func gathering(_ axes: [[Int]], name: String) throws -> TensorData {
        var keep: [[Int]] = shape.indices.map { Array(0..<shape[$0]) }
        for (axis, indices) in axes.enumerated() {
            guard axis < shape.count, indices.allSatisfy({ (0..<shape[axis]).contains($0) }) else {
                throw TrimError("tensor '\(name)' \(shape): slice on axis \(axis) does not fit")
            }
            keep[axis] = indices
        }
        var strides = [Int](repeating: 1, count: shape.count)
        for a in stride(from: shape.count - 2, through: 0, by: -1) { strides[a] = strides[a + 1] * shape[a + 1] }
        var result: [Float] = []
        result.reserveCapacity(keep.reduce(1) { $0 * $1.count })
        func walk(_ axis: Int, _ base: Int) {
            if axis == shape.count { result.append(values[base]); return }
            for i in keep[axis] { walk(axis + 1, base + i * strides[axis]) }
        }
        if !shape.isEmpty { walk(0, 0) }
        return TensorData(shape: keep.map(\.count), values: result)
    }
}
