// Binary cross-entropy on probabilities (the graph ends in a sigmoid), clamped away from 0 and 1.

func bceLoss(_ o: Seq, _ t: Seq, positiveWeight w: Float) -> (Double, Seq) {
    let n = Float(max(o.data.count, 1)), eps: Float = 1e-7
    var g = o, sum = 0.0
    for i in o.data.indices {
        let p = min(max(o.data[i], eps), 1 - eps), y = t.data[i]
        sum -= Double(w * y * nnLog(p) + (1 - y) * nnLog(1 - p))
        g.data[i] = -(w * y / p - (1 - y) / (1 - p)) / n
    }
    return (sum / Double(n), g)
}

/// Targets with `frames` neighbours on each side of every positive (≥ 0.5) frame raised to `value`,
/// per channel of each sequence.
func widened(_ t: Seq, frames: Int, value: Float) -> Seq {
    guard frames > 0 else { return t }
    var out = t
    let F = t.frameSize
    for b in 0..<t.batch { for i in 0..<F { for time in 0..<t.time where t.data[(b * t.time + time) * F + i] >= 0.5 {
        for d in -frames...frames where d != 0 {
            let u = time + d
            guard u >= 0 && u < t.time else { continue }
            let k = (b * t.time + u) * F + i
            out.data[k] = max(out.data[k], value)
        }
    } } }
    return out
}
