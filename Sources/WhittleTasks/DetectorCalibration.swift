import WhittleTrain
import Foundation
import WhittleDSP
import WhittleEval
import WhittleNN

/// Operating points of a trained detector, measured on training stems: the peak-picking threshold
/// with the best pooled F-measure (one for all drum classes: the engine has one), and the time
/// offset that centres matched events on their references (median of reference − estimate).
public enum DetectorCalibration {
    public struct EventResult: Sendable {
        public var decoding: EventDecoding
        /// Per-class thresholds (drums), for `foldThresholds`.
        public var classThresholds: [Float] = []
        public var perClass: [OnsetScore]
        /// Every grid threshold's per-class scores at the calibrated time offset (for `--sweep`).
        public var sweep: [(Float, [OnsetScore])] = []
        public var meanF: Double { DetectorCalibration.meanF(perClass) }
    }

    /// Per class, (probabilities, references) of each stem, by the runtime model.
    public static func sequences(_ model: Model, kind: EventTask.Kind, examples: [LogMelExample]) -> [[(probabilities: [Float], reference: [Double])]] {
        let classes = kind == .onset ? 1 : 3
        var perClass = [[(probabilities: [Float], reference: [Double])]](repeating: [], count: classes)
        for e in examples {
            let y = ModelRunner.outputs(model, features: e.features)
            let T = e.features.frames
            for c in 0..<classes {
                perClass[c].append(((0..<T).map { y[$0 * classes + c] }, kind == .onset ? e.onsetTimes : e.drumTimes[c]))
            }
        }
        return perClass
    }

    static func meanF(_ scores: [OnsetScore]) -> Double { scores.map(\.fMeasure).reduce(0, +) / Double(max(scores.count, 1)) }

    public static func scores(_ perClass: [[(probabilities: [Float], reference: [Double])]], decoding: EventDecoding, clock: FrameClock) -> [OnsetScore] {
        perClass.map { decoding.score($0, clock: clock) }
    }

    public static func calibrate(_ model: Model, kind: EventTask.Kind, examples: [LogMelExample], start: EventDecoding,
                                 clock: FrameClock, fTolerance: Double = 0) -> EventResult {
        let perClass = sequences(model, kind: kind, examples: examples)
        // 1. Time offset: median of (reference − estimate) over matched pairs at the starting threshold.
        var diffs: [Double] = []
        for seqs in perClass {
            for s in seqs {
                let est = start.times(s.probabilities, clock: clock)
                for t in est {
                    if let r = s.reference.min(by: { abs($0 - t) < abs($1 - t) }), abs(r - t) <= 0.05 { diffs.append(r - t) }
                }
            }
        }
        var d = start
        if !diffs.isEmpty {
            diffs.sort()
            d.timeOffset += Int((diffs[diffs.count / 2] * Double(clock.sampleRate)).rounded())
        }
        // 2. One threshold for every class: the best mean F on the grid (or the lowest within the tolerance).
        let curve = EventDecoding.thresholdGrid.map { t -> (Float, [OnsetScore]) in
            var c = d
            c.threshold = t
            return (t, scores(perClass, decoding: c, clock: clock))
        }
        let meanCurve = curve.map { t, s in (t, meanF(s)) }
        let pick = curve[meanCurve.firstIndex { $0.1 >= (meanCurve.map(\.1).max() ?? 0) - max(fTolerance, 1e-9) } ?? 0]
        var best = d
        best.threshold = pick.0
        var result = EventResult(decoding: best, perClass: pick.1)
        result.sweep = curve
        // 3. Per class: its own threshold (the engine has one, so these get folded into the model).
        if perClass.count > 1 {
            let picks = perClass.indices.map { c in EventDecoding.operatingPoint(curve.map { ($0.0, $0.1[c]) }, fTolerance: fTolerance)! }
            result.classThresholds = picks.map(\.threshold)
            result.perClass = picks.map(\.score)
            result.decoding.threshold = 0.5
        }
        return result
    }

