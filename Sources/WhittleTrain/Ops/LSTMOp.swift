// lstm (torch.nn.LSTM, gates i, f, g, o), stepping over time like the runtime:
//   c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g)   h' = σ(o) ⊙ tanh(c')
// Backward through time keeps the four gate values, c and h_{t−1} of every step.

final class LSTMOp: RecurrentOp, TrainOp {
    private var gate: [Float] = [], cell: [Float] = [], cellPrevious: [Float] = []

    init(_ a: NodeAttributes, input: [Int], has: (String) -> Bool) throws {
        try super.init(a, input: input, gates: 4, has: has)
    }

    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        let gi = inputProjection(xs[0], p)
        let H = hidden, B = batch, T = time, w = 4 * H
        gate = [Float](repeating: 0, count: T * B * w)
        cell = [Float](repeating: 0, count: T * B * H); cellPrevious = cell; previous = cell
        var y = [Float](repeating: 0, count: B * T * H)
        var h = [Float](repeating: 0, count: B * H), c = h
        for t in 0..<T {
            let gh = hiddenProjection(h, p)
            for b in 0..<B {
                let a = (b * T + t) * w, s = (t * B + b) * H, q = (t * B + b) * w
                for j in 0..<H {
                    let e = b * w + j, f = a + j
                    let iv: Float = nnSigmoid(gi[f] + gh[e])
                    let fv: Float = nnSigmoid(gi[f + H] + gh[e + H])
                    let gv: Float = nnTanh(gi[f + 2 * H] + gh[e + 2 * H])
                    let ov: Float = nnSigmoid(gi[f + 3 * H] + gh[e + 3 * H])
                    gate[q + j] = iv; gate[q + H + j] = fv; gate[q + 2 * H + j] = gv; gate[q + 3 * H + j] = ov
                    cellPrevious[s + j] = c[b * H + j]; previous[s + j] = h[b * H + j]
                    let cv = fv * c[b * H + j] + iv * gv
                    let hv = ov * nnTanh(cv)
                    cell[s + j] = cv; c[b * H + j] = cv; h[b * H + j] = hv
                    y[(b * T + t) * H + j] = hv
                }
            }
        }
        return Seq(batch: B, time: T, frame: [H], data: y)
    }

    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        let H = hidden, B = batch, T = time, w = 4 * H
        var dGi = [Float](repeating: 0, count: B * T * w), dGh = dGi
        var dh = [Float](repeating: 0, count: B * H), dc = dh
        for t in stride(from: T - 1, through: 0, by: -1) {
            var carry = [Float](repeating: 0, count: B * H)
            for b in 0..<B {
                let s = (t * B + b) * H, a = (b * T + t) * w, q = (t * B + b) * w
                for j in 0..<H {
                    let iv = gate[q + j], fv = gate[q + H + j], gv = gate[q + 2 * H + j], ov = gate[q + 3 * H + j]
                    let tc = nnTanh(cell[s + j])
                    let dhv = dy.data[(b * T + t) * H + j] + dh[b * H + j]
                    let dcv = dhv * ov * (1 - tc * tc) + dc[b * H + j]
                    let dai = dcv * gv * iv * (1 - iv)
                    let daf = dcv * cellPrevious[s + j] * fv * (1 - fv)
                    let dag = dcv * iv * (1 - gv * gv)
                    let dao = dhv * tc * ov * (1 - ov)
                    dc[b * H + j] = dcv * fv
                    dGi[a + j] = dai; dGi[a + H + j] = daf; dGi[a + 2 * H + j] = dag; dGi[a + 3 * H + j] = dao
                    dGh[q + j] = dai; dGh[q + H + j] = daf; dGh[q + 2 * H + j] = dag; dGh[q + 3 * H + j] = dao
                }
            }
            hiddenGradient(Array(dGh[(t * B * w)..<((t + 1) * B * w)]), p, into: &carry)
            dh = carry
        }
        return [finishBackward(dGi: dGi, dGh: dGh, p, &g)]
    }
}
