import WhittleTrain
import WhittleDSP
import Foundation

/// CREPE's decoding, as the engine's neural detector does it: the weighted average of the bins
/// within ±4 of the argmax (or of the tracked bin) gives f0; that bin's activation is the confidence.
public enum PitchDecoding {
    /// `center`: the bin to decode around (a tracker's choice); nil: the argmax.
    public static func decode<C: RandomAccessCollection>(_ bins: C, center: Int? = nil) -> (hz: Double, confidence: Float)
    where C.Element == Float, C.Index == Int {
        let base = bins.startIndex
        var best = 0
        if let center { best = center } else {
            for i in 1..<PitchBins.count where bins[base + i] > bins[base + best] { best = i }
        }
        let lo = max(0, best - 4), hi = min(PitchBins.count - 1, best + 4)
        var weight = 0.0, cents = 0.0
        for i in lo...hi {
            weight += Double(bins[base + i])
            cents += Double(bins[base + i]) * PitchBins.cents(ofBin: Double(i))
        }
        let confidence = bins[base + best]
        guard weight > 0 else { return (0, 0) }
        return (PitchBins.hz(ofCents: cents / weight), confidence)
    }
}
