// dense: y = f(x Wᵀ + b) per frame (a 2-D frame is read flattened, frequency-major).

final class DenseOp: TrainOp {
    let name: String
    let inputs: Int, units: Int, hasBias: Bool
    let activation: Activation
    private var x: [Float] = []
    private var out = AffineOutput()

    init(_ a: NodeAttributes, input: [Int], has: (String) -> Bool) throws {
        name = a.node.name
        inputs = input.reduce(1, *)
        units = try a.int("units")
        activation = try a.activation()
        hasBias = has("\(name).bias")
    }

    var outputFrame: [Int] { [units] }
    var tensorShapes: [String: [Int]] { hasBias ? ["weight": [units, inputs], "bias": [units]] : ["weight": [units, inputs]] }

    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        let x = xs[0], m = x.rows
        var y = [Float](repeating: 0, count: m * units)
        BLAS.gemm(false, true, m, units, inputs, x.data, p[key("weight")]!, into: &y)
        out.finish(&y, bias: hasBias ? p[key("bias")]! : nil, channels: units, activation: activation)
        self.x = x.data
        return Seq(batch: x.batch, time: x.time, frame: [units], data: y)
    }

    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        let m = dy.rows
        var gb = hasBias ? g[key("bias")] : nil
        let d = out.backward(dy.data, channels: units, activation: activation, biasGradient: &gb)
        if hasBias { g[key("bias")] = gb }
        BLAS.gemm(true, false, units, inputs, m, d, x, into: &g[key("weight")]!, accumulate: true)
        var dx = [Float](repeating: 0, count: m * inputs)
        BLAS.gemm(false, false, m, inputs, units, d, p[key("weight")]!, into: &dx)
        return [Seq(batch: dy.batch, time: dy.time, frame: [inputs], data: dx)]
    }
}
