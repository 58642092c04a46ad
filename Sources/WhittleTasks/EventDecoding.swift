import WhittleDSP
import WhittleEval

/// Events from frame probabilities by the engine's own online peak picker (fixed threshold,
/// one frame of look-ahead), dated as the neural detector dates them.
public struct EventDecoding: Sendable, Equatable {
    public var threshold: Float
    public var preMax: Int
    public var combine: Int
    /// Samples (at the model's rate) added to a frame's centre: minus the training target delay.
    public var timeOffset: Int

    public init(threshold: Float = 0.5, preMax: Int = 3, combine: Int = 3, timeOffset: Int = 0) {
        self.threshold = threshold; self.preMax = preMax; self.combine = combine; self.timeOffset = timeOffset
    }

    /// Frames confirmed as events (as `NeuralDetector.process` confirms them live).
    public func peakFrames<C: Collection>(_ probabilities: C) -> [Int] where C.Element == Float {
        let picker = OnlinePeakPicker(.init(preMax: preMax, preAvg: 0, delta: threshold, combine: combine))
        defer { picker.deallocate() }
        var frames: [Int] = []
        var excess: Float = 0
        for p in probabilities {
            let f = picker.push(p.isFinite ? p : 0, excess: &excess)
            if f >= 0 { frames.append(f) }
        }
        return frames
    }

    public func times<C: Collection>(_ probabilities: C, clock: FrameClock) -> [Double] where C.Element == Float {
        peakFrames(probabilities).map { clock.time(ofFrame: $0) + Double(timeOffset) / Double(clock.sampleRate) }
    }

    /// The pooled score over several sequences of probabilities against their references.
    public func score(_ sequences: [(probabilities: [Float], reference: [Double])], clock: FrameClock,
                      window: Double = OnsetEvaluation.defaultWindow) -> OnsetScore {
        sequences.reduce(.zero) { acc, s in
            acc + OnsetEvaluation.score(reference: s.reference, estimated: times(s.probabilities, clock: clock), window: window)
        }
    }

    public static let thresholdGrid: [Float] = stride(from: 0.1, through: 0.9, by: 0.05).map { Float($0) }

    /// The threshold of the grid with the best pooled F-measure, and that score. With a tolerance,
    /// the lowest threshold whose F is within it of the best: on the flat top of the F curve the
    /// lower threshold keeps more recall when the model later meets quieter, unfamiliar sounds.
    public func bestThreshold(_ sequences: [(probabilities: [Float], reference: [Double])], clock: FrameClock,
                              grid: [Float] = thresholdGrid, fTolerance: Double = 0) -> (threshold: Float, score: OnsetScore) {
        let curve = grid.map { t -> (Float, OnsetScore) in
            var d = self
            d.threshold = t
            return (t, d.score(sequences, clock: clock))
        }
        return Self.operatingPoint(curve, fTolerance: fTolerance) ?? (threshold, .zero)
    }

    /// From (threshold, score) pairs in ascending threshold order: the first whose F is within
    /// `fTolerance` of the best F (with 0, the first best).
    public static func operatingPoint(_ curve: [(Float, OnsetScore)], fTolerance: Double) -> (threshold: Float, score: OnsetScore)? {
        guard let bestF = curve.map({ $0.1.fMeasure }).max() else { return nil }
        return curve.first { $0.1.fMeasure >= bestF - max(fTolerance, 1e-9) }.map { ($0.0, $0.1) }
    }
}
