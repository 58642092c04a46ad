// Fully connected layer on one frame (a 2-D frame is read flattened, frequency-major).
// File tensors (torch.nn.Linear): `<name>.weight` [out, in], optional `<name>.bias` [out].

public struct Dense {
    public let matrix: PackedMatrix
    public let activation: Activation
    @usableFromInline let input: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    /// `weight` is row-major [outputs][inputs] as in PyTorch; `bias` has `outputs` floats or is empty.
    public init(inputs: Int, outputs: Int, weight: [Float], bias: [Float], activation: Activation,
                input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, arena: Arena) {
        precondition(weight.count == inputs * outputs && (bias.isEmpty || bias.count == outputs))
        matrix = PackedMatrix(outputs: outputs, inputs: inputs, arena: arena,
                              weight: { o, i in weight[o * inputs + i] },
                              bias: { o in bias.isEmpty ? 0 : bias[o] })
        self.activation = activation
        self.input = input
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run() {
        matrix.apply(input, to: output)
        activation.apply(output, count: matrix.outputs, group: matrix.outputs)
    }
}
