import Foundation

/// CREPE's pitch axis: 360 bins of 20 cents from C1 (32.70 Hz); cents are relative to 10 Hz.
public enum PitchBins {
    public static let count = 360
    public static let centsOfFirstBin = 1997.3794084376191

    public static func cents(ofHz hz: Double) -> Double { 1200 * log2(hz / 10) }
    public static func hz(ofCents cents: Double) -> Double { 10 * pow(2, cents / 1200) }
    public static func cents(ofBin bin: Double) -> Double { centsOfFirstBin + 20 * bin }

    /// Gaussian-blurred target (std 25 cents, CREPE), all zeros when unvoiced (f0 ≤ 0).
    public static func target(hz: Double, blurCents: Double = 25) -> [Float] {
        guard hz > 0 else { return [Float](repeating: 0, count: count) }
        let c = cents(ofHz: hz)
        return (0..<count).map { i in
            let d = cents(ofBin: Double(i)) - c
            return Float(exp(-d * d / (2 * blurCents * blurCents)))
        }
    }
}
