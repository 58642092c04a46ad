// Reads the oracle fixtures written by scripts/nn-fixtures.py and streams them through models.

import Foundation
import Testing
@testable import WhittleNN

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func path(_ name: String) -> String { "\(directory)/\(name).safetensors" }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    static let layerCases = [
        "dense", "dense_2d_input", "conv1d_dilated", "conv1d_strided", "conv1d_k15", "conv2d", "conv2d_time_strided",
        "conv_transpose1d", "conv_transpose1d_short_kernel", "gru", "gru16", "lstm", "lstm_1_24",
        "batchnorm", "layernorm", "maxpool_freq", "avgpool_freq", "activations", "batchnorm_fold",
    ]
    static let graphCases = ["graph_onset_cnn", "graph_ddsp_decoder", "graph_tcn", "graph_sing_decoder"]
}

/// Streams every input frame of a fixture through `model` and collects each output when produced.
func streamFixture(_ model: Model, _ expected: SafeTensorsFile) throws -> [String: [Float]] {
    var frames = -1
    for port in model.inputs {
        let tensor = try #require(expected.tensors["input.\(port.name)"])
        let t = tensor.shape[0]
        #expect(frames == -1 || frames == t)
        frames = t
    }
    var collected: [String: [Float]] = [:]
    for t in 0..<frames {
        for port in model.inputs {
            let values = expected.tensors["input.\(port.name)"]!.values
            for i in 0..<port.count { port.buffer[i] = values[t * port.count + i] }
        }
        model.process()
        for port in model.outputs where model.produced(port) {
            collected[port.name, default: []].append(contentsOf: UnsafeBufferPointer(start: port.buffer, count: port.count))
        }
    }
    return collected
}

/// Normwise relative error max|a − b| / max|b|: float32 sums that cancel to ~0 keep an absolute
/// error of order ulp(terms), so element-wise relative error is meaningless there.
func relativeError(_ actual: [Float], _ reference: [Float]) -> Float {
    let scale = max(reference.map(abs).max() ?? 0, 1e-30)
    var worst: Float = 0
    for (a, b) in zip(actual, reference) { worst = max(worst, abs(a - b)) }
    return worst / scale
}
