// layernorm over the last axis (channels), each row on its own, biased variance (torch.nn.LayerNorm).

final class LayerNormOp: TrainOp {
    let name: String
    let frame: [Int], channels: Int, eps: Float, hasAffine: Bool
    private var normalized: [Float] = []
    private var inverseStd: [Float] = []

    init(_ a: NodeAttributes, input: [Int], has: (String) -> Bool) throws {
        name = a.node.name
        frame = input; channels = input.last!
        eps = a.float("eps", default: 1e-5)
        guard eps > 0 else { throw TrainError("\(a.context): attribute 'eps' must be positive") }
        hasAffine = has("\(name).weight") && has("\(name).bias")
    }

    var outputFrame: [Int] { frame }
    var tensorShapes: [String: [Int]] { hasAffine ? ["weight": [channels], "bias": [channels]] : [:] }

    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        let x = xs[0], C = channels, rows = x.data.count / C
        let gamma = hasAffine ? p[key("weight")]! : [Float](repeating: 1, count: C)
        let beta = hasAffine ? p[key("bias")]! : [Float](repeating: 0, count: C)
        normalized = x.data
        inverseStd = [Float](repeating: 0, count: rows)
        var y = x.data
        for r in 0..<rows {
            var sum: Float = 0
            for c in 0..<C { sum += x.data[r * C + c] }
            let mean = sum / Float(C)
            var squares: Float = 0
            for c in 0..<C { let d = x.data[r * C + c] - mean; squares += d * d }
            let inv = 1 / (squares / Float(C) + eps).squareRoot()
            inverseStd[r] = inv
            for c in 0..<C {
                let h = (x.data[r * C + c] - mean) * inv
                normalized[r * C + c] = h
                y[r * C + c] = h * gamma[c] + beta[c]
            }
        }
        return Seq(batch: x.batch, time: x.time, frame: frame, data: y)
    }

    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        let C = channels, rows = dy.data.count / C, n = Float(C)
        let gamma = hasAffine ? p[key("weight")]! : [Float](repeating: 1, count: C)
        var dx = dy.data
        var gw = [Float](repeating: 0, count: C), gb = gw
        for r in 0..<rows {
            var sumD: Float = 0, sumDH: Float = 0
            for c in 0..<C {
                let i = r * C + c, d = dy.data[i] * gamma[c]
                gw[c] += dy.data[i] * normalized[i]; gb[c] += dy.data[i]
                sumD += d; sumDH += d * normalized[i]
            }
            for c in 0..<C {
                let i = r * C + c
                dx[i] = inverseStd[r] / n * (n * dy.data[i] * gamma[c] - sumD - normalized[i] * sumDH)
            }
        }
        if hasAffine { accumulate(&g[key("weight")]!, gw); accumulate(&g[key("bias")]!, gb) }
        return [Seq(batch: dy.batch, time: dy.time, frame: frame, data: dx)]
    }
}
