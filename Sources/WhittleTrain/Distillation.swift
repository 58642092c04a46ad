// Knowledge distillation for trimmed tickets: a small network trains against a blend of the labels
// and a teacher's outputs (the dense parent), which carry more than the labels do (how sure the
// parent is, what a hat that sounds like a snare looks like to it). Hinton et al. 2015; with BCE
// outputs the blend is itself a valid soft target, so the task's loss stays as it is.
// Several teachers (the same recipe under several seeds) teach their mean output: an ensemble
// averages away what each seed learned by chance, and one network of the original size learns it.

/// The teachers and how much of each training target they supply.
public struct Distillation: Sendable {
    /// One or more teachers with the same outputs; their outputs are averaged.
    public var teachers: [ModelFile]
    /// Share of the target from the teachers' output, in (0, 1]; the rest from the labels.
    public var weight: Float
    public init(teacher: ModelFile, weight: Float) { self.teachers = [teacher]; self.weight = weight }
    public init(teachers: [ModelFile], weight: Float) { self.teachers = teachers; self.weight = weight }
    /// The single teacher (the trim tool's dense parent); the first of an ensemble.
    public var teacher: ModelFile { teachers[0] }
}

/// `base` with every training target blended with the teacher's output on the same inputs.
/// Validation (batches and metric) is the base task's, against the labels alone.
public struct DistilledTask: TrainingTask {
    public let base: TrainingTask
    public let distillation: Distillation
    public var name: String { base.name }

    public init(_ base: TrainingTask, _ distillation: Distillation) throws {
        guard distillation.weight > 0, distillation.weight <= 1 else {
            throw TrainError("distillation weight must be in (0, 1] (got \(distillation.weight))")
        }
        guard let first = distillation.teachers.first else { throw TrainError("distillation needs at least one teacher") }
        for (i, t) in distillation.teachers.enumerated() {
            guard Set(t.graph.outputs) == Set(first.graph.outputs),
                  t.graph.inputs.map(\.name) == first.graph.inputs.map(\.name),
                  t.graph.inputs.map(\.shape) == first.graph.inputs.map(\.shape) else {
                throw TrainError("distillation: teacher \(i + 1) has other inputs or outputs than teacher 1 (\(t.graph.outputs) vs \(first.graph.outputs))")
            }
        }
        for output in first.graph.outputs {
            switch base.loss(output: output) {
            case .bce, .pitchCrossEntropy: break
            case .spectral, .mse: throw TrainError("distillation: output '\(output)' has no probability target to blend")
            }
        }
        self.base = base
        self.distillation = distillation
    }

    /// Sequences per teacher forward pass. A task may hand over a whole epoch as one batch (pitch:
    /// 2048 crops), and one forward pass over it holds every layer's activations and im2col
    /// buffers at once (13 GB for the pitch parent); in chunks the outputs are the same.
    static let teacherChunk = 64

    public func trainingBatches(epoch: Int, seed: UInt64) throws -> [Batch] {
        let parts = try base.trainingBatches(epoch: epoch, seed: seed).map { batch in
            stride(from: 0, to: batch.count, by: Self.teacherChunk).map { batch.slice($0..<min($0 + Self.teacherChunk, batch.count)) }
        }
        let taught = try Self.meanOutputs(distillation.teachers, parts.flatMap { $0 })
        var next = 0
        return try parts.map { chunks in
            let blended = try chunks.map { part in
                defer { next += 1 }
                var blended = part
                for (name, labels) in part.targets {
                    guard let output = taught[next][name] else { throw TrainError("distillation: the teacher has no output '\(name)'") }
                    blended.targets[name] = try blend(labels: Seq(labels), taught: output, loss: base.loss(output: name)).tensor
                }
                return blended
            }
            return blended.count == 1 ? blended[0] : Batch.joined(blended)
        }
    }

    /// The teachers' outputs on each of `parts`, averaged over the teachers. One teacher at a time:
    /// a training graph keeps its last forward pass's activations and im2col buffers for a backward
    /// pass, so teachers alive together held one copy each (seven drum teachers: 13 GB resident).
    static func meanOutputs(_ teachers: [ModelFile], _ parts: [Batch]) throws -> [[String: Seq]] {
        var sums = [[String: Seq]](repeating: [:], count: parts.count)
        for teacher in teachers {
            let graph = try TrainGraph(teacher), parameters = teacher.tensors.mapValues(\.values)
            for (i, part) in parts.enumerated() {
                let outputs = try graph.forward(part.inputs.mapValues(Seq.init), parameters, training: false)
                for name in graph.graph.outputs {
                    let o = outputs[name]!
                    guard let size = sums[i][name]?.data.count else { sums[i][name] = o; continue }
                    guard size == o.data.count else { throw TrainError("distillation: the teachers' '\(name)' outputs differ in size") }
                    accumulate(&sums[i][name]!.data, o.data)
                }
            }
        }
        guard teachers.count > 1 else { return sums }
        let scale = 1 / Float(teachers.count)
        return sums.map { $0.mapValues { s in var m = s; for i in m.data.indices { m.data[i] *= scale }; return m } }
    }

    public func validationBatches() throws -> [Batch] { try base.validationBatches() }
    public func loss(output: String) -> LossKind { base.loss(output: output) }
    public func metric(outputs: [[String: TensorData]], batches: [Batch]) -> Double { base.metric(outputs: outputs, batches: batches) }

    /// (1 − w) · labels + w · teacher, the labels first made probabilities as the loss would make them.
    func blend(labels: Seq, taught: Seq, loss: LossKind) throws -> Seq {
        var target = labels
        if case .pitchCrossEntropy(let blur) = loss, labels.frameSize == 1 {
            target = PitchBins.targets(hertz: labels, blurCents: blur)
        }
        guard target.batch == taught.batch, target.time == taught.time, target.frameSize == taught.frameSize else {
            throw TrainError("distillation: teacher output [\(taught.batch), \(taught.time), \(taught.frameSize)] does not match the target [\(target.batch), \(target.time), \(target.frameSize)]")
        }
        let w = distillation.weight
        for i in target.data.indices { target.data[i] = (1 - w) * target.data[i] + w * taught.data[i] }
        return target
    }
}
