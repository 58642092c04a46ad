// Distillation: training targets become (1 − w) · labels + w · the teacher's outputs on the same
// crops; validation stays on the labels; losses without a probability target are refused.

import Testing
@testable import WhittleTrain

/// One fixed batch and a chosen loss, to reach the loss kinds SyntheticTask does not use.
struct FixedTask: TrainingTask {
    let name = "fixed"
    let batch: Batch
    let kind: LossKind
    func trainingBatches(epoch: Int, seed: UInt64) throws -> [Batch] { [batch] }
    func validationBatches() throws -> [Batch] { [batch] }
    func loss(output: String) -> LossKind { kind }
    func metric(outputs: [[String: TensorData]], batches: [Batch]) -> Double { 0 }
}

@Suite struct DistillationTests {
    @Test func trainingTargetsBlendTheTeacherIn() throws {
        let g = try graph(tinyGraph), task = try tinyTask(g)
        let teacher = try initialize(g, seed: 3)
        let taught = try DistilledTask(task, Distillation(teacher: teacher, weight: 0.25))
        let labels = try task.trainingBatches(epoch: 2, seed: 7), blended = try taught.trainingBatches(epoch: 2, seed: 7)
        #expect(labels.count == blended.count)
        var largest: Float = 0
        for (l, b) in zip(labels, blended) {
            #expect(b.inputs == l.inputs)
            let out = try TrainGraph(teacher).forward(l.inputs.mapValues(Seq.init), parameters(teacher), training: false)["y"]!
            let y = l.targets["y"]!.values, t = b.targets["y"]!.values
            #expect(t.count == out.data.count)
            for i in t.indices {
                #expect(abs(t[i] - (0.75 * y[i] + 0.25 * out.data[i])) < 1e-6)
                largest = max(largest, abs(t[i] - y[i]))
            }
        }
        #expect(largest > 0.01)   // the teacher really moved the targets
        #expect(try taught.validationBatches() == task.validationBatches())
    }

    @Test func anEnsembleTeachesTheMeanOfItsTeachersOutputs() throws {
        let g = try graph(tinyGraph), task = try tinyTask(g)
        let teachers = try [3, 4, 5].map { try initialize(g, seed: $0) }
        let taught = try DistilledTask(task, Distillation(teachers: teachers, weight: 1))
        let labels = try task.trainingBatches(epoch: 1, seed: 7), blended = try taught.trainingBatches(epoch: 1, seed: 7)
        #expect(labels.count == blended.count)
        var fromFirst: Float = 0
        for (l, b) in zip(labels, blended) {
            let outs = try teachers.map {
                try TrainGraph($0).forward(l.inputs.mapValues(Seq.init), parameters($0), training: false)["y"]!.data
            }
            let t = b.targets["y"]!.values
            #expect(t.count == outs[0].count)
            for i in t.indices {
                #expect(abs(t[i] - (outs[0][i] + outs[1][i] + outs[2][i]) / 3) < 1e-5)
                fromFirst = max(fromFirst, abs(t[i] - outs[0][i]))
            }
        }
        #expect(fromFirst > 0.01)   // the others' outputs really moved the mean away from the first's
    }

    @Test func teachersWithOtherOutputsAreRefused() throws {
        let g = try graph(tinyGraph), task = try tinyTask(g)
        let other = try initialize(try graph(#"{"inputs": [{"name": "x", "shape": [8]}], "outputs": ["z"], "nodes": [{"name": "z", "op": "dense", "inputs": ["x"], "units": 1, "activation": "sigmoid"}]}"#), seed: 1)
        #expect { try DistilledTask(task, Distillation(teachers: [initialize(g, seed: 3), other], weight: 0.5)) }
            throws: { "\($0)".contains("teacher 2") }
        #expect(throws: TrainError.self) { try DistilledTask(task, Distillation(teachers: [], weight: 0.5)) }
    }

    @Test func anEpochInOneBatchIsTaughtInChunksWithTheSameTargets() throws {
        // A task that hands over a whole epoch as one batch (as pitch does) goes through the teacher
        // in chunks; each sequence must still be blended with its own output.
        let g = try graph(tinyGraph), teacher = try initialize(g, seed: 3)
        let whole = Batch.joined(try tinyTask(g, sequences: 150).trainingBatches(epoch: 0, seed: 7))
        #expect(whole.count > 2 * DistilledTask.teacherChunk)
        let blended = try DistilledTask(FixedTask(batch: whole, kind: .bce()), Distillation(teacher: teacher, weight: 1))
            .trainingBatches(epoch: 0, seed: 7)
        #expect(blended.count == 1 && blended[0].inputs == whole.inputs)
        let out = try TrainGraph(teacher).forward(whole.inputs.mapValues(Seq.init), parameters(teacher), training: false)["y"]!
        let t = blended[0].targets["y"]!.values
        #expect(t.count == out.data.count)
        #expect(zip(t, out.data).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func pitchLabelsBecomeBinsBeforeBlending() throws {
        var random = TrainRandom.stream(1, 2)
        let hertz = Seq(batch: 1, time: 4, frame: [1], data: [0, 220, 440, 261.63])
        let taught = randomSeq(1, 4, [PitchBins.count], &random)
        let batch = Batch(inputs: [:], targets: ["pitch": hertz.tensor])
        let task = FixedTask(batch: batch, kind: .pitchCrossEntropy(blurCents: 25))
        let teacher = try initialize(try graph(#"{"inputs": [{"name": "x", "shape": [4]}], "outputs": ["pitch"], "nodes": [{"name": "pitch", "op": "dense", "inputs": ["x"], "units": 360, "activation": "sigmoid"}]}"#), seed: 1)
        let blended = try DistilledTask(task, Distillation(teacher: teacher, weight: 0.5)).blend(labels: hertz, taught: taught, loss: task.kind)
        let bins = PitchBins.targets(hertz: hertz, blurCents: 25)
        #expect(blended.frameSize == PitchBins.count)
        #expect(zip(blended.data, zip(bins.data, taught.data)).allSatisfy { abs($0 - 0.5 * ($1.0 + $1.1)) < 1e-6 })
        #expect(bins.data.max()! > 0.9)   // voiced frames carried their bins into the blend
    }

    @Test func badWeightsAndLossesAreRefused() throws {
        let g = try graph(tinyGraph), task = try tinyTask(g), teacher = try initialize(g, seed: 3)
        for w: Float in [0, -0.5, 1.5, .nan] {
            #expect(throws: TrainError.self) { try DistilledTask(task, Distillation(teacher: teacher, weight: w)) }
        }
        let mse = FixedTask(batch: Batch(inputs: [:], targets: [:]), kind: .mse)
        #expect { try DistilledTask(mse, Distillation(teacher: teacher, weight: 0.5)) } throws: { "\($0)".contains("output 'y'") }
    }
}
