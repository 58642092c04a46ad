// The training loop: epochs of shuffled batches split over data-parallel workers, AdamW, BatchNorm
// running averages, validation after every epoch, early stopping, a rewind snapshot, and a
// checkpoint after every epoch from which a resumed run ends bit-identical to an uninterrupted one.

import Dispatch
import Foundation

public func train(_ model: ModelFile, on task: TrainingTask, options: TrainOptions,
                  progress: ((TrainProgress) -> Void)? = nil) throws -> TrainOutcome {
    try options.validate()
    BLAS.setThreads(options.blasThreads)
    let workers = try (0..<options.threads).map { _ in try TrainGraph(model) }
    let graph = workers[0]
    let names = graph.trainableNames
    let decayed = Set(names.filter { (graph.tensorShapes[$0]?.count ?? 0) >= 2 })
    if let masks = options.masks {
        for (name, mask) in masks where graph.tensorShapes[name]?.reduce(1, *) != mask.count {
            throw TrainError("mask '\(name)' does not match a tensor of the graph")
        }
    }
    let trainedOutputs = graph.graph.outputs
    var state = TrainState(parameters: model.tensors.mapValues(\.values))
    applyMasks(&state.parameters, options.masks)
    if options.rewindEpoch == 0 { state.rewind = state.parameters }
    let checkpoint = options.checkpointDirectory.map { Checkpoint(directory: $0) }
    if options.resume, let checkpoint, checkpoint.exists {
        state = try checkpoint.load(graph: model.graph, shapes: graph.tensorShapes)
    }
    let validation = try task.validationBatches()
    let start = DispatchTime.now().uptimeNanoseconds
    var stepsDone = 0

    while state.epoch < options.epochs {
        if let p = options.patience, state.badEpochs >= p { break }
        if let stop = options.stopAfterEpochs, state.epoch >= stop { break }
        let epoch = state.epoch
        let batches = try regroup(task.trainingBatches(epoch: epoch, seed: options.seed), size: options.batchSize,
                                  random: TrainRandom.stream(options.seed, UInt64(epoch) &+ 1))
        let rate = scheduledRate(options.learningRate, epoch: epoch, epochs: options.epochs)
        var lossSum = 0.0
        for (index, batch) in batches.enumerated() {
            let results = try runShards(workers, batch, state.parameters, task, outputs: trainedOutputs)
            var gradients = results[0].gradients
            let total = Float(batch.count)
            for name in names { gradients[name] = gradients[name]!.map { $0 * Float(results[0].count) / total } }
            for r in results.dropFirst() {
                let w = Float(r.count) / total
                for name in names { gradients[name] = zip(gradients[name]!, r.gradients[name]!).map { $0 + w * $1 } }
            }
            updateStatistics(&state.parameters, results, graph: graph)
            clipGradients(&gradients, names: names, limit: options.clipNorm)
            state.adam.update(&state.parameters, gradients, names: names, learningRate: rate,
                              weightDecay: options.weightDecay, decayed: decayed)
            applyMasks(&state.parameters, options.masks)
            lossSum += results.reduce(0.0) { $0 + $1.loss * Double($1.count) } / Double(batch.count)
            stepsDone += 1
            if let progress {
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let remaining = (options.epochs - epoch) * batches.count - index - 1
                progress(TrainProgress(epoch: epoch + 1, epochs: options.epochs, batch: index + 1, batches: batches.count,
                                       loss: lossSum / Double(index + 1), validationMetric: nil, elapsedSeconds: elapsed,
                                       etaSeconds: elapsed / Double(stepsDone) * Double(remaining)))
            }
        }
        let metric = try validationMetric(graph, state.parameters, task, validation)
        state.epoch += 1
        state.history.append((state.epoch, lossSum / Double(max(batches.count, 1)), metric))
        if metric > state.bestMetric || state.best.isEmpty {
            state.bestMetric = metric; state.best = state.parameters; state.bestEpoch = state.epoch; state.badEpochs = 0
        } else {
            state.badEpochs += 1
        }
        if options.rewindEpoch == state.epoch { state.rewind = state.parameters }
        try checkpoint?.save(state, graph: model.graph)
        if let progress {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            progress(TrainProgress(epoch: state.epoch, epochs: options.epochs, batch: batches.count, batches: batches.count,
                                   loss: state.history.last!.loss, validationMetric: metric, elapsedSeconds: elapsed,
                                   etaSeconds: stepsDone == 0 ? nil : elapsed / Double(stepsDone) * Double((options.epochs - state.epoch) * batches.count)))
        }
    }

    func file(_ p: Parameters) -> ModelFile {
        var m = model
        for (name, values) in p { m.tensors[name] = TensorData(shape: graph.tensorShapes[name]!, values: values) }
        return m
    }
    var result = file(state.best.isEmpty ? state.parameters : state.best)
    result.metadata["training"] = trainingNote(task: task, options: options, state: state)
    return TrainOutcome(model: result, rewind: state.rewind.map(file), validationMetric: state.bestMetric,
                        epochsRun: state.epoch, history: state.history)
}

