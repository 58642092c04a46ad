// A music-like input for measurements: decaying harmonic notes and drum-like noise bursts over
// a quiet noise floor, so detectors see onsets and the feature front end sees real spectra.

import Foundation

enum TestSignal {
    /// `seconds` of mono audio at `rate`, deterministic.
    static func music(rate: Int, seconds: Double) -> [Float] {
        let n = max(1, Int(Double(rate) * seconds))
        var out = [Float](repeating: 0, count: n)
        var seed: UInt64 = 0x5EED
        func random() -> Float {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int64(bitPattern: seed) >> 40) / Float(1 << 23)
        }
        for i in 0..<n { out[i] = 0.002 * random() }
        let beat = Double(rate) * 0.25   // sixteenth notes at 60 bpm
        var position = 0.0, step = 0
        while Int(position) < n {
            let start = Int(position)
            if step % 2 == 0 {   // a note: a few harmonics, exponential decay
                let f = 110.0 * pow(2, Double((step * 7) % 24) / 12)
                let length = min(n - start, Int(beat * 1.8))
                for j in 0..<length {
                    let t = Double(j) / Double(rate)
                    var s = 0.0
                    for h in 1...4 { s += sin(2 * .pi * f * Double(h) * t) / Double(h) }
                    out[start + j] += Float(0.25 * s * exp(-t * 6))
                }
            }
            if step % 4 == 1 || step % 8 == 6 {   // a drum-like noise burst
                let length = min(n - start, Int(Double(rate) * 0.08))
                for j in 0..<length { out[start + j] += 0.4 * random() * Float(exp(-Double(j) / (Double(rate) * 0.015))) }
            }
            position += beat
            step += 1
        }
        return out
    }
}
