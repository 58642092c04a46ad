// `whittle trim --task onset|drums|pitch --data DIR --valid DIR`: the lottery's trainer for the
// detector tasks. Like WhittleTrim's TaskTrainer, plus the detector metadata and operating point
// (threshold, time offset, voicing) calibrated for every ticket, so each round's file ships as is.

import ArgumentParser
import WhittleNN
import WhittleTasks
import WhittleTrain
import WhittleTrim

struct DetectorTicketTrainer: TicketTrainer {
    let task: TrainingTask
    let options: TrainOptions
    var metricName: String { task.name == "pitch" ? "RPA (validation)" : "\(task.name) F (validation)" }

    func initialize(_ graph: ModelGraph, seed: UInt64) throws -> ModelFile { try WhittleTrain.initialize(graph, seed: seed) }

    func train(_ model: ModelFile, seed: UInt64, rewindEpoch: Int?, masks: [String: [Float]]?, distillation: Distillation?,
               progress: @escaping @Sendable (Double) -> Void) throws -> TrainedTicket {
        var o = options
        o.seed = seed; o.rewindEpoch = rewindEpoch; o.masks = masks
        let taught: TrainingTask = try distillation.map { try DistilledTask(task, $0) } ?? task
        let outcome = try WhittleTrain.train(model, on: taught, options: o, progress: { p in
            progress(min(max((Double(p.epoch - 1) + Double(p.batch) / Double(max(p.batches, 1))) / Double(max(p.epochs, 1)), 0), 1))
        })
        var trained = try DetectorFinish.finish(outcome.model, task: task)
        for (k, v) in model.metadata where trained.metadata[k] == nil { trained.metadata[k] = v }
        return TrainedTicket(model: trained, rewind: outcome.rewind, metric: outcome.validationMetric)
    }

    func validationBatches() throws -> [SequenceBatch] {
        try task.validationBatches().prefix(6).map { SequenceBatch(inputs: $0.inputs, targets: $0.targets) }
    }
}

extension DetectorTrainOptions {
    /// The start model and the detector trainer, or nil when `name` is not a detector task.
    func trimSetup(_ name: String, start: TrimStart, epochs: Int, batchSize: Int, learningRate: Float,
                   seed: UInt64, threads: Int = 2) throws -> (ModelFile, TicketTrainer)? {
        guard DetectorTasks.names.contains(name) else { return nil }
        var model: ModelFile
        switch start {
        case .graph(let g): model = try WhittleTrain.initialize(g, seed: seed)
        case .model(let m): model = m
        }
        let t: TrainingTask
        do {
            guard let made = try task(name, graph: model.graph) else { return nil }
            t = made
        } catch let e as ValidationError { throw TrimError(e.message) } catch { throw TrimError("\(error)") }
        var o = TrainOptions()
        o.epochs = epochs; o.batchSize = batchSize; o.learningRate = learningRate; o.threads = threads
        if model.metadata["task"] == nil { model.metadata["task"] = name }
        return (model, DetectorTicketTrainer(task: t, options: o))
    }
}
