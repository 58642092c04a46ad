import Foundation
import WhittleDSP
import WhittleEval
import WhittleNN
import WhittleTrain

/// Onset (one output) and drum (KD, SD, HH) detection on log-mel frames: random 2 s crops at
/// random gains, BCE with target widening, metric = event F-measure (±50 ms) after the engine's
/// peak picking, at the best threshold of a grid (mean over classes for drums).
public struct EventTask: TrainingTask {
    public enum Kind: String, Sendable { case onset, drums }
    public let kind: Kind
    public let features: FeatureSettings
    public let options: DetectorTaskOptions
    public let training: [LogMelExample]
    public let validation: [LogMelExample]
    let inputName: String, outputName: String, inputShape: [Int]

    public var name: String { kind.rawValue }
    public var classes: Int { kind == .onset ? 1 : 3 }
    public var clock: FrameClock { FrameClock(features) }

    public init(kind: Kind, graph: ModelGraph, features: FeatureSettings, training: [LogMelExample],
                validation: [LogMelExample], options: DetectorTaskOptions = DetectorTaskOptions()) throws {
        guard let input = graph.inputs.first, input.shape.reduce(1, *) == features.count else {
            throw CorpusError(description: "\(kind.rawValue) task: the graph's first input must take \(features.count) feature values per frame")
        }
        guard let output = graph.outputs.first else { throw CorpusError(description: "\(kind.rawValue) task: the graph has no output") }
        guard !training.isEmpty, !validation.isEmpty else { throw CorpusError(description: "\(kind.rawValue) task: no training or validation stems") }
        self.kind = kind; self.features = features; self.options = options
        self.training = training; self.validation = validation
        inputName = input.name; outputName = output; inputShape = input.shape
    }

    public func loss(output: String) -> LossKind {
        .bce(positiveWeight: options.positiveWeight, widen: options.widen, widenValue: 0.5)
    }

    /// Targets of frame t, shifted by the target delay.
    func target(_ e: LogMelExample, frame t: Int, into out: inout [Float]) {
        let s = t - options.targetDelay
        for c in 0..<classes { out.append(s >= 0 ? (kind == .onset ? e.onsets[s] : e.drums[s * 3 + c]) : 0) }
    }

    public func trainingBatches(epoch: Int, seed: UInt64) throws -> [Batch] {
        var random = DetectorRandom(seed, UInt64(epoch) &* 7919 &+ 17)
        // W: plain log-mel bands, as the training stems hold them (PCEN comes after augmentation).
        let T = options.cropFrames, W = features.withoutPCEN.count
        let crops = CropSampler(lengths: training.map(\.features.frames), crop: T).sample(options.cropsPerEpoch, random: &random)
        var x: [Float] = [], y: [Float] = []
        x.reserveCapacity(crops.count * T * W); y.reserveCapacity(crops.count * T * classes)
        let partners = CropSampler(lengths: training.map(\.features.frames), crop: T).sample(options.cropsPerEpoch, random: &random)
        // Per band: the crop's level times its equaliser (gain 1 everywhere when --eq-db is 0).
        func randomGains() -> [Double] {
            let level = pow(10, random.uniform(options.gainRangeDB.lowerBound, options.gainRangeDB.upperBound) / 20)
            guard options.eqDB > 0 else { return [Double](repeating: level, count: W) }
            return randomCurveDB(options.eqDB).map { level * pow(10, $0 / 20) }
        }
        // A tilt and one bell across the bands, each up to ± d dB.
        func randomCurveDB(_ d: Double) -> [Double] {
            let tilt = random.uniform(-d, d), bell = random.uniform(-d, d)
            let centre = random.uniform(0, Double(W)), width = random.uniform(Double(W) / 16, Double(W) / 4)
            return (0..<W).map { b in
                let x = (Double(b) - centre) / width
                return tilt * (Double(b) / Double(max(W - 1, 1)) - 0.5) + bell * exp(-0.5 * x * x)
            }
        }
        // The crop's frames; a drum stem with class stems is rebuilt from them, each class under its
        // own equaliser and level (--drum-timbre-db; no draw when off or without class stems, so
        // older recipes replay bit for bit). A mix loaded with its drum stem (--drum-timbre-mixes)
        // keeps everything but its drums, which are rebuilt the same way at their level in the mix.
        func source(_ e: LogMelExample, _ start: Int) -> ArraySlice<Float> {
            guard options.drumTimbreDB > 0, e.drumClasses.count == 3 else { return e.features.rows(start..<(start + T)) }
            let d = options.drumTimbreDB
            var sum = [Float](repeating: 0, count: T * W)
            var drumLevel: Float = 1
            if let drums = e.drumStem {
                drumLevel = e.drumStemGain
                for t in start..<(start + T) {
                    for b in 0..<W {
                        sum[(t - start) * W + b] = max(magnitude(e.features, t, b) - drumLevel * magnitude(drums, t, b), 0)
                    }
                }
            }
            for m in e.drumClasses {
                let level = random.uniform(-d / 2, d / 2)
                let gains = randomCurveDB(d).map { drumLevel * Float(pow(10, ($0 + level) / 20)) }
                // Optionally a longer ring: each band fed back into itself at a random rate per class
                // (--drum-decay; from a few frames before the crop so that it starts settled).
                let rho = Float(options.drumDecay > 0 ? random.uniform(0, options.drumDecay) : 0)
                var ring = [Float](repeating: 0, count: W)
                for t in (rho > 0 ? max(0, start - 16) : start)..<(start + T) {
                    for b in 0..<W {
                        ring[b] = gains[b] * magnitude(m, t, b) + rho * ring[b]
                        if t >= start { sum[(t - start) * W + b] += ring[b] }
                    }
                }
            }
            return sum.map { Float(log1p(Double(max($0, 0)))) }[...]
        }
        // A random shift of the crop along the mel bands (0 when --band-shift is 0; no draw then,
        // so older recipes replay bit for bit): another kit's drum is often the same sound pitched.
        func randomShift() -> Int {
            options.bandShift > 0 ? Int(random.uniform(-Double(options.bandShift), Double(options.bandShift) + 1).rounded(.down)) : 0
        }
        for (i, (s, start)) in crops.enumerated() {
            let e = training[s]
            let gains = randomGains(), shift = randomShift()
            let mixed = random.uniform(0, 1) < options.mixProbability && i < partners.count
            if mixed {
                let (s2, start2) = partners[i]
                let e2 = training[s2], gains2 = randomGains(), shift2 = randomShift()
                let a = shifted(source(e, start), by: shift, bands: W)
                let b = shifted(source(e2, start2), by: shift2, bands: W)
                for (k, (va, vb)) in zip(a, b).enumerated() {
                    let band = k % W
                    x.append(Float(log1p(gains[band] * expm1(Double(va)) + gains2[band] * expm1(Double(vb)))))
                }
                var ya: [Float] = [], yb: [Float] = []
                for t in start..<(start + T) { target(e, frame: t, into: &ya) }
                for t in start2..<(start2 + T) { target(e2, frame: t, into: &yb) }
                for (p, q) in zip(ya, yb) { y.append(max(p, q)) }
            } else {
                for (k, v) in shifted(source(e, start), by: shift, bands: W).enumerated() {
                    x.append(logMelAtGain(v, Float(gains[k % W])))
                }
                for t in start..<(start + T) { target(e, frame: t, into: &y) }
            }
        }
        if let pcen = features.pcen {
            // Each crop from a fresh normaliser, as the engine starts a stream (training stems are plain log-mel).
            x = (0..<crops.count).flatMap { i in
                PCEN.frames(Array(x[(i * T * W)..<((i + 1) * T * W)]), bands: W, settings: pcen, hopSeconds: features.hopSeconds)
            }
        }
        return [Batch(inputs: [inputName: TensorData(shape: [crops.count, T] + inputShape, values: x)],
                      targets: [outputName: TensorData(shape: [crops.count, T, classes], values: y)])]
    }

