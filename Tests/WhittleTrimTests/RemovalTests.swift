import Testing
import WhittleNN
@testable import WhittleTrim

@Suite struct RemovalTests {
    /// Every other prunable unit of every layer (respecting at least one survivor).
    func everyOther(_ g: UnitGraph) -> Set<Int> {
        Set(g.layers.flatMap { layer in layer.units.filter { !g.units[$0].frozen }.enumerated().filter { $0.offset % 2 == 1 }.map(\.element) })
    }

    @Test(arguments: TestGraphs.all.map(\.0))
    func removingNothingIsBitIdentical(name: String) throws {
        let graph = TestGraphs.all.first { $0.0 == name }!.1
        let model = try randomModel(graph)
        let removal = try UnitGraph(graph).remove([], from: model)
        #expect(removal.model == model)
        #expect(try runOutputs(removal.model) == runOutputs(model))
    }

    /// Units nobody reads can go without changing a single output (layernorm excepted: it normalises
    /// over all channels, so a removed channel changes the statistics).
    @Test(arguments: ["cnn", "recurrent", "inputResidual", "implicitFlatten"])
    func removingSilencedUnitsKeepsOutputs(name: String) throws {
        let graph = TestGraphs.all.first { $0.0 == name }!.1
        let g = try UnitGraph(graph)
        let cut = everyOther(g)
        #expect(!cut.isEmpty)
        let silenced = try g.silencing(cut, in: randomModel(graph))
        let removal = try g.remove(cut, from: silenced)
        #expect(removal.model.parameterCount < silenced.parameterCount)
        let (a, b) = (try runOutputs(silenced), try runOutputs(removal.model))
        #expect(a.count == b.count)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-6)
    }

    /// Independent of the consumer slicing: units whose output is exactly zero (incoming weights,
    /// biases and their BatchNorm shift zeroed) can be removed too.
    @Test func removingDeadUnitsKeepsOutputs() throws {
        for (name, graph) in TestGraphs.all where name != "upsampler" {
            let g = try UnitGraph(graph)
            let cut = everyOther(g)
            var model = try randomModel(graph)
            for u in cut {
                for ref in g.units[u].refs {
                    let n = graph.nodes.first { $0.name == ref.node }!
                    let rows = n.op == "gru" || n.op == "lstm" ? (0..<n.gates).map { $0 * g.shapes[n.name]!.channels + ref.index } : [ref.index]
                    if n.op == "conv_transpose1d" { // weight [in, out, k]: the unit's taps are [:, o, :]
                        var t = model.tensors["\(ref.node).weight"]!
                        let (cout, k) = (t.shape[1], t.shape[2])
                        for i in t.values.indices where (i / k) % cout == ref.index { t.values[i] = 0 }
                        model.tensors["\(ref.node).weight"] = t
                        model.tensors["\(ref.node).bias"]!.values[ref.index] = 0
                        continue
                    }
                    for p in ["weight", "bias", "weight_ih", "weight_hh", "bias_ih", "bias_hh"] {
                        guard var t = model.tensors["\(ref.node).\(p)"] else { continue }
                        let width = t.values.count / t.shape[0]
                        for r in rows { for i in 0..<width { t.values[r * width + i] = 0 } }
                        model.tensors["\(ref.node).\(p)"] = t
                    }
                    if let bn = graph.nodes.first(where: { $0.op == "batchnorm" && $0.inputs == [ref.node] }) {
                        model.tensors["\(bn.name).bias"]!.values[ref.index] = 0
                        model.tensors["\(bn.name).running_mean"]!.values[ref.index] = 0
                    }
                }
            }
            let removal = try g.remove(cut, from: model)
            let (a, b) = (try runOutputs(model), try runOutputs(removal.model))
            let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-6, "\(name)")
        }
    }

    @Test func shapesAndAttributesShrink() throws {
        let g = try UnitGraph(TestGraphs.recurrent)
        let cut = everyOther(g)
        let removal = try g.remove(cut, from: randomModel(TestGraphs.recurrent))
        let m = removal.model
        #expect(m.tensors["a.weight"]!.shape == [3, 4, 3] && m.tensors["b.weight"]!.shape == [3, 4, 2])
        #expect(m.tensors["gru.weight_ih"]!.shape == [9, 3 + 2])
        #expect(m.tensors["gru.weight_hh"]!.shape == [9, 3])
        #expect(m.tensors["lstm.weight_ih"]!.shape == [8, 3])
        #expect(m.tensors["lstm.weight_hh"]!.shape == [8, 2])
        #expect(m.tensors["head.weight"]!.shape == [2, 2])
        #expect(m.graph.nodes.first { $0.name == "gru" }!.attributes["hidden"] == .number(3))
        #expect(removal.kept["lstm"] == [0, 2])
        _ = try m.build()
        let up = try UnitGraph(TestGraphs.upsampler)
        let upRemoval = try up.remove(everyOther(up), from: randomModel(TestGraphs.upsampler))
        #expect(upRemoval.model.tensors["up.weight"]!.shape == [3, 3, 4])
        #expect(upRemoval.model.tensors["ln.weight"]!.shape == [3])
        #expect(upRemoval.model.tensors["head.weight"]!.shape == [2, 6])
        _ = try upRemoval.model.build()
    }

    @Test func frozenUnitsAreRefused() throws {
        let g = try UnitGraph(TestGraphs.cnn)
        let head = g.producerUnits["head"]![0]
        #expect(throws: TrimError.self) { try g.remove([head], from: try randomModel(TestGraphs.cnn)) }
    }
}
