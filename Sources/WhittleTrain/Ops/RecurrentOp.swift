// Shared parts of gru and lstm: tensors in torch's layout, the input projection for all time
// steps at once (one GEMM), and the weight gradients gathered over time (two GEMMs).
// Per-step arrays are stored time-major (row t·B + b) so each step's block is contiguous.

class RecurrentOp {
    let name: String
    let inputs: Int, hidden: Int, gates: Int, hasBiasIH: Bool, hasBiasHH: Bool
    var x: [Float] = []
    var batch = 0, time = 0
    /// Previous hidden state per step, [T·B, H].
    var previous: [Float] = []

    init(_ a: NodeAttributes, input: [Int], gates: Int, has: (String) -> Bool) throws {
        name = a.node.name
        inputs = input.reduce(1, *)
        hidden = try a.int("hidden")
        self.gates = gates
        hasBiasIH = has("\(name).bias_ih"); hasBiasHH = has("\(name).bias_hh")
    }

    var outputFrame: [Int] { [hidden] }
    var tensorShapes: [String: [Int]] {
        let g = gates * hidden
        var s = ["weight_ih": [g, inputs], "weight_hh": [g, hidden]]
        if hasBiasIH { s["bias_ih"] = [g] }
        if hasBiasHH { s["bias_hh"] = [g] }
        return s
    }
    func key(_ suffix: String) -> String { "\(name).\(suffix)" }

    /// X·W_ihᵀ + b_ih for every frame, rows b·T + t.
    func inputProjection(_ xs: Seq, _ p: Parameters) -> [Float] {
        batch = xs.batch; time = xs.time; x = xs.data
        let g = gates * hidden
        var gi = [Float](repeating: 0, count: batch * time * g)
        BLAS.gemm(false, true, batch * time, g, inputs, x, p[key("weight_ih")]!, into: &gi)
        if hasBiasIH { addRows(&gi, p[key("bias_ih")]!) }
        return gi
    }

    /// h·W_hhᵀ + b_hh for one step's block of B rows.
    func hiddenProjection(_ h: [Float], _ p: Parameters) -> [Float] {
        let g = gates * hidden
        var gh = [Float](repeating: 0, count: batch * g)
        BLAS.gemm(false, true, batch, g, hidden, h, p[key("weight_hh")]!, into: &gh)
        if hasBiasHH { addRows(&gh, p[key("bias_hh")]!) }
        return gh
    }

    /// Weight and input gradients from the gate gradients (dGi rows b·T + t, dGh rows t·B + b).
    func finishBackward(dGi: [Float], dGh: [Float], _ p: Parameters, _ g: inout Parameters) -> Seq {
        let w = gates * hidden, rows = batch * time
        BLAS.gemm(true, false, w, hidden, rows, dGh, previous, into: &g[key("weight_hh")]!, accumulate: true)
        BLAS.gemm(true, false, w, inputs, rows, dGi, x, into: &g[key("weight_ih")]!, accumulate: true)
        if hasBiasHH { addColumnSums(&g[key("bias_hh")]!, dGh) }
        if hasBiasIH { addColumnSums(&g[key("bias_ih")]!, dGi) }
        var dx = [Float](repeating: 0, count: rows * inputs)
        BLAS.gemm(false, false, rows, inputs, w, dGi, p[key("weight_ih")]!, into: &dx)
        return Seq(batch: batch, time: time, frame: [inputs], data: dx)
    }

    /// dh_{t−1} contribution through W_hh: dGh_t · W_hh.
    func hiddenGradient(_ dGhStep: [Float], _ p: Parameters, into dh: inout [Float]) {
        BLAS.gemm(false, false, batch, hidden, gates * hidden, dGhStep, p[key("weight_hh")]!, into: &dh, accumulate: true)
    }
}

func addRows(_ m: inout [Float], _ v: [Float]) {
    let n = v.count
    m.withUnsafeMutableBufferPointer { p in var i = 0; while i < p.count { for c in 0..<n { p[i + c] += v[c] }; i += n } }
}

func addColumnSums(_ target: inout [Float], _ m: [Float]) {
    let n = target.count
    var i = 0
    while i < m.count { for c in 0..<n { target[c] += m[i + c] }; i += n }
}
