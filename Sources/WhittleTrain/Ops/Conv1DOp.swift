// conv1d: causal, dilated, strided convolution over time, as the runtime streams it: output u is
// computed at input frame u·stride from taps x[u·stride − (k−1−j)·dilation] (zeros before the start).
// im2col + one GEMM; columns are ordered (tap, channel) like the runtime's packed matrix.

final class Conv1DOp: TrainOp {
    let name: String
    let cin: Int, cout: Int, k: Int, dilation: Int, stride: Int, hasBias: Bool
    let activation: Activation
    private var cols: [Float] = []
    private var inputTime = 0
    private var out = AffineOutput()

    init(_ a: NodeAttributes, input: [Int], has: (String) -> Bool) throws {
        guard input.count == 1 else { throw TrainError("\(a.context): input shape \(input) must be [channels]") }
        name = a.node.name
        cin = input[0]
        cout = try a.int("channels"); k = try a.int("kernel")
        dilation = try a.int("dilation", default: 1); stride = try a.int("stride", default: 1)
        activation = try a.activation()
        hasBias = has("\(name).bias")
    }

    var outputFrame: [Int] { [cout] }
    var timeStride: Int { stride }
    var tensorShapes: [String: [Int]] { hasBias ? ["weight": [cout, cin, k], "bias": [cout]] : ["weight": [cout, cin, k]] }

    /// Weight as [cout, k·cin] with columns (tap, channel).
    private func matrix(_ w: [Float]) -> [Float] {
        var m = [Float](repeating: 0, count: cout * k * cin)
        for o in 0..<cout { for c in 0..<cin { for j in 0..<k { m[o * k * cin + j * cin + c] = w[(o * cin + c) * k + j] } } }
        return m
    }

    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        let x = xs[0], T = x.time, To = (T + stride - 1) / stride, width = k * cin
        inputTime = T
        cols = [Float](repeating: 0, count: x.batch * To * width)
        for b in 0..<x.batch { for u in 0..<To { for j in 0..<k {
            let ti = u * stride - (k - 1 - j) * dilation
            guard ti >= 0 else { continue }
            let src = (b * T + ti) * cin, dst = (b * To + u) * width + j * cin
            for c in 0..<cin { cols[dst + c] = x.data[src + c] }
        } } }
        var y = [Float](repeating: 0, count: x.batch * To * cout)
        BLAS.gemm(false, true, x.batch * To, cout, width, cols, matrix(p[key("weight")]!), into: &y)
        out.finish(&y, bias: hasBias ? p[key("bias")]! : nil, channels: cout, activation: activation)
        return Seq(batch: x.batch, time: To, frame: [cout], data: y)
    }

    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        let B = dy.batch, To = dy.time, T = inputTime, width = k * cin, rows = B * To
        var gb = hasBias ? g[key("bias")] : nil
        let d = out.backward(dy.data, channels: cout, activation: activation, biasGradient: &gb)
        if hasBias { g[key("bias")] = gb }
        var gm = [Float](repeating: 0, count: cout * width)
        BLAS.gemm(true, false, cout, width, rows, d, cols, into: &gm)
        for o in 0..<cout { for c in 0..<cin { for j in 0..<k { g[key("weight")]![(o * cin + c) * k + j] += gm[o * width + j * cin + c] } } }
        var dcols = [Float](repeating: 0, count: rows * width)
        BLAS.gemm(false, false, rows, width, cout, d, matrix(p[key("weight")]!), into: &dcols)
        var dx = [Float](repeating: 0, count: B * T * cin)
        for b in 0..<B { for u in 0..<To { for j in 0..<k {
            let ti = u * stride - (k - 1 - j) * dilation
            guard ti >= 0 else { continue }
            let dst = (b * T + ti) * cin, src = (b * To + u) * width + j * cin
            for c in 0..<cin { dx[dst + c] += dcols[src + c] }
        } } }
        return [Seq(batch: B, time: T, frame: [cin], data: dx)]
    }
}
