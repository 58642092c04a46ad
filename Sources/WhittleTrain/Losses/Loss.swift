// Losses on one output: a value (mean over the batch) and its gradient with respect to the output.

public enum LossKind: Sendable, Equatable {
    /// Binary cross-entropy on probabilities. `positiveWeight` scales the y·log p term; `widen`
    /// frames on each side of a positive frame get the target `widenValue` (Schlüter & Böck).
    case bce(positiveWeight: Float = 1, widen: Int = 0, widenValue: Float = 0.5)
    /// CREPE: per-bin binary cross-entropy over 360 bins of 20 cents from C1 (32.70 Hz) against
    /// Gaussian-blurred targets. Targets are f0 in Hz per frame ([1], ≤ 0 = unvoiced) or [360] bins.
    case pitchCrossEntropy(blurCents: Float = 25)
    /// Multi-scale spectral loss on the output read as a waveform (frames flattened per sequence):
    /// L1 of linear plus L1 of log magnitudes, Hann windows with 75 % overlap.
    case spectral(fftSizes: [Int] = [2048, 1024, 512, 256, 128, 64])
    case mse

    /// Loss and dL/d(output). Output and target have the same [batch, time], and frame sizes
    /// that agree (pitch targets may be [1] Hz).
    public func evaluate(output: Seq, target: Seq) throws -> (loss: Double, gradient: Seq) {
        guard output.batch == target.batch, output.time == target.time else {
            throw TrainError("target [\(target.batch), \(target.time)] does not match output [\(output.batch), \(output.time)]")
        }
        switch self {
        case .bce(let w, let widen, let value):
            try sameSize(output, target)
            return bceLoss(output, widened(target, frames: widen, value: value), positiveWeight: w)
        case .pitchCrossEntropy(let blur):
            guard output.frameSize == PitchBins.count else { throw TrainError("pitch output has \(output.frameSize) values per frame, expected \(PitchBins.count)") }
            let t = target.frameSize == 1 ? PitchBins.targets(hertz: target, blurCents: blur) : target
            try sameSize(output, t)
            return bceLoss(output, t, positiveWeight: 1)
        case .spectral(let sizes):
            try sameSize(output, target)
            return try spectralLoss(output, target, fftSizes: sizes)
        case .mse:
            try sameSize(output, target)
            return mseLoss(output, target)
        }
    }

    private func sameSize(_ a: Seq, _ b: Seq) throws {
        guard a.frameSize == b.frameSize else { throw TrainError("target frame \(b.frame) does not match output frame \(a.frame)") }
    }
}

func mseLoss(_ o: Seq, _ t: Seq) -> (Double, Seq) {
    let n = Float(max(o.data.count, 1))
    var g = o, sum = 0.0
    for i in o.data.indices {
        let d = o.data[i] - t.data[i]
        sum += Double(d * d)
        g.data[i] = 2 * d / n
    }
    return (sum / Double(n), g)
}
