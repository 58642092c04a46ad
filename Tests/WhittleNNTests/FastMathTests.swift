// The approximations the kernels use, against Double references over dense grids.

import Foundation
import Testing
@testable import WhittleNN

@Suite struct FastMathTests {
    static func grid(_ from: Float, _ to: Float, _ n: Int) -> [Float] {
        (0...n).map { from + (to - from) * Float($0) / Float(n) }
    }

    @Test func tanhAndSigmoidWithinOneMillionth() {
        var worstTanh: Double = 0, worstSigmoid: Double = 0
        for x in Self.grid(-20, 20, 200_000) {
            worstTanh = max(worstTanh, abs(Double(nnTanh(x)) - tanh(Double(x))))
            worstSigmoid = max(worstSigmoid, abs(Double(nnSigmoid(x)) - 1 / (1 + exp(-Double(x)))))
            let v = nnTanh(SIMD8<Float>(repeating: x))
            #expect(v[3] == nnTanh(x))
        }
        #expect(worstTanh < 1e-6, "tanh max error \(worstTanh)")
        #expect(worstSigmoid < 1e-6, "sigmoid max error \(worstSigmoid)")
    }

    @Test func expLogSoftplusRelativeError() {
        var worstExp: Double = 0, worstLog: Double = 0, worstSoftplus: Double = 0
        for x in Self.grid(-80, 80, 100_000) {
            worstExp = max(worstExp, abs(Double(nnExp(x)) / exp(Double(x)) - 1))
            let softplus = log1p(exp(Double(x)))
            worstSoftplus = max(worstSoftplus, abs(Double(nnSoftplus(x)) - softplus) / softplus)
        }
        for x in Self.grid(1e-6, 1000, 100_000) {
            worstLog = max(worstLog, abs(Double(nnLog(x)) - log(Double(x))) / max(abs(log(Double(x))), 1e-3))
        }
        #expect(worstExp < 5e-7, "exp max relative error \(worstExp)")
        #expect(worstLog < 5e-7, "log max relative error \(worstLog)")
        #expect(worstSoftplus < 1e-6, "softplus max relative error \(worstSoftplus)")
        #expect(nnExp(1000).isFinite && nnExp(-1000) >= 0)
    }

    @Test func inverseSquareRoot() {
        var worst: Double = 0
        for x in Self.grid(1e-5, 100, 50_000) {
            worst = max(worst, abs(Double(nnInverseSquareRoot(x)) * sqrt(Double(x)) - 1))
        }
        #expect(worst < 1e-6, "rsqrt max relative error \(worst)")
    }
}