/// The validation metric of a model on a task's validation data.
public func evaluate(_ model: ModelFile, on task: TrainingTask) throws -> Double {
    try validationMetric(TrainGraph(model), model.tensors.mapValues(\.values), task, task.validationBatches())
}

func validationMetric(_ graph: TrainGraph, _ p: Parameters, _ task: TrainingTask, _ batches: [Batch]) throws -> Double {
    var outputs: [[String: TensorData]] = []
    for batch in batches {
        let values = try graph.forward(batch.inputs.mapValues(Seq.init), p, training: false)
        var o: [String: TensorData] = [:]
        for name in graph.graph.outputs { o[name] = values[name]!.tensor }
        outputs.append(o)
    }
    return task.metric(outputs: outputs, batches: batches)
}

struct ShardResult: @unchecked Sendable {
    var loss = 0.0, gradients: Parameters = [:], statistics: Parameters = [:], count = 0
}

/// Forward and backward of one batch, split along the batch axis over the workers (in parallel).
func runShards(_ workers: [TrainGraph], _ batch: Batch, _ p: Parameters, _ task: TrainingTask, outputs: [String]) throws -> [ShardResult] {
    let shards = min(workers.count, batch.count)
    let bounds = (0...shards).map { $0 * batch.count / shards }
    let results = UnsafeMutableBufferPointer<Result<ShardResult, Error>>.allocate(capacity: shards)
    defer { results.deallocate() }
    let box = UnsafeSendable(results)
    DispatchQueue.concurrentPerform(iterations: shards) { i in
        let part = batch.slice(bounds[i]..<bounds[i + 1])
        box.value.baseAddress!.advanced(by: i).initialize(to: Result { try step(workers[i], part, p, task, outputs: outputs) })
    }
    return try (0..<shards).map { try results[$0].get() }
}

struct UnsafeSendable<T>: @unchecked Sendable { let value: T; init(_ v: T) { value = v } }

func step(_ graph: TrainGraph, _ batch: Batch, _ p: Parameters, _ task: TrainingTask, outputs: [String]) throws -> ShardResult {
    let values = try graph.forward(batch.inputs.mapValues(Seq.init), p, training: true)
    var seeds: [String: Seq] = [:], loss = 0.0
    for output in outputs {
        guard let target = batch.targets[output] else { continue }
        do {
            let (l, g) = try task.loss(output: output).evaluate(output: values[output]!, target: Seq(target))
            loss += l; seeds[output] = g
        } catch let e as TrainError { throw TrainError("output '\(output)': \(e.message)") }
    }
    guard !seeds.isEmpty else { throw TrainError("batch has no target for any graph output (\(outputs.joined(separator: ", ")))") }
    let (g, _) = graph.backward(seeds, p)
    return ShardResult(loss: loss, gradients: g, statistics: graph.batchStatistics(), count: batch.count)
}

/// BatchNorm running averages from the shards' batch statistics (weighted by shard size).
func updateStatistics(_ p: inout Parameters, _ results: [ShardResult], graph: TrainGraph) {
    let total = Float(results.reduce(0) { $0 + $1.count })
    for name in results[0].statistics.keys.sorted() {
        var batchValue = [Float](repeating: 0, count: p[name]!.count)
        for r in results { for i in batchValue.indices { batchValue[i] += Float(r.count) / total * r.statistics[name]![i] } }
        let m = graph.momentum(of: name)
        p[name] = zip(p[name]!, batchValue).map { (1 - m) * $0 + m * $1 }
    }
}

func applyMasks(_ p: inout Parameters, _ masks: [String: [Float]]?) {
    guard let masks else { return }
    for (name, mask) in masks { p[name] = zip(p[name]!, mask).map { $0 * $1 } }
}

/// Sequences regrouped into shuffled batches of `size` (equal lengths together).
func regroup(_ batches: [Batch], size: Int, random: TrainRandom) throws -> [Batch] {
    var singles: [Batch] = []
    for b in batches { for i in 0..<b.count { singles.append(b.slice(i..<(i + 1))) } }
    guard !singles.isEmpty else { throw TrainError("the task produced no training sequences") }
    var r = random
    r.shuffle(&singles)
    var byLength: [Int: [Batch]] = [:]
    for s in singles { byLength[s.length, default: []].append(s) }
    var result: [Batch] = []
    for length in byLength.keys.sorted() {
        let group = byLength[length]!
        for start in stride(from: 0, to: group.count, by: size) { result.append(Batch.joined(Array(group[start..<min(start + size, group.count)]))) }
    }
    r.shuffle(&result)
    return result
}

func trainingNote(task: TrainingTask, options: TrainOptions, state: TrainState) -> String {
    let o: [String: Any] = ["task": task.name, "epochs": state.epoch, "best_epoch": state.bestEpoch, "validation_metric": state.bestMetric,
                            "batch": options.batchSize, "lr": Double(options.learningRate), "weight_decay": Double(options.weightDecay),
                            "seed": options.seed]
    let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
}
