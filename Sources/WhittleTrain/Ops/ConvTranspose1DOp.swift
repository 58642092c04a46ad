// conv_transpose1d: each input frame completes `stride` output samples, emitted as one
// [stride, out] frame (the runtime's streaming form of torch's ConvTranspose1d, padding 0):
//   y[t, j] = b + Σ_m Σ_c W[c, :, j + m·stride] · x[t − m, c]
// computed as Z = X·W (W viewed as [in, out·k]) and then an overlap-add of Z over m.

final class ConvTranspose1DOp: TrainOp {
    let name: String
    let cin: Int, cout: Int, k: Int, stride: Int, hasBias: Bool
    let activation: Activation
    private var x: [Float] = []
    private var out = AffineOutput()

    init(_ a: NodeAttributes, input: [Int], has: (String) -> Bool) throws {
        guard input.count == 1 else { throw TrainError("\(a.context): input shape \(input) must be [channels]") }
        name = a.node.name
        cin = input[0]
        cout = try a.int("channels"); k = try a.int("kernel"); stride = try a.int("stride")
        activation = try a.activation()
        hasBias = has("\(name).bias")
    }

    var outputFrame: [Int] { [stride, cout] }
    var tensorShapes: [String: [Int]] { hasBias ? ["weight": [cin, cout, k], "bias": [cout]] : ["weight": [cin, cout, k]] }

    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        let x = xs[0], B = x.batch, T = x.time, zw = cout * k
        var z = [Float](repeating: 0, count: B * T * zw)
        BLAS.gemm(false, false, B * T, zw, cin, x.data, p[key("weight")]!, into: &z)
        var y = [Float](repeating: 0, count: B * T * stride * cout)
        for b in 0..<B { for t in 0..<T { for j in 0..<stride {
            var m = 0
            while j + m * stride < k && m <= t {
                let zrow = (b * T + t - m) * zw, kk = j + m * stride, dst = ((b * T + t) * stride + j) * cout
                for o in 0..<cout { y[dst + o] += z[zrow + o * k + kk] }
                m += 1
            }
        } } }
        out.finish(&y, bias: hasBias ? p[key("bias")]! : nil, channels: cout, activation: activation)
        self.x = x.data
        return Seq(batch: B, time: T, frame: [stride, cout], data: y)
    }

    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        let B = dy.batch, T = dy.time, zw = cout * k
        var gb = hasBias ? g[key("bias")] : nil
        let d = out.backward(dy.data, channels: cout, activation: activation, biasGradient: &gb)
        if hasBias { g[key("bias")] = gb }
        var dz = [Float](repeating: 0, count: B * T * zw)
        for b in 0..<B { for t in 0..<T { for j in 0..<stride {
            var m = 0
            while j + m * stride < k && m <= t {
                let zrow = (b * T + t - m) * zw, kk = j + m * stride, src = ((b * T + t) * stride + j) * cout
                for o in 0..<cout { dz[zrow + o * k + kk] += d[src + o] }
                m += 1
            }
        } } }
        BLAS.gemm(true, false, cin, zw, B * T, x, dz, into: &g[key("weight")]!, accumulate: true)
        var dx = [Float](repeating: 0, count: B * T * cin)
        BLAS.gemm(false, true, B * T, cin, zw, dz, p[key("weight")]!, into: &dx)
        return [Seq(batch: B, time: T, frame: [cin], data: dx)]
    }
}
