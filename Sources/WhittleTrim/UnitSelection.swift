// Which units a round removes. Scores are normalised per layer by dividing by the layer's
// largest score (the papers' choice: every layer's best unit scores 1, so layers with large
// weights or wide fan-in do not dominate the global cut). Global selection then cuts the lowest
// `fraction` of all remaining prunable units at once (one percentile across layers); local
// selection cuts that fraction from each layer. Either way a layer keeps at least `minUnits`.

import WhittleNN

public enum SelectionScope: String, Codable, Sendable, CaseIterable { case global, local }

public enum UnitSelection {
    /// Scores divided by their layer's maximum over prunable units (all zero if that maximum is 0).
    public static func normalised(_ scores: [Double], in graph: UnitGraph) -> [Double] {
        var result = scores
        for layer in graph.layers {
            let top = layer.units.filter { !graph.units[$0].frozen }.map { scores[$0] }.max() ?? 0
            for u in layer.units { result[u] = top > 0 && top.isFinite ? scores[u] / top : 0 }
        }
        return result
    }

    /// Units to remove this round. Ties break on unit index, so a seed gives one answer.
    public static func select(_ graph: UnitGraph, scores: [Double], fraction: Double, scope: SelectionScope,
                              minUnits: Int) -> Set<Int> {
        let normal = normalised(scores, in: graph)
        var remaining = graph.layers.map(\.units.count)
        var removed = Set<Int>()
        func ascending(_ units: [Int]) -> [Int] {
            units.filter { !graph.units[$0].frozen }.sorted { (normal[$0], $0) < (normal[$1], $1) }
        }
        func cut(_ candidates: [Int], count: Int) {
            var taken = 0
            for u in candidates where taken < count {
                let layer = graph.units[u].layer
                guard remaining[layer] > minUnits else { continue }
                remaining[layer] -= 1
                removed.insert(u)
                taken += 1
            }
        }
        switch scope {
        case .global:
            let candidates = ascending(graph.prunableUnits)
            cut(candidates, count: Int((fraction * Double(candidates.count)).rounded()))
        case .local:
            for layer in graph.layers {
                let candidates = ascending(layer.units)
                cut(candidates, count: Int((fraction * Double(candidates.count)).rounded()))
            }
        }
        return removed
    }
}

extension UnitGraph {
    /// The model with every prunable layer cut to `minUnits` (the smallest ticket trimming can reach).
    public static func narrowest(_ model: ModelFile, minUnits: Int) throws -> ModelFile {
        let graph = try UnitGraph(model.graph)
        let cut = UnitSelection.select(graph, scores: [Double](repeating: 1, count: graph.units.count), fraction: 1,
                                       scope: .global, minUnits: minUnits)
        return try graph.remove(cut, from: model).model
    }
}
