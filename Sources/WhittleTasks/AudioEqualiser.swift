import Foundation

/// A smooth random equaliser on audio (training augmentation, offline only): a tilt made of a
/// low shelf and a high shelf of opposite gains, and one peaking bell, as three biquads
/// (RBJ cookbook forms). Another soundfont's instrument differs from this one's mostly in its
/// spectral envelope; the pitch front end reads audio, so the equaliser acts on the audio itself.
public struct AudioEqualiser: Sendable {
    /// Normalised biquad coefficients (a0 = 1).
    struct Biquad: Sendable {
        var b0, b1, b2, a1, a2: Double

        /// Low shelf (`high` false) or high shelf at `hz`, shelf slope 1.
        static func shelf(high: Bool, hz: Double, dB: Double, rate: Double) -> Biquad {
            let A = pow(10, dB / 40), w = 2 * Double.pi * hz / rate
            let c = cos(w), alpha = sin(w) / 2 * sqrt(2.0), s = 2 * sqrt(A) * alpha
            let sign: Double = high ? -1 : 1   // the high shelf is the low shelf with cos negated
            let b0 = A * ((A + 1) - sign * (A - 1) * c + s)
            let b1 = sign * 2 * A * ((A - 1) - sign * (A + 1) * c)
            let b2 = A * ((A + 1) - sign * (A - 1) * c - s)
            let a0 = (A + 1) + sign * (A - 1) * c + s
            let a1 = -sign * 2 * ((A - 1) + sign * (A + 1) * c)
            let a2 = (A + 1) + sign * (A - 1) * c - s
            return Biquad(b0: b0 / a0, b1: b1 / a0, b2: b2 / a0, a1: a1 / a0, a2: a2 / a0)
        }

        static func bell(hz: Double, dB: Double, q: Double, rate: Double) -> Biquad {
            let A = pow(10, dB / 40), w = 2 * Double.pi * hz / rate, alpha = sin(w) / (2 * q), c = cos(w)
            let a0 = 1 + alpha / A
            return Biquad(b0: (1 + alpha * A) / a0, b1: -2 * c / a0, b2: (1 - alpha * A) / a0, a1: -2 * c / a0, a2: (1 - alpha / A) / a0)
        }

        /// |H(e^{jw})| at `hz`.
        func magnitude(hz: Double, rate: Double) -> Double {
            let w = 2 * Double.pi * hz / rate
            let nr = b0 + b1 * cos(w) + b2 * cos(2 * w), ni = -(b1 * sin(w) + b2 * sin(2 * w))
            let dr = 1 + a1 * cos(w) + a2 * cos(2 * w), di = -(a1 * sin(w) + a2 * sin(2 * w))
            return sqrt((nr * nr + ni * ni) / (dr * dr + di * di))
        }
    }

    let stages: [Biquad]
    let rate: Double

    /// Tilt `tiltDB` (low shelf at 300 Hz by −tilt/2, high shelf at 2.5 kHz by +tilt/2) and a bell.
    public init(tiltDB: Double, bellDB: Double, bellHz: Double, bellQ: Double, sampleRate: Double) {
        rate = sampleRate
        let nyquistSafe = min(bellHz, 0.45 * sampleRate)
        stages = [.shelf(high: false, hz: 300, dB: -tiltDB / 2, rate: sampleRate),
                  .shelf(high: true, hz: min(2500, 0.4 * sampleRate), dB: tiltDB / 2, rate: sampleRate),
                  .bell(hz: nyquistSafe, dB: bellDB, q: bellQ, rate: sampleRate)]
    }

    /// Up to ± `maxDB` of tilt and of bell, the bell at 150 Hz–5 kHz (log-uniform), Q 0.5–2.
    static func random(maxDB: Double, sampleRate: Double, random: inout DetectorRandom) -> AudioEqualiser {
        let tilt = random.uniform(-maxDB, maxDB), bell = random.uniform(-maxDB, maxDB)
        let hz = 150 * pow(5000 / 150, random.uniform(0, 1)), q = random.uniform(0.5, 2)
        return AudioEqualiser(tiltDB: tilt, bellDB: bell, bellHz: hz, bellQ: q, sampleRate: sampleRate)
    }

    /// The equaliser's gain at `hz` (dB).
    public func gainDB(at hz: Double) -> Double {
        20 * log10(stages.reduce(1) { $0 * $1.magnitude(hz: hz, rate: rate) })
    }

    /// Filters `x` in place (each stage direct form I, from rest).
    public func apply(_ x: inout [Float]) {
        for f in stages {
            var x1 = 0.0, x2 = 0.0, y1 = 0.0, y2 = 0.0
            for i in x.indices {
                let x0 = Double(x[i])
                let y0 = f.b0 * x0 + f.b1 * x1 + f.b2 * x2 - f.a1 * y1 - f.a2 * y2
                x2 = x1; x1 = x0; y2 = y1; y1 = y0
                x[i] = Float(y0)
            }
        }
    }
}
