import Foundation

/// mir_eval.melody's frame metrics: raw pitch and raw chroma accuracy (50 cents), voicing recall
/// and false alarm, overall accuracy.
public struct MelodyScore: Sendable, Equatable, Codable {
    public var voicingRecall: Double
    public var voicingFalseAlarm: Double
    public var rawPitchAccuracy: Double
    public var rawChromaAccuracy: Double
    public var overallAccuracy: Double
    /// Frames behind the figures (for pooling).
    public var counts: MelodyCounts
}

/// Pooled frame counts: scores over several files add these up first (as our onset figures do).
public struct MelodyCounts: Sendable, Equatable, Codable {
    public var refVoiced = 0.0, refUnvoiced = 0.0
    public var voicedHits = 0.0, falseAlarms = 0.0
    public var pitchCorrect = 0.0, chromaCorrect = 0.0, overallCorrect = 0.0, frames = 0.0
    public init() {}

    public static func + (a: MelodyCounts, b: MelodyCounts) -> MelodyCounts {
        var c = a
        c.refVoiced += b.refVoiced; c.refUnvoiced += b.refUnvoiced; c.voicedHits += b.voicedHits
        c.falseAlarms += b.falseAlarms; c.pitchCorrect += b.pitchCorrect; c.chromaCorrect += b.chromaCorrect
        c.overallCorrect += b.overallCorrect; c.frames += b.frames
        return c
    }

    public var score: MelodyScore {
        func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : 0 }
        // mir_eval: recall is 1 when the reference has no voiced frame.
        return MelodyScore(voicingRecall: refVoiced > 0 ? voicedHits / refVoiced : 1, voicingFalseAlarm: ratio(falseAlarms, refUnvoiced),
                           rawPitchAccuracy: ratio(pitchCorrect, refVoiced), rawChromaAccuracy: ratio(chromaCorrect, refVoiced),
                           overallAccuracy: ratio(overallCorrect, frames), counts: self)
    }
}

public enum MelodyEvaluation {
    public static let centTolerance = 50.0

    /// mir_eval.melody.hz2cents: 1200·log2(f/10), 0 for f = 0.
    public static func cents(_ hz: Double) -> Double { hz > 0 ? 1200 * log2(hz / 10) : 0 }

    /// Counts on a common time base. Frequencies follow mir_eval's convention: ≤ 0 is unvoiced, and a
    /// negative estimate is an unvoiced frame with a pitch guess (still scored by RPA/RCA).
    public static func counts(reference: [Double], estimate: [Double]) -> MelodyCounts {
        precondition(reference.count == estimate.count, "reference and estimate must share a time base")
        var c = MelodyCounts()
        for (r, e) in zip(reference, estimate) {
            let rv = r > 0, ev = e > 0
            let rc = cents(abs(r)), ec = cents(abs(e))
            c.frames += 1
            if rv { c.refVoiced += 1 } else { c.refUnvoiced += 1 }
            if rv && ev { c.voicedHits += 1 }
            if !rv && ev { c.falseAlarms += 1 }
            var pitchOK = false
            if rc != 0 && ec != 0 && rv {
                let d = abs(rc - ec)
                pitchOK = d < centTolerance
                if pitchOK { c.pitchCorrect += 1 }
                let octave = 1200 * (d / 1200 + 0.5).rounded(.down)
                if abs(d - octave) < centTolerance { c.chromaCorrect += 1 }
            }
            if rv && ev && pitchOK { c.overallCorrect += 1 }
            if !rv && !ev { c.overallCorrect += 1 }
        }
        return c
    }

    public static func evaluate(reference: [Double], estimate: [Double]) -> MelodyScore {
        counts(reference: reference, estimate: estimate).score
    }

    /// An estimate series moved onto the reference times by nearest neighbour (frames outside the
    /// estimate's span are unvoiced, 0).
    public static func resampleNearest(times: [Double], values: [Double], to newTimes: [Double]) -> [Double] {
        guard times.count > 1 else { return newTimes.map { _ in 0 } }
        let step = (times.last! - times.first!) / Double(times.count - 1)
        return newTimes.map { t in
            let i = Int(((t - times[0]) / step).rounded())
            return i >= 0 && i < values.count ? values[i] : 0
        }
    }
}
