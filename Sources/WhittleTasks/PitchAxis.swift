import Foundation
import WhittleTrain

/// Conveniences over the one pitch axis (`WhittleTrain.PitchBins`, CREPE's mapping) that the
/// detector tasks use for decoding and targets.
extension PitchBins {
    public static var centsOfFirstBin: Double { firstCents }
    public static func cents(ofHz hz: Double) -> Double { cents(hertz: hz) }
    public static func hz(ofCents cents: Double) -> Double { hertz(cents: cents) }
    public static func cents(ofBin bin: Double) -> Double { firstCents + centsPerBin * bin }

    /// Gaussian-blurred target (std 25 cents, CREPE), all zeros when unvoiced (f0 ≤ 0).
    public static func target(hz: Double, blurCents: Double = 25) -> [Float] {
        guard hz > 0 else { return [Float](repeating: 0, count: count) }
        let c = cents(hertz: hz)
        return (0..<count).map { i in
            let d = cents(ofBin: Double(i)) - c
            return Float(exp(-d * d / (2 * blurCents * blurCents)))
        }
    }
}
