import Foundation

/// Deterministic test audio and the file formats the tests exchange with the binaries.
enum Signals {
    /// Uniform noise in [−1, 1] from a 32-bit LCG: the same samples on every machine.
    struct Noise {
        var state: UInt32
        mutating func next() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(Int32(bitPattern: state)) / Float(Int32.max)
        }
    }

    /// Noise bursts, decaying tones and clicks, spaced so the onset detector fires on each.
    static func bursts(seconds: Double, rate: Int = 48000, seed: UInt32 = 1) -> [Float] {
        let n = Int(seconds * Double(rate))
        var x = [Float](repeating: 0, count: n)
        var generator = Noise(state: seed)
        func noise() -> Float { generator.next() }
        var k = 0
        var at = Int(0.2 * Double(rate))
        while at + rate / 20 < n {
            let length = rate / 20
            for i in 0..<length {
                let t = Float(i)
                switch k % 3 {
                case 0: x[at + i] += 0.5 * noise() * expf(-t / 800)
                case 1: x[at + i] += 0.4 * sinf(2 * .pi * 440 * (1 + Float(k) * 0.1) * t / Float(rate)) * expf(-t / 3000)
                default: x[at + i] += i < 10 ? 0.8 : 0
                }
            }
            k += 1
            at += Int(0.22 * Double(rate))
        }
        return x
    }

    /// A drum-machine-like pattern over a plucked melody: kicks (pitch-dropping sine), snares
    /// (noise + 190 Hz body), closed hi-hats (differenced noise) and decaying harmonic tones,
    /// on a 125 ms grid with a few silent steps, so the onset and drum models all have work.
    static func drumPattern(seconds: Double, rate: Int = 48000, seed: UInt32 = 7) -> [Float] {
        let n = Int(seconds * Double(rate))
        var x = [Float](repeating: 0, count: n)
        var generator = Noise(state: seed)
        func noise() -> Float { generator.next() }
        let r = Float(rate)
        let step = rate / 8
        //           K  .  H  .  S  .  H  K  .  K  H  .  S  .  H  T
        let pattern = "K.H.S.HK.KH.S.HT"
        let melody: [Float] = [220, 247, 262, 294, 330, 294, 262, 247]
        var k = 0
        var at = rate / 4
        while at + rate / 4 < n {
            let kind = Array(pattern)[k % pattern.count]
            switch kind {
            case "K":
                var phase: Float = 0
                for i in 0..<(rate / 4) {
                    let t = Float(i) / r
                    phase += 2 * .pi * (50 + 90 * expf(-t * 30)) / r
                    x[at + i] += 0.8 * sinf(phase) * expf(-t * 12)
                }
            case "S":
                for i in 0..<(rate / 5) {
                    let t = Float(i) / r
                    x[at + i] += 0.45 * noise() * expf(-t * 25) + 0.3 * sinf(2 * .pi * 190 * t) * expf(-t * 30)
                }
            case "H":
                var last: Float = 0
                for i in 0..<(rate / 20) {
                    let t = Float(i) / r
                    let v = noise()
                    x[at + i] += 0.35 * (v - last) * expf(-t * 80)
                    last = v
                }
            case "T":
                let f = melody[(k / pattern.count) % melody.count]
                for i in 0..<(rate / 3) {
                    let t = Float(i) / r
                    x[at + i] += 0.3 * (sinf(2 * .pi * f * t) + 0.5 * sinf(4 * .pi * f * t) + 0.25 * sinf(6 * .pi * f * t)) * expf(-t * 6)
                }
            default: break
            }
            k += 1
            at += step
        }
        return x
    }

    static func writeRaw(_ x: [Float], to url: URL) throws {
        try x.withUnsafeBytes { try Data($0).write(to: url) }
    }

    static func readRaw(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Mono 32-bit float WAV (format 3).
    static func writeWAV(_ x: [Float], rate: Int, to url: URL) throws {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        let bytes = UInt32(x.count * 4)
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + bytes); d.append(contentsOf: Array("WAVE".utf8))
        d.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(3); u16(1); u32(UInt32(rate)); u32(UInt32(rate * 4)); u16(4); u16(32)
        d.append(contentsOf: Array("data".utf8)); u32(bytes)
        x.withUnsafeBytes { d.append(contentsOf: $0) }
        try d.write(to: url)
    }

    /// Reads the samples of a mono float WAV (walks the chunks to find "data").
    static func readWAV(_ url: URL) throws -> [Float] {
        let d = [UInt8](try Data(contentsOf: url))
        func u32(_ i: Int) -> Int { Int(d[i]) | Int(d[i + 1]) << 8 | Int(d[i + 2]) << 16 | Int(d[i + 3]) << 24 }
        var i = 12
        var format = 0
        while i + 8 <= d.count {
            let id = String(decoding: d[i..<i + 4], as: UTF8.self)
            let size = u32(i + 4)
            if id == "fmt " { format = Int(d[i + 8]) | Int(d[i + 9]) << 8 }
            if id == "data" {
                guard format == 3 || format == 0xFFFE else { throw LiveError("\(url.path): not a float WAV (format \(format))") }
                let end = min(d.count, i + 8 + size)
                return d[(i + 8)..<end].withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
            i += 8 + size + (size & 1)
        }
        throw LiveError("\(url.path): no data chunk")
    }
}
