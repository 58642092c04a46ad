import Testing
import WhittleNN

/// Conv2D reads interior positions in place, two per weight pass, and gathers the edges: every
/// path, against a direct evaluation of the definition, over shapes that exercise the partial
/// last output block (its spill into the next position), odd run lengths, strides and dilation.
@Suite struct Conv2DPathTests {
    struct Shape: CustomTestStringConvertible, Sendable {
        var inC: Int, outC: Int, freq: Int, kt: Int, kf: Int, pad: Int, stride: Int, dilation: Int
        var testDescription: String { "\(inC)→\(outC) f\(freq) k\(kt)×\(kf) pad \(pad) stride \(stride) dil \(dilation)" }
    }

    static let shapes: [Shape] = [
        Shape(inC: 36, outC: 7, freq: 60, kt: 3, kf: 3, pad: 1, stride: 1, dilation: 1),   // pitch conv1
        Shape(inC: 7, outC: 7, freq: 60, kt: 3, kf: 5, pad: 2, stride: 1, dilation: 1),
        Shape(inC: 1, outC: 9, freq: 80, kt: 3, kf: 3, pad: 1, stride: 1, dilation: 1),    // drums conv1: 2 blocks, partial
        Shape(inC: 5, outC: 20, freq: 11, kt: 2, kf: 3, pad: 0, stride: 1, dilation: 1),
        Shape(inC: 3, outC: 1, freq: 9, kt: 1, kf: 1, pad: 0, stride: 1, dilation: 1),
        Shape(inC: 4, outC: 12, freq: 17, kt: 3, kf: 4, pad: 2, stride: 2, dilation: 1),
        Shape(inC: 2, outC: 8, freq: 16, kt: 2, kf: 3, pad: 2, stride: 1, dilation: 2),
    ]

    @Test(arguments: shapes)
    func matchesTheDefinition(_ s: Shape) {
        var seed: UInt64 = 99
        func random() -> Float {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: seed >> 11) % 2001 - 1000) / 1000
        }
        let weight = (0..<(s.outC * s.inC * s.kt * s.kf)).map { _ in random() }
        let bias = (0..<s.outC).map { _ in random() }
        let arena = Arena()
        let input = arena.floats(s.freq * s.inC)
        let outF = Conv2D.outFrequencies(frequencies: s.freq, kernelFreq: s.kf, dilationFreq: s.dilation,
                                         freqStride: s.stride, freqPadding: s.pad)
        let output = arena.floats(outF * s.outC)
        let conv = Conv2D(inChannels: s.inC, outChannels: s.outC, frequencies: s.freq, kernelTime: s.kt, kernelFreq: s.kf,
                          dilationFreq: s.dilation, freqStride: s.stride, freqPadding: s.pad,
                          weight: weight, bias: bias, activation: .identity, input: input, output: output, arena: arena)
        var frames: [[Float]] = []
        var worst: Float = 0
        for step in 0..<5 {
            let frame = (0..<(s.freq * s.inC)).map { _ in random() }
            frames.append(frame)
            for i in 0..<frame.count { input[i] = frame[i] }
            conv.run(step: step)
            for fo in 0..<outF {
                for o in 0..<s.outC {
                    var expected = bias[o]
                    for kt in 0..<s.kt {
                        // Time tap kt reads frame step − (kt − 1), zeros before the stream began.
                        let t = step - (s.kt - 1) + kt
                        guard t >= 0 else { continue }
                        for kf in 0..<s.kf {
                            let fi = fo * s.stride - s.pad + kf * s.dilation
                            guard fi >= 0 && fi < s.freq else { continue }
                            for c in 0..<s.inC {
                                expected += weight[((o * s.inC + c) * s.kt + kt) * s.kf + kf] * frames[t][fi * s.inC + c]
                            }
                        }
                    }
                    worst = max(worst, abs(output[fo * s.outC + o] - expected))
                }
            }
        }
        #expect(worst < 1e-4, "largest difference \(worst)")
    }
}
