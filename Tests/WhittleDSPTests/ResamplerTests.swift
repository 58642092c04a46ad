import Foundation
import Testing
import WhittleDSP

@Suite struct ResamplerTests {
    func sine(_ hz: Double, rate: Int, count: Int) -> [Float] {
        (0..<count).map { Float(sin(2 * Double.pi * hz * Double($0) / Double(rate))) }
    }

    func run(_ r: Resampler, _ x: [Float], block: Int) -> [Float] {
        var out: [Float] = []
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: r.maxOutput(forInput: block))
        defer { buffer.deallocate() }
        var i = 0
        while i < x.count {
            let n = min(block, x.count - i)
            let got = x.withUnsafeBufferPointer { r.process($0.baseAddress! + i, count: n, into: buffer) }
            out.append(contentsOf: UnsafeBufferPointer(start: buffer, count: got))
            i += n
        }
        return out
    }

    @Test(arguments: [(44100, 22050), (48000, 22050), (96000, 16000), (22050, 48000)])
    func sineKeepsFrequencyAndPhase(rates: (Int, Int)) {
        let (inRate, outRate) = rates
        let r = Resampler(inRate: inRate, outRate: outRate)
        defer { r.deallocate() }
        let x = sine(1000, rate: inRate, count: inRate)
        let y = run(r, x, block: 100)
        // Output j is the input signal at time j/outRate exactly (zero phase).
        let expected = sine(1000, rate: outRate, count: y.count)
        var worst: Float = 0
        for j in (outRate / 10)..<(y.count - 10) { worst = max(worst, abs(y[j] - expected[j])) }
        #expect(worst < 2e-3, "max error \(worst)")
        // Everything but the last latency's worth of input has come out.
        let lost = outRate - y.count
        #expect(lost >= 0 && lost <= (r.latencyInInputSamples * outRate) / inRate + 2)
    }

    @Test func blockSizeDoesNotChangeOutput() {
        let x = sine(440, rate: 48000, count: 20000).enumerated().map { $1 + Float($0 % 7) * 0.01 }
        var outputs: [[Float]] = []
        for block in [1, 16, 37, 1000, 20000] {
            let r = Resampler(inRate: 48000, outRate: 22050)
            outputs.append(run(r, x, block: block))
            r.deallocate()
        }
        for o in outputs.dropFirst() { #expect(o == outputs[0]) }
    }

    @Test func rejectsAliases() {
        // 15 kHz at 48 kHz must vanish when going to 22.05 kHz (Nyquist 11.025 kHz).
        let r = Resampler(inRate: 48000, outRate: 22050)
        defer { r.deallocate() }
        let y = run(r, sine(15000, rate: 48000, count: 48000), block: 512)
        let rms = sqrt(y[2000...].map { $0 * $0 }.reduce(0, +) / Float(y.count - 2000))
        #expect(rms < 0.01, "alias rms \(rms)")
    }
}
