// Gated recurrent unit, one step per frame, with PyTorch's gate order and convention:
//   r = σ(W_ir x + b_ir + W_hr h + b_hr)      z = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))      h' = (1 − z) ⊙ n + z ⊙ h
// File tensors (torch.nn.GRU, single layer, without the `_l0` suffix): `<name>.weight_ih` [3H, in],
// `<name>.weight_hh` [3H, H], `<name>.bias_ih` [3H], `<name>.bias_hh` [3H]; rows ordered r, z, n.

public struct GRU {
    public let inputs: Int
    public let hidden: Int
    /// r and z over the concatenated [x | h]; their two biases summed.
    @usableFromInline let resetUpdate: PackedMatrix
    @usableFromInline let candidateInput: PackedMatrix
    @usableFromInline let candidateHidden: PackedMatrix
    /// [x | h]: the state h lives right after a copy of the input.
    @usableFromInline let xh: UnsafeMutablePointer<Float>
    /// [r z | n_x | n_h] pre-activations.
    @usableFromInline let gates: UnsafeMutablePointer<Float>
    @usableFromInline let input: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    public init(inputs: Int, hidden: Int, weightIH: [Float], weightHH: [Float], biasIH: [Float], biasHH: [Float],
                input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, arena: Arena) {
        let h = hidden
        precondition(weightIH.count == 3 * h * inputs && weightHH.count == 3 * h * h)
        precondition((biasIH.isEmpty || biasIH.count == 3 * h) && (biasHH.isEmpty || biasHH.count == 3 * h))
        func bi(_ k: Int) -> Float { biasIH.isEmpty ? 0 : biasIH[k] }
        func bh(_ k: Int) -> Float { biasHH.isEmpty ? 0 : biasHH[k] }
        self.inputs = inputs
        self.hidden = hidden
        // σ(x) = ½ + ½·tanh(x/2): the r and z rows are pre-scaled by ½ (exact in float), so one tight
        // tanh loop serves both sigmoids.
        resetUpdate = PackedMatrix(outputs: 2 * h, inputs: inputs + h, arena: arena,
                                   weight: { o, j in 0.5 * (j < inputs ? weightIH[o * inputs + j] : weightHH[o * h + j - inputs]) },
                                   bias: { o in 0.5 * (bi(o) + bh(o)) })
        candidateInput = PackedMatrix(outputs: h, inputs: inputs, arena: arena,
                                      weight: { o, j in weightIH[(2 * h + o) * inputs + j] }, bias: { o in bi(2 * h + o) })
        candidateHidden = PackedMatrix(outputs: h, inputs: h, arena: arena,
                                       weight: { o, j in weightHH[(2 * h + o) * h + j] }, bias: { o in bh(2 * h + o) })
        xh = arena.floats(inputs + h)
        gates = arena.floats(4 * h)
        self.input = input
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run() {
        let h = hidden
        for i in 0..<inputs { xh[i] = input[i] }
        let state = xh + inputs
        resetUpdate.apply(xh, to: gates)
        candidateInput.apply(xh, to: gates + 2 * h)
        candidateHidden.apply(state, to: gates + 3 * h)
        var j = 0
        while j + 8 <= 2 * h {
            store8(nnTanh(load8(gates + j)), gates + j)
            j += 8
        }
        if j < 2 * h { storePartial8(nnTanh(load8(gates + j)), gates + j, 2 * h - j) }  // n_x follows: keep it
        // Whole SIMD8 chunks even at the end: lanes past H read and write slack (Arena buffers
        // have 16 floats of it) and are never read back as data.
        let half = SIMD8<Float>(repeating: 0.5)
        var i = 0
        while i < h {
            let r = half + half * load8(gates + i)
            let z = half + half * load8(gates + h + i)
            let n = nnTanh(load8(gates + 2 * h + i) + r * load8(gates + 3 * h + i))
            let next = n + z * (load8(state + i) - n)
            store8(next, state + i)
            store8(next, output + i)
            i += 8
        }
    }

    public func reset() { (xh + inputs).update(repeating: 0, count: hidden) }
}