    /// Per-class thresholds folded into a sigmoid output layer's bias: sigmoid(z + b − logit θ) ≥ 0.5
    /// exactly when sigmoid(z + b) ≥ θ, so the engine's single threshold 0.5 acts as θ per class
    /// (peaks stay where they were: the map is monotonic per class).
    public static func foldThresholds(_ model: inout ModelFile, thresholds: [Float]) throws {
        guard let out = model.graph.outputs.first, var bias = model.tensors["\(out).bias"], bias.values.count == thresholds.count else {
            throw CorpusError(description: "cannot fold thresholds: output layer has no bias of \(thresholds.count) values")
        }
        for (c, t) in thresholds.enumerated() {
            let theta = Double(min(max(t, 0.01), 0.99))
            bias.values[c] -= Float(log(theta / (1 - theta)))
        }
        model.tensors["\(out).bias"] = bias
    }

    /// The voicing false-alarm rate a calibrated threshold allows on melody stems (the bound issue 5's
    /// acceptance names), unless `whittle calibrate --voicing-false-alarm` says otherwise.
    public static let voicingFalseAlarmBound = 0.15

    /// A voicing operating point measured on held-out stems.
    public struct VoicingResult: Sendable {
        public var threshold: Float
        public var recall: Double
        public var falseAlarm: Double
    }

    /// Voicing threshold: the lowest confidence threshold whose voicing false-alarm rate on the
    /// stems stays ≤ `maxFalseAlarm` (so the highest recall at that false-alarm bound). Measured on
    /// melody stems, where "unvoiced" means no melody at all: on mixes the accompaniment makes every
    /// frame pitched, and a threshold set there is too low for a solo line.
    public static func voicingThreshold(_ model: Model, examples: [PitchExample], features: FeatureSettings, delay: Int = 0,
                                        maxFalseAlarm: Double = voicingFalseAlarmBound) -> VoicingResult {
        var voiced: [Float] = [], unvoiced: [Float] = []
        for e in examples {
            let x = e.features(0..<e.frames, settings: features)
            let y = x.withUnsafeBufferPointer { v in
                ModelRunner.outputs(model, frames: e.frames, width: features.count) { t, dst in
                    dst.update(from: v.baseAddress! + t * features.count, count: features.count)
                }
            }
            for t in delay..<max(delay, e.frames) {   // output t answers frame t − delay
                let c = PitchDecoding.decode(y[(t * PitchBins.count)..<((t + 1) * PitchBins.count)]).confidence
                if e.f0[t - delay] > 0 { voiced.append(c) } else { unvoiced.append(c) }
            }
        }
        return voicingOperatingPoint(voiced: voiced, unvoiced: unvoiced, maxFalseAlarm: maxFalseAlarm)
    }

    /// The lowest threshold (within 0.05...0.95) at which at most `maxFalseAlarm` of the unvoiced
    /// frames' confidences count as voiced (confidence ≥ threshold), with the rates it gives.
    public static func voicingOperatingPoint(voiced: [Float], unvoiced: [Float], maxFalseAlarm: Double) -> VoicingResult {
        var threshold: Float = 0.5
        if !unvoiced.isEmpty {
            // Allow the `allowed` most confident unvoiced frames; the next one must fall below.
            let sorted = unvoiced.sorted(by: >)
            let allowed = Int(Double(sorted.count) * maxFalseAlarm)
            threshold = allowed >= sorted.count ? 0 : sorted[allowed].nextUp
        }
        threshold = max(0.05, min(0.95, threshold))
        let rate = { (values: [Float]) in values.isEmpty ? 0 : Double(values.filter { $0 >= threshold }.count) / Double(values.count) }
        return VoicingResult(threshold: threshold, recall: rate(voiced), falseAlarm: rate(unvoiced))
    }
}
