import Testing
import WhittleNN
@testable import WhittleTrim

@Suite struct UnitGraphTests {
    @Test func cnnLayersAndFrozenHead() throws {
        let g = try UnitGraph(TestGraphs.cnn)
        #expect(g.layers.map(\.name) == ["c1", "c2", "d1", "head"])
        #expect(g.units.count == 6 + 5 + 7 + 3)
        #expect(g.prunableUnits.count == 18)
        #expect(g.units.filter { $0.frozen }.allSatisfy { $0.refs[0].node == "head" })
        // Flatten repeats conv2's channels once per frequency row (channels last).
        let flat = g.channelUnits["flat"]!
        #expect(flat.count == 20)
        #expect(flat[5] == flat[0] && flat[6] == flat[1])
    }

    @Test func addTiesUnitsOfBothOperands() throws {
        let g = try UnitGraph(TestGraphs.recurrent)
        let layer = g.layers.first { $0.producers == ["a", "b"] }!
        #expect(layer.units.count == 6)
        for u in layer.units { #expect(g.units[u].refs.map(\.node) == ["a", "b"]) }
        // Concat shifts the side branch's units behind the sum's.
        #expect(g.channelUnits["cat"]![6] == g.producerUnits["side"]![0])
        #expect(g.layers.count == 5)
    }

    @Test func residualOverInputFreezesTheLayer() throws {
        let g = try UnitGraph(TestGraphs.inputResidual)
        #expect(g.units.filter { $0.refs[0].node == "d" }.allSatisfy { $0.frozen })
        #expect(g.units.filter { $0.refs[0].node == "h" }.allSatisfy { !$0.frozen })
    }

    @Test func globalSelectionCutsOnePercentileWithGuard() throws {
        let g = try UnitGraph(TestGraphs.cnn)
        // Layer c1 scores 1...6, c2 10...50 (normalised: 0.2...1), d1 all equal.
        var scores = [Double](repeating: 1, count: g.units.count)
        for (i, u) in g.producerUnits["c1"]!.enumerated() { scores[u] = Double(i + 1) }
        for (i, u) in g.producerUnits["c2"]!.enumerated() { scores[u] = Double(10 * (i + 1)) }
        let normal = UnitSelection.normalised(scores, in: g)
        #expect(normal[g.producerUnits["c2"]![0]] == 0.2)
        let cut = UnitSelection.select(g, scores: scores, fraction: 0.25, scope: .global, minUnits: 2)
        #expect(cut.count == 5) // 25 % of 18 prunable, rounded
        #expect(cut.contains(g.producerUnits["c1"]![0]) && cut.contains(g.producerUnits["c2"]![0]))
        let heavy = UnitSelection.select(g, scores: scores, fraction: 0.95, scope: .global, minUnits: 2)
        for layer in g.layers { #expect(layer.units.filter { !heavy.contains($0) }.count >= 2) }
        let local = UnitSelection.select(g, scores: scores, fraction: 0.5, scope: .local, minUnits: 2)
        #expect(local.filter { g.units[$0].layer == 0 }.count == 3)
        #expect(local.filter { g.units[$0].layer == 2 }.count == 4) // round(3.5)
    }
}