    /// The linear mel magnitude of frame t, band b (0 past the end: a mix may outlast its drum stem).
    func magnitude(_ m: FeatureMatrix, _ t: Int, _ b: Int) -> Float {
        t < m.frames ? Float(expm1(Double(m.values[t * m.width + b]))) : 0
    }

    /// Frames of `bands` values moved `shift` bands up (down when negative), edge bands repeated.
    func shifted(_ rows: ArraySlice<Float>, by shift: Int, bands W: Int) -> ArraySlice<Float> {
        guard shift != 0 else { return rows }
        var out = [Float](repeating: 0, count: rows.count)
        let first = rows.startIndex
        for f in stride(from: 0, to: rows.count, by: W) {
            for b in 0..<W { out[f + b] = rows[first + f + min(max(b - shift, 0), W - 1)] }
        }
        return out[...]
    }

    /// A training stem as the model hears it: with PCEN, its plain log-mel frames normalised from
    /// the start (validation stems are loaded normalised).
    public func heard(_ e: LogMelExample) -> LogMelExample {
        guard let pcen = features.pcen else { return e }
        var n = e
        n.features = FeatureMatrix(frames: e.features.frames, width: features.count,
                                   values: PCEN.frames(e.features.values, bands: e.features.width, settings: pcen,
                                                       hopSeconds: features.hopSeconds))
        return n
    }

    public func validationBatches() throws -> [Batch] {
        validation.map { e in
            let T = min(e.features.frames, options.validationFrames)
            var y: [Float] = []
            for t in 0..<T { target(e, frame: t, into: &y) }
            return Batch(inputs: [inputName: TensorData(shape: [1, T] + inputShape, values: Array(e.features.rows(0..<T)))],
                         targets: [outputName: TensorData(shape: [1, T, classes], values: y)])
        }
    }

    /// The decoding the engine will use, before calibration.
    public var decoding: EventDecoding {
        EventDecoding(threshold: 0.5, preMax: options.preMax, combine: options.combine,
                      timeOffset: -options.targetDelay * features.hop)
    }

    /// Per class: (probabilities, reference times) of each validation stem, references cut to the clip.
    public func sequences(outputs: [[String: TensorData]], examples: [LogMelExample], clipped: Bool) -> [[(probabilities: [Float], reference: [Double])]] {
        var perClass = [[(probabilities: [Float], reference: [Double])]](repeating: [], count: classes)
        for (out, e) in zip(outputs, examples) {
            guard let y = out[outputName] else { continue }
            let T = y.shape.count > 1 ? y.shape[1] : y.values.count / classes
            let end = clipped ? clock.time(ofFrame: T - 1 - options.targetDelay - 1) : .infinity
            for c in 0..<classes {
                let p = (0..<T).map { y.values[$0 * classes + c] }
                let ref = (kind == .onset ? e.onsetTimes : e.drumTimes[c]).filter { $0 < end }
                perClass[c].append((p, ref))
            }
        }
        return perClass
    }

    public func metric(outputs: [[String: TensorData]], batches: [Batch]) -> Double {
        let perClass = sequences(outputs: outputs, examples: validation, clipped: true)
        let fs = perClass.map { decoding.bestThreshold($0, clock: clock).score.fMeasure }
        return fs.reduce(0, +) / Double(max(fs.count, 1))
    }
}
