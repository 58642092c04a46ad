// add (residual), concat (last axis), flatten and standalone activations: small enough to share a file.

final class AddOp: TrainOp {
    let name: String, frame: [Int]
    init(_ a: NodeAttributes, inputs: [[Int]]) throws {
        guard inputs.count == 2, inputs[0] == inputs[1] else { throw TrainError("\(a.context): needs two inputs of the same shape, got \(inputs)") }
        name = a.node.name; frame = inputs[0]
    }
    var outputFrame: [Int] { frame }
    var tensorShapes: [String: [Int]] { [:] }
    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        var y = xs[0]
        accumulate(&y.data, xs[1].data)
        return y
    }
    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] { [dy, dy] }
}

final class ConcatOp: TrainOp {
    let name: String, widths: [Int], rowsPerFrame: Int, frame: [Int]
    init(_ a: NodeAttributes, inputs: [[Int]]) throws {
        name = a.node.name
        for s in inputs.dropFirst() where s.dropLast() != inputs[0].dropLast() {
            throw TrainError("\(a.context): inputs must agree in all but the last axis (\(inputs))")
        }
        widths = inputs.map { $0.last! }
        rowsPerFrame = inputs[0].dropLast().reduce(1, *)
        frame = inputs[0].dropLast() + [widths.reduce(0, +)]
    }
    var outputFrame: [Int] { frame }
    var tensorShapes: [String: [Int]] { [:] }
    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        let rows = xs[0].rows * rowsPerFrame, total = frame.last!
        var y = [Float](repeating: 0, count: rows * total)
        var offset = 0
        for (x, w) in zip(xs, widths) {
            for r in 0..<rows { for c in 0..<w { y[r * total + offset + c] = x.data[r * w + c] } }
            offset += w
        }
        return Seq(batch: xs[0].batch, time: xs[0].time, frame: frame, data: y)
    }
    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        let rows = dy.rows * rowsPerFrame, total = frame.last!
        var offset = 0
        return widths.map { w in
            var d = [Float](repeating: 0, count: rows * w)
            for r in 0..<rows { for c in 0..<w { d[r * w + c] = dy.data[r * total + offset + c] } }
            offset += w
            return Seq(batch: dy.batch, time: dy.time, frame: frame.dropLast() + [w], data: d)
        }
    }
}

final class FlattenOp: TrainOp {
    let name: String, frame: [Int]
    init(_ a: NodeAttributes, input: [Int]) { name = a.node.name; frame = input }
    var outputFrame: [Int] { [frame.reduce(1, *)] }
    var tensorShapes: [String: [Int]] { [:] }
    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        var y = xs[0]; y.frame = outputFrame; return y
    }
    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        var d = dy; d.frame = frame; return [d]
    }
}

final class ActivationOp: TrainOp {
    let name: String, frame: [Int], activation: Activation
    private var out = AffineOutput()
    init(_ a: NodeAttributes, input: [Int]) throws {
        name = a.node.name; frame = input
        var parameters = a.node.attributes
        parameters["name"] = .string(a.node.op)
        activation = try Activation.parse(.object(parameters), context: a.context)
    }
    var outputFrame: [Int] { frame }
    var tensorShapes: [String: [Int]] { [:] }
    func forward(_ xs: [Seq], _ p: Parameters, training: Bool) -> Seq {
        var y = xs[0]
        out.finish(&y.data, bias: nil, channels: frame.last!, activation: activation)
        return y
    }
    func backward(_ dy: Seq, _ p: Parameters, _ g: inout Parameters) -> [Seq] {
        var none: [Float]? = nil
        var d = dy
        d.data = out.backward(dy.data, channels: frame.last!, activation: activation, biasGradient: &none)
        return [d]
    }
}
