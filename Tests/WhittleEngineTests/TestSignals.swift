import Foundation
import WhittleIO

/// Synthetic test material with known onsets: decaying harmonic notes and noise bursts.
enum TestSignals {
    struct Clip {
        var samples: [Float]
        var onsets: [Double]
        var rate: Int
    }

    static func notes(rate: Int, seconds: Double = 6, seed: UInt64 = 7) -> Clip {
        var rng = seed
        func random() -> Double {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            return Double(rng >> 11) / Double(1 << 53)
        }
        let count = Int(seconds * Double(rate))
        var x = [Float](repeating: 0, count: count)
        var onsets: [Double] = []
        var t = 0.25
        while t < seconds - 0.5 {
            onsets.append(t)
            let start = Int(t * Double(rate))
            let f0 = 110 * pow(2, Double(Int(random() * 36)) / 12)
            let noisy = random() < 0.3
            let length = Int(0.4 * Double(rate))
            for n in 0..<min(length, count - start) {
                let time = Double(n) / Double(rate)
                var v = 0.0
                if noisy {
                    v = (random() * 2 - 1) * exp(-time / 0.03)
                } else {
                    for h in 1...4 { v += sin(2 * Double.pi * f0 * Double(h) * time) / Double(h) }
                    v *= 0.3 * exp(-time / 0.15)
                }
                let fade = min(1, Double(length - n) / (0.05 * Double(rate)))   // no click at the note's end
                x[start + n] += Float(v * 0.5 * fade)
            }
            t += 0.18 + random() * 0.35
        }
        return Clip(samples: x, onsets: onsets, rate: rate)
    }

    static func write(_ clip: Clip, to path: String) throws {
        let w = try SoundFileWriter(path: path, sampleRate: clip.rate)
        try clip.samples.withUnsafeBufferPointer { try w.write($0.baseAddress!, count: clip.samples.count) }
    }

    static func read(_ path: String) throws -> [Float] {
        let r = try SoundFileReader(path: path)
        var out = [Float](repeating: 0, count: r.frames)
        let n = try out.withUnsafeMutableBufferPointer { try r.read(into: $0.baseAddress!, count: r.frames) }
        return Array(out.prefix(n))
    }

    static func temporaryDirectory() -> String {
        let dir = NSTemporaryDirectory() + "whittle-tests-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Onset F-measure with a ±50 ms window (greedy matching in time order).
    static func fMeasure(reference: [Double], estimate: [Double], window: Double = 0.05) -> Double {
        var used = [Bool](repeating: false, count: estimate.count)
        var hits = 0
        for r in reference {
            if let j = estimate.indices.first(where: { !used[$0] && abs(estimate[$0] - r) <= window }) {
                used[j] = true
                hits += 1
            }
        }
        if reference.isEmpty || estimate.isEmpty { return 0 }
        let p = Double(hits) / Double(estimate.count), r = Double(hits) / Double(reference.count)
        return p + r == 0 ? 0 : 2 * p * r / (p + r)
    }
}
