// Training end to end at tiny size: it learns, it resumes bit-identically, it checks its options.

import Foundation
import Testing
@testable import WhittleTrain

let tinyGraph = #"""
{"inputs": [{"name": "x", "shape": [8]}], "outputs": ["y"],
 "nodes": [{"name": "c", "op": "conv1d", "inputs": ["x"], "channels": 6, "kernel": 3},
           {"name": "bn", "op": "batchnorm", "inputs": ["c"]},
           {"name": "r", "op": "relu", "inputs": ["bn"]},
           {"name": "g", "op": "gru", "inputs": ["r"], "hidden": 8},
           {"name": "y", "op": "dense", "inputs": ["g"], "units": 1, "activation": "sigmoid"}]}
"""#

func tinyTask(_ g: ModelGraph, sequences: Int = 32) throws -> SyntheticTask { try SyntheticTask(graph: g, seed: 4, frames: 48, trainingSequences: sequences, validationSequences: 16) }

@Suite struct TrainerTests {
    @Test func learnsTheSyntheticTask() throws {
        let g = try graph(tinyGraph), task = try tinyTask(g, sequences: 128)
        let model = try initialize(g, seed: 1)
        var options = TrainOptions()
        options.epochs = 8; options.batchSize = 8; options.learningRate = 1e-2; options.seed = 1
        let before = try evaluate(model, on: task)
        let outcome = try train(model, on: task, options: options)
        print("tiny synthetic: F \(before) → \(outcome.validationMetric); losses \(outcome.history.map { String(format: "%.3f", $0.loss) })")
        #expect(outcome.history.last!.loss < outcome.history.first!.loss)
        #expect(outcome.validationMetric > max(before, 0.6))
        // The trained file runs in the runtime with the outputs training computed.
        #expect(try outcome.model.build().outputs.count == 1)
        #expect(abs(try evaluate(outcome.model, on: task) - outcome.validationMetric) < 1e-12)
    }

    @Test func resumeEndsBitIdentical() throws {
        let g = try graph(tinyGraph), task = try tinyTask(g)
        let model = try initialize(g, seed: 2)
        let dir = NSTemporaryDirectory() + "whittle-ckpt-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var options = TrainOptions()
        options.epochs = 4; options.batchSize = 8; options.seed = 9; options.rewindEpoch = 1; options.learningRate = 3e-3
        let straight = try train(model, on: task, options: options)

        options.checkpointDirectory = dir
        options.stopAfterEpochs = 2
        let interrupted = try train(model, on: task, options: options)
        #expect(interrupted.epochsRun == 2)
        options.stopAfterEpochs = nil
        options.resume = true
        let resumed = try train(model, on: task, options: options)
        #expect(resumed.epochsRun == 4)
        #expect(resumed.model.tensors == straight.model.tensors)
        #expect(resumed.rewind?.tensors == straight.rewind?.tensors)
        #expect(resumed.validationMetric.bitPattern == straight.validationMetric.bitPattern)
        #expect(resumed.history.map(\.loss) == straight.history.map(\.loss))
    }

    @Test func earlyStoppingAndRewindAtInit() throws {
        let g = try graph(tinyGraph), task = try tinyTask(g)
        let model = try initialize(g, seed: 3)
        var options = TrainOptions()
        options.epochs = 30; options.batchSize = 16; options.learningRate = 1e-6; options.patience = 2; options.rewindEpoch = 0
        let outcome = try train(model, on: task, options: options)
        #expect(outcome.epochsRun < 30)
        #expect(outcome.rewind?.tensors == model.tensors)
    }

    @Test func masksStayZero() throws {
        let g = try graph(tinyGraph), task = try tinyTask(g)
        let model = try initialize(g, seed: 3)
        var options = TrainOptions()
        options.epochs = 1; options.batchSize = 8
        var mask = [Float](repeating: 1, count: model.tensors["y.weight"]!.values.count)
        mask[0] = 0; mask[3] = 0
        options.masks = ["y.weight": mask]
        let w = try train(model, on: task, options: options).model.tensors["y.weight"]!.values
        #expect(w[0] == 0 && w[3] == 0 && w[1] != 0)
    }

    @Test func badOptionsAndTasksFailClearly() throws {
        var o = TrainOptions(); o.learningRate = -1
        #expect(throws: TrainError.self) { try o.validate() }
        o = TrainOptions(); o.epochs = 0
        #expect(throws: TrainError.self) { try o.validate() }
        o = TrainOptions(); o.resume = true
        #expect(throws: TrainError.self) { try o.validate() }
        #expect(throws: TrainError.self) { try TrainingTasks.named("nope", graph: try graph(tinyGraph), seed: 0) }
    }

    @Test func unitActivationsShapes() throws {
        let g = try graph(everyOpGraph)
        let model = try initialize(g, seed: 1)
        let task = try SyntheticTask(graph: try graph(tinyGraph), seed: 1, frames: 16, trainingSequences: 2, validationSequences: 2)
        // A task for an [8, 2] input: reuse the synthetic generator's shape rules through a small adapter.
        struct Adapter: TrainingTask {
            let base: SyntheticTask
            var name: String { "adapter" }
            func trainingBatches(epoch: Int, seed: UInt64) throws -> [Batch] { [] }
            func validationBatches() throws -> [Batch] {
                let b = try base.validationBatches()[0]
                let x = b.inputs["x"]!
                return [Batch(inputs: ["x": TensorData(shape: [x.shape[0], x.shape[1], 8, 2], values: x.values.flatMap { [$0, -$0] })], targets: [:])]
            }
            func loss(output: String) -> LossKind { .mse }
            func metric(outputs: [[String: TensorData]], batches: [Batch]) -> Double { 0 }
        }
        let acts = try unitActivations(model, on: Adapter(base: task), maxFrames: 20)
        #expect(acts["c2"]?.count == 20 && acts["c2"]?.first?.count == 4)   // conv2d: averaged over frequency
        #expect(acts["g"]?.first?.count == 5)
        #expect(acts["c1s"]?.count == 8)  // 2 sequences × 4 frames at a quarter of the rate
    }
}
