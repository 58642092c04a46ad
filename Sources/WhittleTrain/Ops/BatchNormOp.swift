// batchnorm over every axis but the last (channels). Training mode normalises with the batch's
// statistics and reports them for the running averages (torch: momentum 0.1, unbiased variance);
// evaluation mode uses the running statistics, as the runtime (which folds them) does.

final class BatchNormOp: TrainOp {
    let name: String
    let frame: [Int], channels: Int, eps: Float, momentum: Float, hasAffine: Bool
    private var normalized: [Float] = []
    private var inverseStd: [Float] = []
    private var trainingMode = false
    /// Batch mean and unbiased variance of the last training forward, for the running averages.
    private(set) var batchStatistics: (mean: [Float], variance: [Float])?

    init(_ a: NodeAttributes, input: [Int], has: (String) -> Bool) throws {
        name = a.node.name
        frame = input; channels = input.last!
        eps = a.float("eps", default: 1e-5); momentum = a.float("momentum", default: 0.1)
        hasAffine = has("\(name).weight") && has("\(name).bias")
    }

    var outputFrame: [Int] { frame }
    var tensorShapes: [String: [Int]] {
        var s = ["running_mean": [channels], "running_var": [channels]]
        if hasAffine { s["weight"] = [channels]; s["bias"] = [channels] }
        return s
    }

    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        let x = xs[0], C = channels, count = x.data.count / C
        trainingMode = training
        var mean = [Float](repeating: 0, count: C), variance = mean
        if training {
            var sum = [Double](repeating: 0, count: C), squares = sum
            for i in 0..<count { for c in 0..<C { let v = Double(x.data[i * C + c]); sum[c] += v; squares[c] += v * v } }
            for c in 0..<C {
                let m = sum[c] / Double(count)
                mean[c] = Float(m)
                variance[c] = Float(max(squares[c] / Double(count) - m * m, 0))
            }
            let unbiased = variance.map { $0 * Float(count) / Float(max(count - 1, 1)) }
            batchStatistics = (mean, unbiased)
        } else {
            mean = p[key("running_mean")]!; variance = p[key("running_var")]!
            batchStatistics = nil
        }
        inverseStd = variance.map { 1 / ($0 + eps).squareRoot() }
        let gamma = hasAffine ? p[key("weight")]! : [Float](repeating: 1, count: C)
        let beta = hasAffine ? p[key("bias")]! : [Float](repeating: 0, count: C)
        normalized = x.data
        var y = x.data
        for i in 0..<count { for c in 0..<C {
            let h = (x.data[i * C + c] - mean[c]) * inverseStd[c]
            normalized[i * C + c] = h
            y[i * C + c] = h * gamma[c] + beta[c]
        } }
        return Seq(batch: x.batch, time: x.time, frame: frame, data: y)
    }

    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        let C = channels, count = dy.data.count / C
        let gamma = hasAffine ? p[key("weight")]! : [Float](repeating: 1, count: C)
        var sumDy = [Float](repeating: 0, count: C), sumDyH = sumDy
        for i in 0..<count { for c in 0..<C { sumDy[c] += dy.data[i * C + c]; sumDyH[c] += dy.data[i * C + c] * normalized[i * C + c] } }
        if hasAffine {
            for c in 0..<C { g[key("weight")]![c] += sumDyH[c]; g[key("bias")]![c] += sumDy[c] }
        }
        var dx = dy.data
        let n = Float(count)
        for i in 0..<count { for c in 0..<C {
            let k = gamma[c] * inverseStd[c]
            dx[i * C + c] = trainingMode
                ? k / n * (n * dy.data[i * C + c] - sumDy[c] - normalized[i * C + c] * sumDyH[c])
                : k * dy.data[i * C + c]
        } }
        return [Seq(batch: dy.batch, time: dy.time, frame: frame, data: dx)]
    }
}
