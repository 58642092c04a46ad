// A deterministic stand-in for training: "training" shrinks each weight a little and adds
// seeded noise; the metric is a smooth function of the weights. Fast enough to run whole
// lottery loops in tests, and exactly reproducible, which is what resume tests need.

import WhittleNN
import WhittleTrain
@testable import WhittleTrim

struct FakeTrainer: TicketTrainer {
    var metricName: String { "fake" }

    func initialize(_ graph: ModelGraph, seed: UInt64) throws -> ModelFile { try randomModel(graph, seed: seed) }

    func train(_ model: ModelFile, seed: UInt64, rewindEpoch: Int?, masks: [String: [Float]]?, distillation: Distillation?,
               progress: @escaping @Sendable (Double) -> Void) throws -> TrainedTicket {
        var rng = TestRNG(state: seed)
        var out = model
        for name in model.tensors.keys.sorted() where !name.hasSuffix("running_var") {
            out.tensors[name]!.values = out.tensors[name]!.values.map { 0.9 * $0 + 0.05 * rng.uniform() }
            if let m = masks?[name] { for i in m.indices where m[i] == 0 { out.tensors[name]!.values[i] = 0 } }
        }
        progress(1)
        let total = out.tensors.values.reduce(0.0) { $0 + $1.values.reduce(0.0) { $0 + Double(abs($1)) } }
        return TrainedTicket(model: out, rewind: rewindEpoch == nil ? nil : model, metric: 1 - 1 / (1 + total / 100))
    }

    func validationBatches() throws -> [SequenceBatch] {
        var rng = TestRNG(state: 99)
        let (b, t) = (2, 30)
        let mel = TensorData(shape: [b, t, 8, 1], values: (0..<(b * t * 8)).map { _ in rng.uniform() })
        let head = TensorData(shape: [b, t, 3], values: (0..<(b * t * 3)).map { _ in rng.uniform() > 0 ? 1 : 0 })
        return [SequenceBatch(inputs: ["mel": mel], targets: ["head": head])]
    }
}

/// Predicted time proportional to MACs, so budget mode has something to choose by.
struct MACTimer: TicketTimer {
    func times(_ model: ModelFile) throws -> TicketTimes {
        let macs = try ModelCosts(model).macsPerFrame
        return TicketTimes(measured: (macs / 100, macs / 80), predicted: macs / 50)
    }
}
