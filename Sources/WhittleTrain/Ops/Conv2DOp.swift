// conv2d over (time × frequency): causal along time (taps t − (kt−1−i)·dt, outputs every timeStride
// frames), zero-padded by `padding` along frequency, as the runtime streams it. im2col rows are
// (batch, time, out frequency), columns (time tap, frequency tap, channel) like the runtime's patch.

final class Conv2DOp: TrainOp {
    let name: String
    let cin: Int, cout: Int, freqs: Int, outFreqs: Int
    let kt: Int, kf: Int, dt: Int, df: Int, st: Int, sf: Int, padding: Int, hasBias: Bool
    let activation: Activation
    private var cols: [Float] = []
    private var inputTime = 0
    private var out = AffineOutput()

    init(_ a: NodeAttributes, input: [Int], has: (String) -> Bool) throws {
        guard input.count == 2 else { throw TrainError("\(a.context): input shape \(input) must be [frequency, channels]") }
        name = a.node.name
        freqs = input[0]; cin = input[1]
        cout = try a.int("channels")
        (kt, kf) = try a.pair("kernel")
        (dt, df) = try a.pair("dilation", default: (1, 1))
        (st, sf) = try a.pair("stride", default: (1, 1))
        padding = try a.int("padding", default: 0, min: 0)
        outFreqs = (freqs + 2 * padding - df * (kf - 1) - 1) / sf + 1
        guard outFreqs >= 1, padding < kf * df else { throw TrainError("\(a.context): kernel does not fit \(freqs) frequencies") }
        activation = try a.activation()
        hasBias = has("\(name).bias")
    }

    var outputFrame: [Int] { [outFreqs, cout] }
    var timeStride: Int { st }
    var tensorShapes: [String: [Int]] { hasBias ? ["weight": [cout, cin, kt, kf], "bias": [cout]] : ["weight": [cout, cin, kt, kf]] }
    private var width: Int { kt * kf * cin }

    private func matrix(_ w: [Float]) -> [Float] {
        var m = [Float](repeating: 0, count: cout * width)
        for o in 0..<cout { for c in 0..<cin { for i in 0..<kt { for j in 0..<kf {
            m[o * width + (i * kf + j) * cin + c] = w[((o * cin + c) * kt + i) * kf + j]
        } } } }
        return m
    }

    /// Visits every (column block, input frame offset) pair of the receptive fields.
    private func forEachTap(batch: Int, time T: Int, _ body: (_ col: Int, _ src: Int) -> Void) {
        let To = (T + st - 1) / st
        for b in 0..<batch { for u in 0..<To { for fo in 0..<outFreqs {
            let row = ((b * To + u) * outFreqs + fo) * width
            for i in 0..<kt {
                let ti = u * st - (kt - 1 - i) * dt
                guard ti >= 0 else { continue }
                for j in 0..<kf {
                    let fi = fo * sf - padding + j * df
                    guard fi >= 0 && fi < freqs else { continue }
                    body(row + (i * kf + j) * cin, ((b * T + ti) * freqs + fi) * cin)
                }
            }
        } } }
    }

    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        let x = xs[0], T = x.time, To = (T + st - 1) / st, rows = x.batch * To * outFreqs
        inputTime = T
        var cols = [Float](repeating: 0, count: rows * width)
        let cin = self.cin
        x.data.withUnsafeBufferPointer { src in
            cols.withUnsafeMutableBufferPointer { dst in
                forEachTap(batch: x.batch, time: T) { col, s in for c in 0..<cin { dst[col + c] = src[s + c] } }
            }
        }
        var y = [Float](repeating: 0, count: rows * cout)
        BLAS.gemm(false, true, rows, cout, width, cols, matrix(p[key("weight")]!), into: &y)
        out.finish(&y, bias: hasBias ? p[key("bias")]! : nil, channels: cout, activation: activation)
        self.cols = cols
        return Seq(batch: x.batch, time: To, frame: [outFreqs, cout], data: y)
    }

    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        let B = dy.batch, T = inputTime, rows = B * dy.time * outFreqs
        var gb = hasBias ? g[key("bias")] : nil
        let d = out.backward(dy.data, channels: cout, activation: activation, biasGradient: &gb)
        if hasBias { g[key("bias")] = gb }
        var gm = [Float](repeating: 0, count: cout * width)
        BLAS.gemm(true, false, cout, width, rows, d, cols, into: &gm)
        for o in 0..<cout { for c in 0..<cin { for i in 0..<kt { for j in 0..<kf {
            g[key("weight")]![((o * cin + c) * kt + i) * kf + j] += gm[o * width + (i * kf + j) * cin + c]
        } } } }
        var dcols = [Float](repeating: 0, count: rows * width)
        BLAS.gemm(false, false, rows, width, cout, d, matrix(p[key("weight")]!), into: &dcols)
        var dx = [Float](repeating: 0, count: B * T * freqs * cin)
        let cin = self.cin
        dcols.withUnsafeBufferPointer { src in
            dx.withUnsafeMutableBufferPointer { dst in
                forEachTap(batch: B, time: T) { col, s in for c in 0..<cin { dst[s + c] += src[col + c] } }
            }
        }
        return [Seq(batch: B, time: T, frame: [freqs, cin], data: dx)]
    }
}
