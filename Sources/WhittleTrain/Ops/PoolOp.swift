// maxpool_freq / avgpool_freq along frequency (no padding, floor mode). Max pooling routes the
// gradient to the winning input (the last of equal maxima, as the runtime's max keeps).

final class PoolOp: TrainOp {
    let name: String
    let isMax: Bool, freqs: Int, channels: Int, k: Int, stride: Int, outFreqs: Int
    private var winner: [Int] = []
    private var inputShape = (0, 0)

    init(_ a: NodeAttributes, input: [Int]) throws {
        guard input.count == 2 else { throw TrainError("\(a.context): input shape \(input) must be [frequency, channels]") }
        name = a.node.name
        isMax = a.node.op == "maxpool_freq"
        freqs = input[0]; channels = input[1]
        k = try a.int("kernel"); stride = try a.int("stride", default: k)
        guard k <= freqs else { throw TrainError("\(a.context): kernel \(k) is wider than \(freqs) frequencies") }
        outFreqs = (freqs - k) / stride + 1
    }

    var outputFrame: [Int] { [outFreqs, channels] }
    var tensorShapes: [String: [Int]] { [:] }

    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        let x = xs[0], C = channels, rows = x.rows
        inputShape = (x.batch, x.time)
        var y = [Float](repeating: 0, count: rows * outFreqs * C)
        winner = isMax ? [Int](repeating: 0, count: y.count) : []
        for r in 0..<rows { for fo in 0..<outFreqs { for c in 0..<C {
            let o = (r * outFreqs + fo) * C + c
            var best = (r * freqs + fo * stride) * C + c
            var acc = x.data[best]
            for j in 1..<max(k, 1) {
                let i = (r * freqs + fo * stride + j) * C + c
                if isMax { if x.data[i] >= acc { acc = x.data[i]; best = i } } else { acc += x.data[i] }
            }
            if isMax { winner[o] = best; y[o] = acc } else { y[o] = acc * (1 / Float(k)) }
        } } }
        return Seq(batch: x.batch, time: x.time, frame: [outFreqs, C], data: y)
    }

    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        let C = channels, rows = dy.rows
        var dx = [Float](repeating: 0, count: rows * freqs * C)
        for r in 0..<rows { for fo in 0..<outFreqs { for c in 0..<C {
            let o = (r * outFreqs + fo) * C + c
            if isMax { dx[winner[o]] += dy.data[o]; continue }
            for j in 0..<k { dx[(r * freqs + fo * stride + j) * C + c] += dy.data[o] / Float(k) }
        } } }
        return [Seq(batch: inputShape.0, time: inputShape.1, frame: [freqs, C], data: dx)]
    }
}
