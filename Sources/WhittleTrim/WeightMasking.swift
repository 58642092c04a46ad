// The classic (unstructured) lottery ticket for comparison: single weights of the trimmable
// layers are masked by magnitude, |w| divided by the largest surviving |w| of its tensor, one
// cut across tensors (global) or per tensor (local). The model keeps its dense shapes, so it
// runs at dense speed: the point of the comparison.

import WhittleNN

public enum WeightMasking {
    /// Weight tensors of producers with at least one prunable unit (output heads stay whole).
    public static func maskedTensors(_ model: ModelFile) throws -> [String] {
        let graph = try UnitGraph(model.graph)
        let prunable = Set(graph.units.filter { !$0.frozen }.flatMap { $0.refs.map(\.node) })
        return model.graph.nodes.filter { prunable.contains($0.name) }.flatMap { node in
            (ModelCosts.weightParams[node.op] ?? []).map { "\(node.name).\($0)" }.filter { model.tensors[$0] != nil }
        }
    }

    /// All-ones masks for `names`.
    public static func full(_ model: ModelFile, _ names: [String]) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, [Float](repeating: 1, count: model.tensors[$0]!.values.count)) })
    }

    /// Tightens `masks` by `fraction` of the surviving weights, scored on `trained`.
    public static func tighten(_ masks: [String: [Float]], trained: ModelFile, fraction: Double,
                               scope: SelectionScope) -> [String: [Float]] {
        var candidates: [(score: Double, name: String, index: Int)] = []
        var perTensor: [String: [(Double, String, Int)]] = [:]
        for name in masks.keys.sorted() {
            let w = trained.tensors[name]!.values, m = masks[name]!
            let top = w.indices.filter { m[$0] != 0 }.map { Double(abs(w[$0])) }.max() ?? 0
            for i in w.indices where m[i] != 0 {
                let entry = (top > 0 ? Double(abs(w[i])) / top : 0, name, i)
                candidates.append(entry)
                perTensor[name, default: []].append(entry)
            }
        }
        var result = masks
        func cut(_ list: [(Double, String, Int)]) {
            let sorted = list.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
            for (_, name, i) in sorted.prefix(Int((fraction * Double(list.count)).rounded())) { result[name]![i] = 0 }
        }
        if scope == .global { cut(candidates) } else { for name in perTensor.keys.sorted() { cut(perTensor[name]!) } }
        return result
    }

    public static func apply(_ masks: [String: [Float]], to model: ModelFile) -> ModelFile {
        var out = model
        for (name, m) in masks { for i in m.indices where m[i] == 0 { out.tensors[name]!.values[i] = 0 } }
        return out
    }
}
