import Foundation
import WhittleNN

/// Writes small model files for engine tests with the project's own safetensors writer.
enum TinyModels {
    static func write(path: String, graph: String, tensors: [(String, [Int], [Float])], metadata: [String: String]) throws {
        try ModelFile(graph: ModelGraph.parse(json: graph),
                      tensors: Dictionary(uniqueKeysWithValues: tensors.map { ($0.0, TensorData(shape: $0.1, values: $0.2)) }),
                      metadata: metadata).write(path: path)
    }

    /// An "onset detector" that is really a loudness detector: sigmoid(w · logmel + b).
    static func loudness(path: String, rate: Int = 16000, hop: Int = 160) throws {
        let graph = #"{"inputs":[{"name":"mel","shape":[16,1]}],"outputs":["onset"],"nodes":[{"name":"flat","op":"flatten","inputs":["mel"]},{"name":"onset","op":"dense","inputs":["flat"],"units":1,"activation":"sigmoid"}]}"#
        try write(path: path, graph: graph,
                  tensors: [("onset.weight", [1, 16], [Float](repeating: 2, count: 16)), ("onset.bias", [1], [-3])],
                  metadata: ["task": "onset", "sample_rate": "\(rate)", "hop": "\(hop)",
                             "features": #"{"type":"logmel","n_fft":512,"bands":16,"fmin":30,"fmax":7000,"compression":10}"#])
    }

    /// A "drum detector": three copies of the loudness detector (KD, SD, HH outputs).
    static func loudnessDrums(path: String) throws {
        let graph = #"{"inputs":[{"name":"mel","shape":[16,1]}],"outputs":["drums"],"nodes":[{"name":"flat","op":"flatten","inputs":["mel"]},{"name":"drums","op":"dense","inputs":["flat"],"units":3,"activation":"sigmoid"}]}"#
        try write(path: path, graph: graph,
                  tensors: [("drums.weight", [3, 16], [Float](repeating: 2, count: 48)), ("drums.bias", [3], [-3, -3, -3])],
                  metadata: ["task": "drums", "sample_rate": "16000", "hop": "160", "labels": #"["KD","SD","HH"]"#,
                             "features": #"{"type":"logmel","n_fft":512,"bands":16,"fmin":30,"fmax":7000,"compression":10}"#])
    }

    /// A "pitch detector" whose output is always a bump around 440 Hz.
    static func constantPitch(path: String, voicingThreshold: String? = nil, extra: [String: String] = [:]) throws {
        let graph = #"{"inputs":[{"name":"frame","shape":[256,1]}],"outputs":["pitch"],"nodes":[{"name":"flat","op":"flatten","inputs":["frame"]},{"name":"pitch","op":"dense","inputs":["flat"],"units":360,"activation":"sigmoid"}]}"#
        let centre = (1200 * log2(440.0 / 10) - 1997.3794) / 20
        let bias = (0..<360).map { Float(8 * exp(-pow(Double($0) - centre, 2) / 2) - 4) }
        try write(path: path, graph: graph,
                  tensors: [("pitch.weight", [360, 256], [Float](repeating: 0, count: 360 * 256)), ("pitch.bias", [360], bias)],
                  metadata: ["task": "pitch", "sample_rate": "16000", "hop": "160",
                             "features": #"{"type":"frames","size":256}"#].merging(voicingThreshold.map { ["voicing_threshold": $0] } ?? [:]) { $1 }
                    .merging(extra) { $1 })
    }

    /// A harmonic-sum pitch detector on the harmonic spectrum front end: per bin, sigmoid of the
    /// summed ×1…×5 columns minus a threshold (no learning: the front end does the work).
    static func harmonicSum(path: String) throws {
        let graph = #"{"inputs":[{"name":"spectrum","shape":[360,6]}],"outputs":["pitch"],"nodes":[{"name":"sum","op":"conv2d","inputs":["spectrum"],"channels":1,"kernel":[1,1],"activation":"sigmoid"},{"name":"pitch","op":"flatten","inputs":["sum"]}]}"#
        try write(path: path, graph: graph,
                  tensors: [("sum.weight", [1, 6, 1, 1], [0, 1, 1, 1, 1, 1]), ("sum.bias", [1], [-10])],
                  metadata: ["task": "pitch", "sample_rate": "16000", "hop": "160", "voicing_threshold": "0.5",
                             "features": #"{"type":"harmonic_spectrum","window":1024,"n_fft":2048,"fmin":31.70,"bins":360,"bins_per_octave":60,"harmonics":[0.5,1,2,3,4,5],"compression":1}"#])
    }
}
