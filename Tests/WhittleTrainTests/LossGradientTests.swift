// Every loss's gradient against central finite differences, and the pitch targets' layout.

import Foundation
import Testing
@testable import WhittleTrain

func lossCheck(_ kind: LossKind, output: Seq, target: Seq, epsilon: Float = 1e-3, probes: Int = 40) throws -> Double {
    let (_, g) = try kind.evaluate(output: output, target: target)
    var random = TrainRandom(seed: 3)
    var analytic: [Double] = [], numeric: [Double] = []
    for _ in 0..<probes {
        let i = random.int(output.data.count)
        var plus = output, minus = output
        plus.data[i] += epsilon; minus.data[i] -= epsilon
        let lp = try kind.evaluate(output: plus, target: target).loss, lm = try kind.evaluate(output: minus, target: target).loss
        numeric.append((lp - lm) / Double(2 * epsilon))
        analytic.append(Double(g.data[i]))
    }
    return relativeError(analytic, numeric)
}

@Suite struct LossGradientTests {
    @Test func bceWithWideningAndWeight() throws {
        var r = TrainRandom(seed: 1)
        var o = randomSeq(2, 20, [3], &r)
        for i in o.data.indices { o.data[i] = 0.1 + 0.8 * (o.data[i] + 1) / 2 }
        var t = Seq(zeros: 2, 20, [3])
        for i in stride(from: 0, to: t.data.count, by: 7) { t.data[i] = 1 }
        let e = try lossCheck(.bce(positiveWeight: 3, widen: 1, widenValue: 0.5), output: o, target: t)
        print("gradcheck loss bce: \(e)")
        #expect(e < 1e-2)
        let w = widened(t, frames: 1, value: 0.5)
        #expect(w.data[0] == 1 && w.data[3] == 0.5 && w.data[6] == 0)
    }

    @Test func pitchCrossEntropy() throws {
        var r = TrainRandom(seed: 2)
        var o = Seq(zeros: 2, 3, [360])
        for i in o.data.indices { o.data[i] = r.uniform(0.05, 0.95) }
        let onBin225 = Float(PitchBins.hertz(cents: PitchBins.centre(225)))   // ≈ 438.7 Hz
        let onBin0 = Float(PitchBins.hertz(cents: PitchBins.centre(0)))       // ≈ 31.7 Hz (CREPE's lowest bin)
        let f0 = Seq(batch: 2, time: 3, frame: [1], data: [onBin225, 0, 110, onBin0, 1000, -1])
        let e = try lossCheck(.pitchCrossEntropy(blurCents: 25), output: o, target: f0)
        print("gradcheck loss pitch: \(e)")
        #expect(e < 1e-2)
        let t = PitchBins.targets(hertz: f0, blurCents: 25)
        // Frequencies at bin centres land on their bins; the neighbour gets exp(-20²/(2·25²)).
        #expect(abs(t.data[3 * 360 + 0] - 1) < 1e-3)
        let a4 = 225
        #expect(abs(t.data[a4] - 1) < 1e-4 && abs(t.data[a4 + 1] - Float(exp(-400.0 / 1250))) < 1e-4)
        #expect(t.data[360..<720].allSatisfy { $0 == 0 })
    }

    @Test func spectralThroughTheSTFT() throws {
        var r = TrainRandom(seed: 4)
        let o = randomSeq(2, 30, [10, 1], &r, scale: 0.5), t = randomSeq(2, 30, [10, 1], &r, scale: 0.5)
        let e = try lossCheck(.spectral(fftSizes: [128, 64, 16]), output: o, target: t, epsilon: 1e-4)
        print("gradcheck loss spectral: \(e)")
        #expect(e < 1e-2)
        #expect(try LossKind.spectral(fftSizes: [64]).evaluate(output: o, target: o).loss == 0)
        #expect(throws: TrainError.self) { try LossKind.spectral(fftSizes: [100]).evaluate(output: o, target: t) }
    }

    @Test func mse() throws {
        var r = TrainRandom(seed: 5)
        let o = randomSeq(2, 6, [4], &r), t = randomSeq(2, 6, [4], &r)
        let e = try lossCheck(.mse, output: o, target: t)
        print("gradcheck loss mse: \(e)")
        #expect(e < 1e-2)
    }

    @Test func fftMatchesDirectDFT() {
        let n = 16, fft = TrainFFT(size: n)
        var re = (0..<n).map { sin(Double($0) * 0.7) + 0.1 * Double($0) }, im = [Double](repeating: 0, count: n)
        let x = re
        fft.transform(&re, &im)
        for k in 0..<n {
            var sr = 0.0, si = 0.0
            for j in 0..<n { sr += x[j] * cos(2 * .pi * Double(k * j) / Double(n)); si -= x[j] * sin(2 * .pi * Double(k * j) / Double(n)) }
            #expect(abs(sr - re[k]) < 1e-9 && abs(si - im[k]) < 1e-9)
        }
    }
}
