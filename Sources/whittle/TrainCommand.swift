// `whittle train`: trains a graph (fresh weights) or a model file on a task and writes a
// safetensors model the runtime loads directly.

import ArgumentParser
import Foundation
import WhittleTasks
import WhittleTrain

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on a task and write it as a safetensors model file.",
        discussion: """
        Give either --graph GRAPH.json (fresh torch-like weights from --seed) or --init MODEL.safetensors \
        (continue from its weights). Checkpoints go to --checkpoints DIR after every epoch; --resume \
        continues an interrupted run there and ends bit-identical to an uninterrupted one. The written \
        model keeps the weights with the best validation metric. Tasks: \(TrainingTasks.names.joined(separator: ", ")). \
        Example: whittle train --task synthetic --graph Models/graphs/synthetic-onset.json --out /tmp/onset.safetensors
        """)

    @Option(help: "Training task.") var task: String
    @Option(help: "Graph JSON to train from fresh weights.") var graph: String?
    @Option(name: .customLong("init"), help: "Model file whose weights to start from.") var initial: String?
    @Option(help: "Output model file.") var out: String
    @Option(help: "Epochs.") var epochs: Int = 20
    @Option(help: "Sequences per batch.") var batch: Int = 16
    @Option(help: "Learning rate (cosine-decayed to 5 % over the run).") var lr: Float = 1e-3
    @Option(name: .customLong("weight-decay"), help: "Decoupled weight decay (AdamW) on weight matrices and kernels.") var weightDecay: Float = 0
    @Option(help: "Seed for weights, data order and the synthetic data.") var seed: UInt64 = 0
    @Option(name: .customLong("rewind-epoch"), help: "Also write OUT with .rewind before the extension: the weights after this epoch (0 = initial).") var rewindEpoch: Int?
    @Option(help: "Stop after this many epochs without a better validation metric.") var patience: Int?
    @Option(help: "Checkpoint directory (written after every epoch).") var checkpoints: String?
    @Flag(help: "Resume from the checkpoint in --checkpoints.") var resume = false
    @Option(help: "Data-parallel worker threads.") var threads: Int = 2
    @Option(name: .customLong("blas-threads"), help: "OpenBLAS threads per GEMM.") var blasThreads: Int = 1
    @Option(help: "Teacher model files (comma-separated; several are averaged, e.g. one recipe under several seeds): training targets blend in their outputs (with --distill).") var teacher: String?
    @Option(help: "Share of every training target taken from the teachers' mean output, in (0, 1] (with --teacher).") var distill: Float?
    @OptionGroup(title: "Detector tasks (onset, drums, pitch)") var detector: DetectorTrainOptions

    func run() throws {
        let model: ModelFile
        do {
            switch (graph, initial) {
            case (let g?, nil):
                guard let text = try? String(contentsOfFile: g, encoding: .utf8) else { throw usage("cannot read graph file \(g)") }
                model = try initialize(ModelGraph.parse(json: text), seed: seed)
            case (nil, let m?):
                model = try ModelFile.read(path: m)
            default:
                throw usage("give exactly one of --graph GRAPH.json and --init MODEL.safetensors")
            }
        } catch let e as ExitCode { throw e } catch {
            throw usage("\(error)")
        }
        var options = TrainOptions()
        options.epochs = epochs; options.batchSize = batch; options.learningRate = lr; options.weightDecay = weightDecay
        options.seed = seed; options.rewindEpoch = rewindEpoch; options.patience = patience
        options.checkpointDirectory = checkpoints; options.resume = resume
        options.threads = threads; options.blasThreads = blasThreads
        let baseTask: TrainingTask, trainingTask: TrainingTask
        var teacherNote: String?
        do {
            try options.validate()
            baseTask = try detector.task(task, graph: model.graph) ?? TrainingTasks.named(task, graph: model.graph, seed: seed)
            _ = try TrainGraph(model)
            let teachers = DetectorTrainOptions.list(teacher)
            switch (teachers.isEmpty, distill) {
            case (true, nil): trainingTask = baseTask
            case (false, let w?):
                let files = try teachers.map { try TeacherCheck.read($0, for: baseTask, student: model.graph) }
                trainingTask = try DistilledTask(baseTask, Distillation(teachers: files, weight: w))
                teacherNote = TeacherCheck.note(paths: teachers, weight: w)
            case (true, _?): throw usage("--distill needs --teacher MODEL[,MODEL...]")
            case (false, nil): throw usage("--teacher needs --distill W (the teachers' share of each target, e.g. 0.5)")
            }
        } catch let e as ExitCode { throw e } catch { throw usage("\(error)") }

        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) != 0)
        let outcome: TrainOutcome
        do {
            outcome = try train(model, on: trainingTask, options: options) { bar.show($0) }
        } catch {
            bar.finish()
            throw Failure.exit("training failed: \(error)", code: 1)
        }
        bar.finish()
        do {
            var finished = try DetectorFinish.finish(outcome.model, task: baseTask)
            if let teacherNote { finished.metadata["distillation"] = teacherNote }
            try finished.write(path: out)
            if let rewind = outcome.rewind { try rewind.write(path: rewindPath(out)) }
        } catch { throw Failure.exit("\(error)", code: 1) }
        for h in outcome.history { print(String(format: "epoch %3d  loss %.4f  validation %.4f", h.epoch, h.loss, h.metric)) }
        print(String(format: "wrote %@ (%d parameters, best validation metric %.4f)", out, outcome.model.parameterCount, outcome.validationMetric))
    }

    func usage(_ message: String) -> ExitCode { Failure.exit(message, code: 2) }
    func rewindPath(_ path: String) -> String {
        let ext = (path as NSString).pathExtension
        return ext.isEmpty ? path + ".rewind" : (path as NSString).deletingPathExtension + ".rewind." + ext
    }
}

/// One status line on stderr, redrawn in place; silent when stderr is not a terminal.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    private var drawn = false
    init(enabled: Bool) { self.enabled = enabled }

    func show(_ p: TrainProgress) {
        guard enabled else { return }
        let done = Double(p.epoch - 1) + Double(p.batch) / Double(max(p.batches, 1))
        let fraction = min(max(done / Double(max(p.epochs, 1)), 0), 1)
        let width = 24, filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var line = String(format: "epoch %d/%d %@ %3.0f%%  loss %.4f", p.epoch, p.epochs, bar, fraction * 100, p.loss)
        if let m = p.validationMetric { line += String(format: "  val %.4f", m) }
        if let eta = p.etaSeconds { line += "  ETA " + Self.clock(eta) }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        drawn = true
    }

    func finish() {
        if enabled && drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
