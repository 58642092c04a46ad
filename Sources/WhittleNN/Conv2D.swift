// 2-D convolution over (time × frequency), causal and streaming along time: each call takes
// one input frame [frequency][inChannels] and, every `timeStride` frames, writes one output
// frame [outFrequency][outChannels]. Frequency is padded symmetrically by `freqPadding` zeros.
// File tensors: `<name>.weight` [out, in, kernelTime, kernelFreq] (torch.nn.Conv2d on input laid
// out (batch, channel, time, frequency)), optional `<name>.bias` [out].

public struct Conv2D {
    public let inChannels: Int
    public let outChannels: Int
    public let frequencies: Int
    public let outFrequencies: Int
    public let kernelTime: Int
    public let kernelFreq: Int
    public let dilationTime: Int
    public let dilationFreq: Int
    public let timeStride: Int
    public let freqStride: Int
    public let freqPadding: Int
    public let activation: Activation
    /// Inputs ordered (time tap, frequency tap, channel).
    public let matrix: PackedMatrix
    @usableFromInline let history: FrameHistory
    @usableFromInline let patch: UnsafeMutablePointer<Float>
    @usableFromInline let input: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    public static func outFrequencies(frequencies: Int, kernelFreq: Int, dilationFreq: Int, freqStride: Int, freqPadding: Int) -> Int {
        (frequencies + 2 * freqPadding - dilationFreq * (kernelFreq - 1) - 1) / freqStride + 1
    }

    public init(inChannels: Int, outChannels: Int, frequencies: Int,
                kernelTime: Int, kernelFreq: Int, dilationTime: Int = 1, dilationFreq: Int = 1,
                timeStride: Int = 1, freqStride: Int = 1, freqPadding: Int = 0,
                weight: [Float], bias: [Float], activation: Activation,
                input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, arena: Arena) {
        precondition(weight.count == outChannels * inChannels * kernelTime * kernelFreq)
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.frequencies = frequencies
        self.kernelTime = kernelTime
        self.kernelFreq = kernelFreq
        self.dilationTime = dilationTime
        self.dilationFreq = dilationFreq
        self.timeStride = timeStride
        self.freqStride = freqStride
        self.freqPadding = freqPadding
        self.activation = activation
        outFrequencies = Conv2D.outFrequencies(frequencies: frequencies, kernelFreq: kernelFreq, dilationFreq: dilationFreq,
                                               freqStride: freqStride, freqPadding: freqPadding)
        precondition(outFrequencies >= 1)
        matrix = PackedMatrix(outputs: outChannels, inputs: kernelTime * kernelFreq * inChannels, arena: arena,
                              weight: { o, j in
                                  let c = j % inChannels, kf = (j / inChannels) % kernelFreq, kt = j / (inChannels * kernelFreq)
                                  return weight[((o * inChannels + c) * kernelTime + kt) * kernelFreq + kf]
                              },
                              bias: { o in bias.isEmpty ? 0 : bias[o] })
        history = FrameHistory(length: (kernelTime - 1) * dilationTime + 1, frameSize: frequencies * inChannels, arena: arena)
        patch = arena.floats(kernelTime * kernelFreq * inChannels)
        self.input = input
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run(step: Int) {
        let window = history.push(input)
        if timeStride > 1 && step % timeStride != 0 { return }
        let frameSize = frequencies * inChannels
        func inside(_ fo: Int) -> Bool {
            let first = fo * freqStride - freqPadding
            return dilationFreq == 1 && first >= 0 && first + kernelFreq <= frequencies
        }
        var fo = 0
        while fo < outFrequencies {
            let first = fo * freqStride - freqPadding
            let out = output + fo * outChannels
            // Inside the frequency range each time tap's (frequency tap, channel) inputs are
            // contiguous in its history frame: read them in place, two positions per weight pass.
            if inside(fo) {
                if fo + 1 < outFrequencies && inside(fo + 1) {
                    matrix.applyPair(segments: kernelTime, length: kernelFreq * inChannels, from: window + first * inChannels,
                                     delta: freqStride * inChannels, stride: dilationTime * frameSize, to: out, out + outChannels)
                    fo += 2
                } else {
                    matrix.apply(segments: kernelTime, length: kernelFreq * inChannels, from: window + first * inChannels,
                                 stride: dilationTime * frameSize, to: out)
                    fo += 1
                }
                continue
            }
            // At the edges, gather the receptive field with zeros where it hangs over.
            var dst = patch
            for kt in 0..<kernelTime {
                let frame = window + kt * dilationTime * frameSize
                for kf in 0..<kernelFreq {
                    let fi = first + kf * dilationFreq
                    if fi >= 0 && fi < frequencies {
                        let src = frame + fi * inChannels
                        for c in 0..<inChannels { dst[c] = src[c] }
                    } else {
                        for c in 0..<inChannels { dst[c] = 0 }
                    }
                    dst += inChannels
                }
            }
            matrix.apply(patch, to: out)
            fo += 1
        }
        activation.apply(output, count: outFrequencies * outChannels, group: outChannels)
    }

    public func reset() { history.reset() }
}
