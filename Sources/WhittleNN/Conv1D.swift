// Causal, dilated, strided 1-D convolution over time, streaming one input frame per call.
// State: the last (kernel-1)·dilation input frames, so frame-by-frame equals the whole-sequence
// run with (kernel-1)·dilation zeros padded on the left. With stride s an output is produced
// for input frames 0, s, 2s, ...
// File tensors (torch.nn.Conv1d): `<name>.weight` [out, in, kernel], optional `<name>.bias` [out].

public struct Conv1D {
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: Int
    public let dilation: Int
    public let stride: Int
    public let activation: Activation
    /// Inputs ordered tap-major (oldest tap first), channel-minor.
    public let matrix: PackedMatrix
    @usableFromInline let history: FrameHistory
    @usableFromInline let gathered: UnsafeMutablePointer<Float>
    @usableFromInline let input: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    public init(inChannels: Int, outChannels: Int, kernel: Int, dilation: Int = 1, stride: Int = 1,
                weight: [Float], bias: [Float], activation: Activation,
                input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, arena: Arena) {
        precondition(weight.count == outChannels * inChannels * kernel && kernel >= 1 && dilation >= 1 && stride >= 1)
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.dilation = dilation
        self.stride = stride
        self.activation = activation
        matrix = PackedMatrix(outputs: outChannels, inputs: kernel * inChannels, arena: arena,
                              weight: { o, j in weight[(o * inChannels + j % inChannels) * kernel + j / inChannels] },
                              bias: { o in bias.isEmpty ? 0 : bias[o] })
        history = FrameHistory(length: (kernel - 1) * dilation + 1, frameSize: inChannels, arena: arena)
        gathered = arena.floats(kernel * inChannels)
        self.input = input
        self.output = output
    }

    /// Consumes input frame number `step`; writes an output frame when `step` is a multiple of the stride.
    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run(step: Int) {
        let window = history.push(input)
        if stride > 1 && step % stride != 0 { return }
        if dilation == 1 {
            matrix.apply(window, to: output)
        } else {
            // Dilated taps are not adjacent: gather them so the kernel sees one contiguous vector.
            for k in 0..<kernel {
                let src = window + k * dilation * inChannels
                let dst = gathered + k * inChannels
                for c in 0..<inChannels { dst[c] = src[c] }
            }
            matrix.apply(gathered, to: output)
        }
        activation.apply(output, count: outChannels, group: outChannels)
    }

    public func reset() { history.reset() }
}
