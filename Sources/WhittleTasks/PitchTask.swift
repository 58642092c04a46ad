import Foundation
import WhittleDSP
import WhittleEval
import WhittleNN
import WhittleTrain

/// CREPE-style pitch output (360 bins of 20 cents, BCE on Gaussian-blurred targets, 25 cents) from
/// either front end: CREPE's raw 1024-sample frames or the harmonic log-frequency spectrum. Metric: raw pitch accuracy (50 cents) on voiced frames.
/// Targets are given as 360 blurred bins on the engine's axis (CREPE's, bin 0 at 1997.38 cents,
/// what `NeuralDetector` decodes with), so a per-bin positive weight can apply. With a target delay
/// d (`options.targetDelay`, 0 by default) output t answers frame t − d: the model hears d hops
/// more of a new note's attack or an old note's release before it answers (the engine dates the
/// estimate back by d hops through the `time_offset` metadata).
public struct PitchTask: TrainingTask {
    public let features: FeatureSettings
    public let options: DetectorTaskOptions
    public let training: [PitchExample]
    public let validation: [PitchExample]
    let inputName: String, outputName: String, inputShape: [Int]
    public var name: String { "pitch" }

    public init(graph: ModelGraph, features: FeatureSettings, training: [PitchExample], validation: [PitchExample],
                options: DetectorTaskOptions = DetectorTaskOptions()) throws {
        guard let input = graph.inputs.first, input.shape.reduce(1, *) == features.count else {
            throw CorpusError(description: "pitch task: the graph's first input must take \(features.count) samples per frame")
        }
        guard let output = graph.outputs.first else { throw CorpusError(description: "pitch task: the graph has no output") }
        guard !training.isEmpty, !validation.isEmpty else { throw CorpusError(description: "pitch task: no training or validation stems") }
        self.features = features; self.options = options; self.training = training; self.validation = validation
        inputName = input.name; outputName = output; inputShape = input.shape
    }

    /// CREPE's per-bin BCE; with `positiveWeight` > 1 the blurred target bins weigh that much more
    /// (the all-zeros plateau of 360 mostly-empty bins is left sooner).
    public func loss(output: String) -> LossKind {
        options.positiveWeight > 1 ? .bce(positiveWeight: options.positiveWeight, widen: 0) : .pitchCrossEntropy(blurCents: 25)
    }

    /// The f0 that output frame `t` must name: frame t − delay's (unvoiced before the start).
    func f0(_ e: PitchExample, answeredAt t: Int) -> Double {
        t >= options.targetDelay ? e.f0[t - options.targetDelay] : 0
    }

    public func trainingBatches(epoch: Int, seed: UInt64) throws -> [Batch] {
        var random = DetectorRandom(seed, UInt64(epoch) &* 7919 &+ 29)
        let T = options.cropFrames
        let crops = CropSampler(lengths: training.map(\.frames), crop: T).sample(options.cropsPerEpoch, random: &random)
        var x: [Float] = [], y: [Float] = []
        let extractor = FeatureExtractor(features)
        defer { extractor.deallocate() }
        for (s, start) in crops {
            let e = training[s]
            let gain = Float(pow(10, random.uniform(options.gainRangeDB.lowerBound, options.gainRangeDB.upperBound) / 20))
            let eq = options.eqDB > 0 ? AudioEqualiser.random(maxDB: options.eqDB, sampleRate: Double(features.sampleRate), random: &random) : nil
            x += e.features(start..<(start + T), settings: features, extractor: extractor, gain: gain, equaliser: eq)
            for t in start..<(start + T) { y += PitchBins.target(hz: f0(e, answeredAt: t)) }
        }
        return [Batch(inputs: [inputName: TensorData(shape: [crops.count, T] + inputShape, values: x)],
                      targets: [outputName: TensorData(shape: [crops.count, T, PitchBins.count], values: y)])]
    }

    public func validationBatches() throws -> [Batch] {
        validation.map { e in
            let T = min(e.frames, options.validationFrames)
            return Batch(inputs: [inputName: TensorData(shape: [1, T] + inputShape, values: e.features(0..<T, settings: features))],
                         targets: [outputName: TensorData(shape: [1, T, PitchBins.count], values: (0..<T).flatMap { PitchBins.target(hz: f0(e, answeredAt: $0)) })])
        }
    }

    /// Frame counts of decoded outputs against the frame-aligned targets (voicing at `threshold`).
    public func counts(outputs: [[String: TensorData]], batches: [Batch], threshold: Float) -> MelodyCounts {
        var total = MelodyCounts()
        for (out, e) in zip(outputs, validation) {
            guard let y = out[outputName] else { continue }
            let T = y.values.count / PitchBins.count, d = options.targetDelay
            guard T > d else { continue }
            let f0 = e.f0.prefix(T - d)   // output t + d answers frame t
            var est: [Double] = []
            est.reserveCapacity(T - d)
            for t in d..<T {
                let p = PitchDecoding.decode(y.values[(t * PitchBins.count)..<((t + 1) * PitchBins.count)])
                est.append(p.confidence >= threshold ? p.hz : -p.hz)
            }
            total = total + MelodyEvaluation.counts(reference: Array(f0), estimate: est)
        }
        return total
    }

    public func metric(outputs: [[String: TensorData]], batches: [Batch]) -> Double {
        counts(outputs: outputs, batches: batches, threshold: 0.5).score.rawPitchAccuracy
    }
}
