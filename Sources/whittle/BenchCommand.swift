// `whittle bench nn`: per-layer inference speed at RTNeural's standard sizes (48 kHz, one call
// per sample, float), against RTNeural's published figures for a machine like ours.

import ArgumentParser
import Foundation
import WhittleNN
import WhittleTrain

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks.", subcommands: [NNBenchCommand.self, FrontEndBenchCommand.self])
}

struct NNBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn", abstract: "Per-layer inference time (ns per sample, × real time at 48 kHz) vs. RTNeural.")

    @Option(help: "Seconds of measurement per layer.")
    var seconds: Double = 1.0

    @Option(help: "Only layers whose name contains this text (e.g. LSTM).")
    var only: String?

    func run() throws {
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be positive") }
        print("layer            ours ns/sample  model ns/sample  RTNeural ns/sample  ratio  × real time")
        var sink: Float = 0
        for spec in LayerBench.standard where only.map({ spec.name.contains($0) }) ?? true {
            let result = spec.measure(seconds: seconds, sink: &sink)
            let ratio = result.layerNs / spec.rtneuralNs
            let realTime = 1e9 / 48_000 / result.layerNs
            print(pad(spec.name, 16) + pad(String(format: "%.1f", result.layerNs), 16, right: true)
                  + pad(String(format: "%.1f", result.modelNs), 17, right: true)
                  + pad(String(format: "%.0f", spec.rtneuralNs), 20, right: true)
                  + pad(String(format: "%.2f", ratio), 7, right: true)
                  + pad(String(format: "%.0f", realTime), 13, right: true))
        }
        print("best of 0.1 s batches. ours: layer struct called directly (like RTNeural's compile-time API); model: through Model.process().")
        print("ratio = ours / RTNeural (below 1 is faster). checksum \(sink)")
    }

    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}

/// One benchmarked layer: its size, RTNeural's figure, and how to build it.
struct LayerBench {
    enum Kind { case dense, conv1d(kernel: Int), gru, lstm }
    let name: String
    let kind: Kind
    let inputs: Int
    let outputs: Int
    let rtneuralNs: Double

    static let standard: [LayerBench] = [
        LayerBench(name: "Dense 16→16", kind: .dense, inputs: 16, outputs: 16, rtneuralNs: 23),
        LayerBench(name: "Dense 4→4", kind: .dense, inputs: 4, outputs: 4, rtneuralNs: 6),
        LayerBench(name: "Conv1D 16 k15", kind: .conv1d(kernel: 15), inputs: 16, outputs: 16, rtneuralNs: 228),
        LayerBench(name: "GRU 16", kind: .gru, inputs: 16, outputs: 16, rtneuralNs: 154),
        LayerBench(name: "GRU 4", kind: .gru, inputs: 4, outputs: 4, rtneuralNs: 47),
        LayerBench(name: "LSTM 16", kind: .lstm, inputs: 16, outputs: 16, rtneuralNs: 110),
        LayerBench(name: "LSTM 4", kind: .lstm, inputs: 4, outputs: 4, rtneuralNs: 50),
        LayerBench(name: "LSTM 1→24", kind: .lstm, inputs: 1, outputs: 24, rtneuralNs: 138),
    ]

    /// Builds the layer over fresh buffers with small random weights.
    func makeLayer(arena: Arena, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) -> Layer {
        var rng = TrainRandom(seed: 42)
        func random(_ n: Int) -> [Float] { (0..<n).map { _ in rng.uniform(-1, 1) * 0.5 } }
        let i = inputs, o = outputs
        switch kind {
        case .dense:
            return .dense(Dense(inputs: i, outputs: o, weight: random(i * o), bias: random(o), activation: .identity,
                                input: input, output: output, arena: arena))
        case .conv1d(let k):
            return .conv1d(Conv1D(inChannels: i, outChannels: o, kernel: k, weight: random(i * o * k), bias: random(o),
                                  activation: .identity, input: input, output: output, arena: arena))
        case .gru:
            return .gru(GRU(inputs: i, hidden: o, weightIH: random(3 * o * i), weightHH: random(3 * o * o),
                            biasIH: random(3 * o), biasHH: random(3 * o), input: input, output: output, arena: arena))
        case .lstm:
            return .lstm(LSTM(inputs: i, hidden: o, weightIH: random(4 * o * i), weightHH: random(4 * o * o),
                              biasIH: random(4 * o), biasHH: random(4 * o), input: input, output: output, arena: arena))
        }
    }

    func measure(seconds: Double, sink: inout Float) -> (layerNs: Double, modelNs: Double) {
        let arena = Arena()
        let input = arena.floats(inputs), output = arena.floats(outputs)
        var rng = TrainRandom(seed: 7)
        for j in 0..<inputs { input[j] = rng.uniform(-1, 1) }
        let noise = arena.floats(4096)
        for j in 0..<4096 { noise[j] = rng.uniform(-1, 1) }
        let layer = makeLayer(arena: arena, input: input, output: output)
        let model = Model(nodes: [Node(layer: layer, period: 1)],
                          inputs: [Port(name: "x", shape: [inputs], count: inputs, period: 1, buffer: input)],
                          outputs: [Port(name: "y", shape: [outputs], count: outputs, period: 1, buffer: output)],
                          metadata: ModelMetadata(), arena: arena)
        let layerNs: Double
        switch layer {
        case .dense(let l): layerNs = Self.time(seconds / 2, input, noise, output, &sink) { l.run() }
        case .conv1d(let l): layerNs = Self.time(seconds / 2, input, noise, output, &sink) { l.run(step: 0) }
        case .gru(let l): layerNs = Self.time(seconds / 2, input, noise, output, &sink) { l.run() }
        case .lstm(let l): layerNs = Self.time(seconds / 2, input, noise, output, &sink) { l.run() }
        default: layerNs = .nan
        }
        let modelNs = Self.time(seconds / 2, input, noise, output, &sink) { model.process() }
        return (layerNs, modelNs)
    }

    /// Best ns per call over batches of 0.1 s of 48 kHz audio (the best batch is the one least
    /// disturbed by the other jobs sharing these 2 cores); each call sees a new input sample and
    /// its output is consumed, so nothing is optimised away.
    @inline(__always)
    static func time(_ seconds: Double, _ input: UnsafeMutablePointer<Float>, _ noise: UnsafeMutablePointer<Float>,
                     _ output: UnsafeMutablePointer<Float>, _ sink: inout Float, _ call: () -> Void) -> Double {
        let batch = 4_800
        var perCall: [Double] = []
        var acc: Float = 0
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        repeat {
            let start = DispatchTime.now().uptimeNanoseconds
            for n in 0..<batch {
                input[0] = noise[n & 4095]
                call()
                acc += output[0]
            }
            let elapsed = DispatchTime.now().uptimeNanoseconds - start
            perCall.append(Double(elapsed) / Double(batch))
        } while DispatchTime.now().uptimeNanoseconds < deadline || perCall.count < 3
        sink += acc
        return perCall.min()!
    }
}
