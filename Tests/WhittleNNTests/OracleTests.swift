// Every layer type and a few whole graphs, streamed frame by frame, against NumPy's
// whole-sequence forward passes (scripts/nn-fixtures.py).

import Testing
@testable import WhittleNN

@Suite struct OracleTests {
    static let tolerance: Float = 1e-5

    @Test(arguments: Fixtures.layerCases + Fixtures.graphCases)
    func matchesNumPy(_ name: String) throws {
        let model = try Model.load(path: Fixtures.path(name))
        let expected = try SafeTensorsFile.read(path: Fixtures.path("\(name).expected"))
        let outputs = try streamFixture(model, expected)
        for port in model.outputs {
            let reference = try #require(expected.tensors["output.\(port.name)"])
            let actual = outputs[port.name] ?? []
            #expect(actual.count == reference.values.count, "\(name).\(port.name): \(actual.count) values streamed, \(reference.values.count) expected")
            let error = relativeError(actual, reference.values)
            #expect(error <= Self.tolerance, "\(name).\(port.name): relative error \(error)")
            print("oracle \(name).\(port.name): normwise relative error \(error)")
        }
    }

    @Test(arguments: Fixtures.graphCases)
    func resetReplaysIdentically(_ name: String) throws {
        let model = try Model.load(path: Fixtures.path(name))
        let expected = try SafeTensorsFile.read(path: Fixtures.path("\(name).expected"))
        let first = try streamFixture(model, expected)
        model.reset()
        let second = try streamFixture(model, expected)
        #expect(first == second)
    }
}
