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

@Suite struct OracleSensitivityTests {
    /// The oracle must be able to fail: one recurrent weight nudged by 1e-3 is caught.
    @Test func perturbedWeightIsDetected() throws {
        let bytes = try rewrite(try Fixtures.bytes("gru16")) { _, blobs in
            var raw = blobs["l.weight_hh"]!
            let value = raw.withUnsafeBytes { $0.load(fromByteOffset: 40, as: Float.self) } + 1e-3
            withUnsafeBytes(of: value) { raw.replaceSubrange(40..<44, with: $0) }
            blobs["l.weight_hh"] = raw
        }
        let model = try Model.load(bytes: bytes)
        let expected = try SafeTensorsFile.read(path: Fixtures.path("gru16.expected"))
        let outputs = try streamFixture(model, expected)
        let error = relativeError(outputs["l"]!, expected.tensors["output.l"]!.values)
        #expect(error > OracleTests.tolerance, "error \(error)")
    }

    @Test func batchNormIsFoldedWherePossible() throws {
        // dense+bn1 fold into one layer; bn2 follows an activation and stays a per-channel affine.
        #expect(try Model.load(path: Fixtures.path("batchnorm_fold")).layerCount == 3)
        // conv+bn fold; flatten is free: c1, relu, pool, c2, d1, onset.
        #expect(try Model.load(path: Fixtures.path("graph_onset_cnn")).layerCount == 6)
    }

    @Test func stridedOutputsAreProducedEveryStrideFrames() throws {
        let model = try Model.load(path: Fixtures.path("conv1d_strided"))
        let port = model.outputs[0]
        var produced: [Int] = []
        for t in 0..<7 {
            model.process()
            if model.produced(port) { produced.append(t) }
        }
        #expect(produced == [0, 2, 4, 6])
    }
}

@Suite struct NonFiniteInputTests {
    /// NaN and ±Inf inputs must not trap (no Float→Int conversions on the forward path), and
    /// reset() must clear any poisoned state.
    @Test(arguments: Fixtures.graphCases + ["gru", "lstm", "conv2d", "activations", "layernorm"])
    func nonFiniteInputsNeverTrapAndResetRecovers(_ name: String) throws {
        let model = try Model.load(path: Fixtures.path(name))
        let poison: [Float] = [.nan, .infinity, -.infinity, 1e30, -1e30]
        for t in 0..<12 {
            for port in model.inputs { for i in 0..<port.count { port.buffer[i] = poison[(t + i) % poison.count] } }
            model.process()
        }
        model.reset()
        let expected = try SafeTensorsFile.read(path: Fixtures.path("\(name).expected"))
        let outputs = try streamFixture(model, expected)
        for port in model.outputs {
            let error = relativeError(outputs[port.name] ?? [], expected.tensors["output.\(port.name)"]!.values)
            #expect(error <= OracleTests.tolerance, "\(name).\(port.name) after reset: \(error)")
        }
    }
}
