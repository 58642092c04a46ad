// Transposed 1-D convolution (upsampling, as in SING's decoder), streaming: each input frame
// completes `stride` output frames, written as one [stride][outChannels] frame. Frame by frame
// this equals the first T·stride frames of torch.nn.ConvTranspose1d (padding 0) over T inputs.
// Output frame t·s + j = bias + Σ_m W[:, :, j + m·s]ᵀ x[t − m], so the state is the last
// ceil(kernel / stride) input frames.
// File tensors (torch layout): `<name>.weight` [in, out, kernel], optional `<name>.bias` [out].

public struct ConvTranspose1D {
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: Int
    public let stride: Int
    public let activation: Activation
    @usableFromInline let phases: UnsafeMutablePointer<PackedMatrix>
    @usableFromInline let phaseTaps: UnsafeMutablePointer<Int>
    @usableFromInline let history: FrameHistory
    @usableFromInline let input: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int,
                weight: [Float], bias: [Float], activation: Activation,
                input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, arena: Arena) {
        precondition(weight.count == inChannels * outChannels * kernel && kernel >= 1 && stride >= 1)
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.activation = activation
        let window = (kernel + stride - 1) / stride
        history = FrameHistory(length: window, frameSize: inChannels, arena: arena)
        phaseTaps = arena.values(stride, initial: 0)
        var matrices: [PackedMatrix] = []
        for j in 0..<stride {
            // Taps m = 0..<taps reach x[t-m]; inputs run oldest first: q ↔ m = taps-1-q.
            let taps = j < kernel ? (kernel - j + stride - 1) / stride : 0
            phaseTaps[j] = taps
            matrices.append(PackedMatrix(outputs: outChannels, inputs: taps * inChannels, arena: arena,
                                         weight: { o, q in
                                             let c = q % inChannels, m = taps - 1 - q / inChannels
                                             return weight[(c * outChannels + o) * kernel + j + m * stride]
                                         },
                                         bias: { o in bias.isEmpty ? 0 : bias[o] }))
        }
        phases = arena.values(stride, initial: matrices[0])
        for j in 0..<stride { phases[j] = matrices[j] }
        self.input = input
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run() {
        let window = history.push(input)
        let frames = history.length
        for j in 0..<stride {
            let taps = phaseTaps[j]
            phases[j].apply(window + (frames - taps) * inChannels, to: output + j * outChannels)
        }
        activation.apply(output, count: stride * outChannels, group: outChannels)
    }

    public func reset() { history.reset() }
}
