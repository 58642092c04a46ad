// gru (torch.nn.GRU, gates r, z, n), stepping over time like the runtime:
//   r = σ(Gi_r + Gh_r)   z = σ(Gi_z + Gh_z)   n = tanh(Gi_n + r ⊙ Gh_n)   h' = n + z ⊙ (h − n)
// Backward through time keeps r, z, n, Gh_n and h_{t−1} of every step.

final class GRUOp: RecurrentOp, TrainOp {
    private var r: [Float] = [], z: [Float] = [], n: [Float] = [], ghn: [Float] = []

    init(_ a: NodeAttributes, input: [Int], has: (String) -> Bool) throws {
        try super.init(a, input: input, gates: 3, has: has)
    }

    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        let gi = inputProjection(xs[0], p)
        let H = hidden, B = batch, T = time, w = 3 * H
        r = [Float](repeating: 0, count: T * B * H); z = r; n = r; ghn = r; previous = r
        var y = [Float](repeating: 0, count: B * T * H)
        var h = [Float](repeating: 0, count: B * H)
        for t in 0..<T {
            let gh = hiddenProjection(h, p)
            for b in 0..<B {
                let a = (b * T + t) * w, s = (t * B + b) * H
                for i in 0..<H {
                    let rv = nnSigmoid(gi[a + i] + gh[b * w + i])
                    let zv = nnSigmoid(gi[a + H + i] + gh[b * w + H + i])
                    let hn = gh[b * w + 2 * H + i]
                    let nv = nnTanh(gi[a + 2 * H + i] + rv * hn)
                    let hp = h[b * H + i]
                    r[s + i] = rv; z[s + i] = zv; n[s + i] = nv; ghn[s + i] = hn; previous[s + i] = hp
                    let next = nv + zv * (hp - nv)
                    h[b * H + i] = next
                    y[(b * T + t) * H + i] = next
                }
            }
        }
        return Seq(batch: B, time: T, frame: [H], data: y)
    }

    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        let H = hidden, B = batch, T = time, w = 3 * H
        var dGi = [Float](repeating: 0, count: B * T * w), dGh = dGi
        var dh = [Float](repeating: 0, count: B * H)
        for t in stride(from: T - 1, through: 0, by: -1) {
            var carry = [Float](repeating: 0, count: B * H)
            for b in 0..<B {
                let s = (t * B + b) * H, a = (b * T + t) * w, c = (t * B + b) * w
                for i in 0..<H {
                    let gr = dy.data[(b * T + t) * H + i] + dh[b * H + i]
                    let rv = r[s + i], zv = z[s + i], nv = n[s + i]
                    let dan = gr * (1 - zv) * (1 - nv * nv)
                    let daz = gr * (previous[s + i] - nv) * zv * (1 - zv)
                    let dar = dan * ghn[s + i] * rv * (1 - rv)
                    carry[b * H + i] = gr * zv
                    dGi[a + i] = dar; dGi[a + H + i] = daz; dGi[a + 2 * H + i] = dan
                    dGh[c + i] = dar; dGh[c + H + i] = daz; dGh[c + 2 * H + i] = dan * rv
                }
            }
            hiddenGradient(Array(dGh[(t * B * w)..<((t + 1) * B * w)]), p, into: &carry)
            dh = carry
        }
        return [finishBackward(dGi: dGi, dGh: dGh, p, &g)]
    }
}
