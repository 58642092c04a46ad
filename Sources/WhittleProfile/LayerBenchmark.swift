// Microbenchmarks of single layers through Model.process(): the per-type points the layer
// coefficients are fitted to.

import Foundation
import WhittleNN

public enum LayerBenchmark {
    /// Times every benchmark model; `seconds` each. Returns one point per layer of each model
    /// (a single-layer model has one, plus its fused activation when it has one).
    public static func run(seconds: Double, progress: (String) -> Void = { _ in }) throws -> [CalibrationPoint] {
        var points: [CalibrationPoint] = []
        for (label, file) in SingleLayerModels.benchmarks() {
            let work = try GraphCost.layers(of: file.graph)
            guard let layer = work.first, work.count == 1 else { continue }
            let model = try file.build()
            let ns = time(model, seconds: seconds)
            points.append(CalibrationPoint(type: layer.type, label: label, macs: layer.macs, bytes: layer.bytes, steps: layer.steps, ns: ns))
            progress(String(format: "  %-34@ %10.1f ns", label as NSString, ns))
        }
        return points
    }

    /// Several runs of `run` combined: each point's median time (runs in the same order).
    public static func median(_ runs: [[CalibrationPoint]]) -> [CalibrationPoint] {
        guard var result = runs.first else { return [] }
        for i in result.indices {
            result[i].ns = Quantile.median(runs.compactMap { $0.indices.contains(i) && $0[i].label == result[i].label ? $0[i].ns : nil })
        }
        return result
    }

    /// ns per process() call: the median of ~2 ms batches (robust to the other jobs on the machine).
    static func time(_ model: Model, seconds: Double) -> Double {
        let inputs = model.inputs
        var seed: UInt32 = 1
        for port in inputs {
            for i in 0..<port.count {
                seed = seed &* 1_664_525 &+ 1_013_904_223
                port.buffer[i] = Float(Int32(bitPattern: seed)) / Float(Int32.max)
            }
        }
        // Size batches to ~2 ms from a short trial.
        var start = RenderLoop.nowNs()
        var calls = 0
        repeat { model.process(); calls += 1 } while RenderLoop.nowNs() - start < 2_000_000 && calls < 1_000_000
        let batch = max(1, calls)
        var perCall: [Double] = []
        let deadline = RenderLoop.nowNs() + UInt64(seconds * 1e9)
        repeat {
            start = RenderLoop.nowNs()
            for _ in 0..<batch {
                inputs[0].buffer[0] += 1e-3   // a changing input, so no call is redundant
                model.process()
            }
            perCall.append(Double(RenderLoop.nowNs() - start) / Double(batch))
        } while RenderLoop.nowNs() < deadline || perCall.count < 5
        return Quantile.of(perCall.sorted(), 0.5)
    }
}
