// Long short-term memory, one step per frame, PyTorch's gate order i, f, g, o:
//   gates = W_ih x + b_ih + W_hh h + b_hh;  c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g);  h' = σ(o) ⊙ tanh(c')
// File tensors (torch.nn.LSTM, single layer, without the `_l0` suffix): `<name>.weight_ih` [4H, in],
// `<name>.weight_hh` [4H, H], `<name>.bias_ih` [4H], `<name>.bias_hh` [4H].

public struct LSTM {
    public let inputs: Int
    public let hidden: Int
    /// All four gates over the concatenated [x | h]; the two biases summed.
    @usableFromInline let matrix: PackedMatrix
    @usableFromInline let xh: UnsafeMutablePointer<Float>
    @usableFromInline let cell: UnsafeMutablePointer<Float>
    @usableFromInline let gates: UnsafeMutablePointer<Float>
    @usableFromInline let input: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    public init(inputs: Int, hidden: Int, weightIH: [Float], weightHH: [Float], biasIH: [Float], biasHH: [Float],
                input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, arena: Arena) {
        let h = hidden
        precondition(weightIH.count == 4 * h * inputs && weightHH.count == 4 * h * h)
        precondition((biasIH.isEmpty || biasIH.count == 4 * h) && (biasHH.isEmpty || biasHH.count == 4 * h))
        self.inputs = inputs
        self.hidden = hidden
        // σ(x) = ½ + ½·tanh(x/2): the i, f, o rows are pre-scaled by ½ (exact in float), so one
        // tight tanh loop over all 4H gates serves the three sigmoids and the cell input.
        func scale(_ o: Int) -> Float { o / h == 2 ? 1 : 0.5 }
        matrix = PackedMatrix(outputs: 4 * h, inputs: inputs + h, arena: arena,
                              weight: { o, j in scale(o) * (j < inputs ? weightIH[o * inputs + j] : weightHH[o * h + j - inputs]) },
                              bias: { o in scale(o) * ((biasIH.isEmpty ? 0 : biasIH[o]) + (biasHH.isEmpty ? 0 : biasHH[o])) })
        xh = arena.floats(inputs + h)
        cell = arena.floats(h)
        gates = arena.floats(4 * h)
        self.input = input
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run() {
        let h = hidden
        for i in 0..<inputs { xh[i] = input[i] }
        let state = xh + inputs
        matrix.apply(xh, to: gates)
        var j = 0
        while j + 8 <= 4 * h {
            store8(nnTanh(load8(gates + j)), gates + j)
            j += 8
        }
        if j < 4 * h { store8(nnTanh(load8(gates + j)), gates + j) }  // the tail runs into slack
        // Whole SIMD8 chunks even at the end: lanes past H read and write slack (Arena buffers
        // have 16 floats of it) and are never read back as data.
        let half = SIMD8<Float>(repeating: 0.5)
        var i = 0
        while i < h {
            let ig = half + half * load8(gates + i)
            let fg = half + half * load8(gates + h + i)
            let gg = load8(gates + 2 * h + i)
            let og = half + half * load8(gates + 3 * h + i)
            let c = fg * load8(cell + i) + ig * gg
            let next = og * nnTanh(c)
            store8(c, cell + i)
            store8(next, state + i)
            store8(next, output + i)
            i += 8
        }
    }

    public func reset() {
        (xh + inputs).update(repeating: 0, count: hidden)
        cell.update(repeating: 0, count: hidden)
    }
}
