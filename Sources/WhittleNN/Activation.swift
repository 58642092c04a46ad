// Pointwise activations, applied in place. Softmax normalises over the last axis (groups of
// `group` floats). DDSP's output heads: exp-sigmoid (ddsp.core.exp_sigmoid) and the scaled
// sigmoid of ddsp_pytorch (2·σ(x)^ln10 + 1e-7, exp-sigmoid with its default constants).

public enum Activation: Equatable, Sendable {
    case identity
    case relu
    case elu(alpha: Float)
    case tanh
    case sigmoid
    case softplus
    case softmax
    case scaledSigmoid
    case expSigmoid(exponent: Float, maxValue: Float, threshold: Float)

    /// Applies the activation to `count` floats at `p`; softmax works on consecutive groups of `group`.
    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func apply(_ p: UnsafeMutablePointer<Float>, count: Int, group: Int) {
        switch self {
        case .identity:
            return
        case .relu:
            var i = 0
            while i + 8 <= count {
                let v = load8(p + i)
                store8(v.replacing(with: 0, where: v .< 0), p + i)
                i += 8
            }
            while i < count { p[i] = max(p[i], 0); i += 1 }
        case .elu(let alpha):
            for i in 0..<count where p[i] < 0 { p[i] = alpha * (nnExp(p[i]) - 1) }
        case .tanh:
            var i = 0
            while i + 8 <= count { store8(nnTanh(load8(p + i)), p + i); i += 8 }
            if i < count { storePartial8(nnTanh(load8(p + i)), p + i, count - i) }
        case .sigmoid:
            var i = 0
            while i + 8 <= count { store8(nnSigmoid(load8(p + i)), p + i); i += 8 }
            if i < count { storePartial8(nnSigmoid(load8(p + i)), p + i, count - i) }
        case .softplus:
            for i in 0..<count { p[i] = nnSoftplus(p[i]) }
        case .softmax:
            let g = max(group, 1)
            var start = 0
            while start + g <= count {
                Activation.softmax(p + start, g)
                start += g
            }
        case .scaledSigmoid:
            // exponent 10: σ^ln10 = exp(ln10 · log σ).
            for i in 0..<count { p[i] = Activation.expSigmoid(p[i], logExponent: 2.302585093, maxValue: 2, threshold: 1e-7) }
        case .expSigmoid(let exponent, let maxValue, let threshold):
            let logExponent = nnLog(exponent)
            for i in 0..<count { p[i] = Activation.expSigmoid(p[i], logExponent: logExponent, maxValue: maxValue, threshold: threshold) }
        }
    }

    /// maxValue · σ(x)^ln(exponent) + threshold, with log σ(x) = -softplus(-x) to stay finite.
    @inlinable @inline(__always) @_noLocks @_noAllocation
    static func expSigmoid(_ x: Float, logExponent: Float, maxValue: Float, threshold: Float) -> Float {
        maxValue * nnExp(-logExponent * nnSoftplus(-x)) + threshold
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    static func softmax(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        var m = p[0]
        for i in 1..<max(n, 1) { m = max(m, p[i]) }
        var sum: Float = 0
        for i in 0..<n {
            let e = nnExp(p[i] - m)
            p[i] = e
            sum += e
        }
        let inv = 1 / sum
        for i in 0..<n { p[i] *= inv }
    }
}
