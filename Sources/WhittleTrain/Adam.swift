// AdamW (decoupled weight decay, applied to weight matrices and kernels but not to biases or
// norm parameters) with a cosine learning-rate schedule and global gradient-norm clipping.

struct Adam: Sendable, Equatable {
    var m: Parameters = [:], v: Parameters = [:]
    var step = 0
    let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8

    mutating func update(_ p: inout Parameters, _ g: Parameters, names: [String], learningRate lr: Float,
                         weightDecay: Float, decayed: Set<String>) {
        step += 1
        let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
        for name in names {
            guard let grad = g[name] else { continue }
            if m[name] == nil { m[name] = [Float](repeating: 0, count: grad.count); v[name] = m[name] }
            var w = p[name]!, mm = m[name]!, vv = v[name]!
            let decay = decayed.contains(name) ? 1 - lr * weightDecay : 1
            for i in w.indices {
                mm[i] = beta1 * mm[i] + (1 - beta1) * grad[i]
                vv[i] = beta2 * vv[i] + (1 - beta2) * grad[i] * grad[i]
                w[i] = w[i] * decay - lr * (mm[i] / c1) / ((vv[i] / c2).squareRoot() + epsilon)
            }
            p[name] = w; m[name] = mm; v[name] = vv
        }
    }
}

/// Cosine decay from the base rate to 5 % of it over the run, per epoch.
func scheduledRate(_ base: Float, epoch: Int, epochs: Int) -> Float {
    let progress = epochs <= 1 ? 0 : Double(epoch) / Double(epochs - 1)
    return base * Float(0.05 + 0.95 * 0.5 * (1 + _cos(Double.pi * progress)))
}

/// Scales `g` so its global L2 norm is at most `limit`; returns the norm before clipping.
@discardableResult
func clipGradients(_ g: inout Parameters, names: [String], limit: Float) -> Float {
    var sum: Double = 0
    for n in names { for x in g[n]! { sum += Double(x) * Double(x) } }
    let norm = Float(sum.squareRoot())
    if norm > limit, norm.isFinite {
        let s = limit / norm
        for n in names { g[n] = g[n]!.map { $0 * s } }
    }
    return norm
}

import Foundation
