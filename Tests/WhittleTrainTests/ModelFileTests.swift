// ModelFile round trips: bytes, disk, and the runtime loader.

import Foundation
import Testing
import WhittleNN

func smallModelFile() throws -> ModelFile {
    let graph = try ModelGraph.parse(json: """
    {"inputs": [{"name": "x", "shape": [6, 2]}], "outputs": ["out"],
     "nodes": [{"name": "c", "op": "conv2d", "inputs": ["x"], "channels": 3, "kernel": [2, 3], "padding": 1, "activation": "relu"},
               {"name": "f", "op": "flatten", "inputs": ["c"]},
               {"name": "g", "op": "gru", "inputs": ["f"], "hidden": 4},
               {"name": "out", "op": "dense", "inputs": ["g"], "units": 2, "activation": {"name": "exp_sigmoid", "exponent": 10}}]}
    """)
    var rng: UInt64 = 7
    func values(_ shape: [Int]) -> TensorData {
        TensorData(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(rng >> 40) % 2001 - 1000) / 2000
        })
    }
    let tensors = ["c.weight": values([3, 2, 2, 3]), "c.bias": values([3]),
                   "g.weight_ih": values([12, 18]), "g.weight_hh": values([12, 4]), "g.bias_ih": values([12]), "g.bias_hh": values([12]),
                   "out.weight": values([2, 4]), "out.bias": values([2])]
    return ModelFile(graph: graph, tensors: tensors, metadata: ["task": "test", "hop": "256", "labels": "[\"a\",\"b\"]"])
}

func runFrames(_ model: Model, frames: Int) -> [Float] {
    let input = model.inputs[0], output = model.outputs[0]
    var result: [Float] = []
    for t in 0..<frames {
        for i in 0..<input.count { input.buffer[i] = sin(Float(t * input.count + i) * 0.37) }
        model.process()
        for i in 0..<output.count { result.append(output.buffer[i]) }
    }
    return result
}

@Suite struct ModelFileTests {
    @Test func bytesRoundTrip() throws {
        let file = try smallModelFile()
        let bytes = try file.serialized()
        #expect(try ModelFile.parse(bytes) == file)
        #expect(try file.serialized() == bytes)  // deterministic
        #expect(file.parameterCount == 36 + 3 + 216 + 48 + 24 + 8 + 2)
    }

    @Test func diskRoundTripAndRuntimeAgree() throws {
        let file = try smallModelFile()
        let path = NSTemporaryDirectory() + "whittle-modelfile-\(getpid()).safetensors"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try file.write(path: path)
        #expect(try ModelFile.read(path: path) == file)
        let loaded = try Model.load(path: path)
        let built = try file.build()
        #expect(built.metadata.hop == 256 && built.metadata.labels == ["a", "b"])
        #expect(runFrames(loaded, frames: 9) == runFrames(built, frames: 9))
    }

    @Test func graphAttributesSurvive() throws {
        let file = try smallModelFile()
        let node = file.graph.nodes[0]
        #expect(node.attributes["kernel"]?.intArray == [2, 3])
        #expect(node.attributes["activation"] == .string("relu"))
        let json = try file.graph.json()
        #expect(json.contains("\"kernel\":[2,3]"))
        #expect(try ModelGraph.parse(json: json) == file.graph)
    }

    @Test func badFilesFailClearly() throws {
        #expect(throws: ModelLoadError.self) { try ModelFile.read(path: "/nonexistent/m.safetensors") }
        var file = try smallModelFile()
        file.tensors["c.weight"] = TensorData(shape: [3, 2, 2, 2], values: [Float](repeating: 0, count: 24))
        #expect(throws: ModelLoadError.self) { try file.build() }
    }
}
