// Pitch bins exactly as CREPE maps them (so the engine's decoder, training targets and CREPE
// weights agree): 360 bins of 20 cents, the first 1997.38 cents above 10 Hz (≈ 31.7 Hz).

import Foundation

public enum PitchBins {
    public static let count = 360
    public static let firstCents = 1997.3794084376191
    public static let centsPerBin = 20.0

    public static func cents(hertz: Double) -> Double { 1200 * log2(hertz / 10) }
    public static func hertz(cents: Double) -> Double { 10 * pow(2, cents / 1200) }
    public static func centre(_ bin: Int) -> Double { firstCents + centsPerBin * Double(bin) }

    /// Gaussian-blurred bin targets for f0 values in Hz (≤ 0 or non-finite: unvoiced, all zeros).
    public static func targets(hertz f0: Seq, blurCents: Float) -> Seq {
        var out = Seq(zeros: f0.batch, f0.time, [count])
        let sigma = Double(blurCents)
        for r in 0..<f0.rows {
            let f = Double(f0.data[r])
            guard f > 0, f.isFinite else { continue }
            let c = cents(hertz: f)
            for bin in 0..<count {
                let d = centre(bin) - c
                guard abs(d) < 6 * sigma else { continue }
                out.data[r * count + bin] = Float(exp(-d * d / (2 * sigma * sigma)))
            }
        }
        return out
    }
}
