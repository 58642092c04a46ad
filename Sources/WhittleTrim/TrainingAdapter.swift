// The lottery's trainer over WhittleTrain (contracts §2): one TrainingTask, TrainOptions per round.
// Kept thin so a change in the training API is a one-line fix here.

import WhittleNN
import WhittleTrain

public enum TrimStart: Sendable {
    case graph(ModelGraph)
    case model(ModelFile)
}

public enum TrimTasks {
    public static var names: [String] { TrainingTasks.names }

    /// The starting model (fresh weights for a graph) and a trainer for `task`.
    public static func setup(task: String, start: TrimStart, epochs: Int, batchSize: Int, learningRate: Float,
                             seed: UInt64, threads: Int = 2) throws -> (ModelFile, TaskTrainer) {
        let model: ModelFile
        switch start {
        case .graph(let graph):
            model = try WhittleTrain.initialize(graph, seed: seed)
        case .model(let file):
            model = file
        }
        let trainingTask: TrainingTask
        do { trainingTask = try TrainingTasks.named(task, graph: model.graph, seed: seed) } catch {
            throw TrimError("\(error)")
        }
        var options = TrainOptions()
        options.epochs = epochs
        options.batchSize = batchSize
        options.learningRate = learningRate
        options.threads = threads
        var start = model
        if start.metadata["task"] == nil { start.metadata["task"] = task }
        return (start, TaskTrainer(task: trainingTask, options: options))
    }
}

public struct TaskTrainer: TicketTrainer {
    public let task: TrainingTask
    public let options: TrainOptions
    public var metricName: String { "\(task.name) metric" }

    public func initialize(_ graph: ModelGraph, seed: UInt64) throws -> ModelFile {
        try WhittleTrain.initialize(graph, seed: seed)
    }

    public func train(_ model: ModelFile, seed: UInt64, rewindEpoch: Int?, masks: [String: [Float]]?, distillation: Distillation?,
                      progress: @escaping @Sendable (Double) -> Void) throws -> TrainedTicket {
        var o = options
        o.seed = seed
        o.rewindEpoch = rewindEpoch
        o.masks = masks
        let epochs = Double(o.epochs)
        let taught: TrainingTask = try distillation.map { try DistilledTask(task, $0) } ?? task
        let outcome = try WhittleTrain.train(model, on: taught, options: o, progress: { p in progress(Self.fraction(p, epochs: epochs)) })
        var trained = outcome.model
        for (k, v) in model.metadata where trained.metadata[k] == nil { trained.metadata[k] = v }
        return TrainedTicket(model: trained, rewind: outcome.rewind, metric: outcome.validationMetric)
    }

    public func validationBatches() throws -> [SequenceBatch] {
        try task.validationBatches().map { SequenceBatch(inputs: $0.inputs, targets: $0.targets) }
    }

    /// Epochs done plus the current epoch's share of batches.
    static func fraction(_ p: TrainProgress, epochs: Double) -> Double {
        let done = Double(p.epoch - 1) + Double(p.batch) / Double(max(p.batches, 1))
        return min(max(done / max(Double(p.epochs), 1), 0), 1)
    }
}
