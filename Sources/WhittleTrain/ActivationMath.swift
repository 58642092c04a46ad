// Forward and backward of the runtime's activations, with the runtime's own math functions
// (nnTanh, nnExp, ...) so trained outputs match the live ones bit for bit or nearly.

extension Activation {
    /// Parses an `activation` attribute (a name or {"name": ..., parameters}), as the runtime does.
    static func parse(_ value: JSONValue?, context: String) throws -> Activation {
        guard let value else { return .identity }
        switch value {
        case .string(let name): return try named(name, [:], context: context)
        case .object(let o):
            guard let name = o["name"]?.stringValue else { throw TrainError("\(context): activation object needs a 'name'") }
            return try named(name, o, context: context)
        default: throw TrainError("\(context): 'activation' must be a name or an object")
        }
    }

    static func named(_ name: String, _ p: [String: JSONValue], context: String) throws -> Activation {
        func number(_ key: String, _ fallback: Float) -> Float { p[key]?.doubleValue.map(Float.init) ?? fallback }
        switch name {
        case "linear", "identity": return .identity
        case "relu": return .relu
        case "elu": return .elu(alpha: number("alpha", 1))
        case "tanh": return .tanh
        case "sigmoid": return .sigmoid
        case "softplus": return .softplus
        case "softmax": return .softmax
        case "scaled_sigmoid": return .scaledSigmoid
        case "exp_sigmoid": return .expSigmoid(exponent: number("exponent", 10), maxValue: number("max_value", 2), threshold: number("threshold", 1e-7))
        default: throw TrainError("\(context): unknown activation '\(name)'")
        }
    }

    static let opNames: Set<String> = ["linear", "identity", "relu", "elu", "tanh", "sigmoid", "softplus", "softmax", "scaled_sigmoid", "exp_sigmoid"]

    /// y = f(x) in place; softmax over consecutive groups of `group`.
    func forward(_ x: inout [Float], group: Int) {
        switch self {
        case .identity: return
        case .relu: for i in x.indices where x[i] < 0 { x[i] = 0 }
        case .elu(let a): for i in x.indices where x[i] < 0 { x[i] = a * (nnExp(x[i]) - 1) }
        case .tanh: for i in x.indices { x[i] = nnTanh(x[i]) }
        case .sigmoid: for i in x.indices { x[i] = nnSigmoid(x[i]) }
        case .softplus: for i in x.indices { x[i] = nnSoftplus(x[i]) }
        case .softmax:
            var s = 0
            while s + group <= x.count {
                var m = x[s]
                for i in s..<(s + group) { m = max(m, x[i]) }
                var sum: Float = 0
                for i in s..<(s + group) { x[i] = nnExp(x[i] - m); sum += x[i] }
                let inv = 1 / sum
                for i in s..<(s + group) { x[i] *= inv }
                s += group
            }
        case .scaledSigmoid:
            for i in x.indices { x[i] = 2 * nnExp(-2.302585093 * nnSoftplus(-x[i])) + 1e-7 }
        case .expSigmoid(let e, let m, let t):
            let l = nnLog(e)
            for i in x.indices { x[i] = m * nnExp(-l * nnSoftplus(-x[i])) + t }
        }
    }

    /// dL/dx from dL/dy, given the pre-activation x and the output y; overwrites `dy`.
    func backward(x: [Float], y: [Float], dy: inout [Float], group: Int) {
        switch self {
        case .identity: return
        case .relu: for i in dy.indices where x[i] <= 0 { dy[i] = 0 }
        case .elu(let a): for i in dy.indices where x[i] < 0 { dy[i] *= y[i] + a }
        case .tanh: for i in dy.indices { dy[i] *= 1 - y[i] * y[i] }
        case .sigmoid: for i in dy.indices { dy[i] *= y[i] * (1 - y[i]) }
        case .softplus: for i in dy.indices { dy[i] *= nnSigmoid(x[i]) }
        case .softmax:
            var s = 0
            while s + group <= dy.count {
                var dot: Float = 0
                for i in s..<(s + group) { dot += dy[i] * y[i] }
                for i in s..<(s + group) { dy[i] = y[i] * (dy[i] - dot) }
                s += group
            }
        case .scaledSigmoid:
            // d/dx [m·σ(x)^L + t] = (y − t)·L·σ(−x)
            for i in dy.indices { dy[i] *= (y[i] - 1e-7) * 2.302585093 * nnSigmoid(-x[i]) }
        case .expSigmoid(let e, _, let t):
            let l = nnLog(e)
            for i in dy.indices { dy[i] *= (y[i] - t) * l * nnSigmoid(-x[i]) }
        }
    }
}
