// Mutual information between a unit's output and a summary variable (the task's target, or the
// layer's input), by binning: the unit's values go into equal-frequency (quantile) bins, ties kept
// in one bin; the summary is either discrete labels or quantile-binned too. The plug-in estimate
// Σ p(x,y) ln p(x,y)/(p(x)p(y)) in nats gets the Miller–Madow bias correction −(Bxy − Bx − By + 1)/2N
// (B = occupied bins), so a dead unit (one bin) scores 0 and noise scores about 0. Binning was
// chosen over Kraskov's kNN estimator: O(N log N), deterministic, and ranking units is all we need.

import Foundation

public enum MutualInformation {
    public static let defaultBins = 16

    /// MI in nats between continuous `x` and discrete `labels` (same length).
    public static func estimate(_ x: [Float], labels: [Int], bins: Int = defaultBins) -> Double {
        precondition(x.count == labels.count)
        return plugIn(quantileBins(x, bins: bins), labels)
    }

    /// MI in nats between two continuous variables, both quantile-binned.
    public static func estimate(_ x: [Float], _ y: [Float], bins: Int = defaultBins) -> Double {
        precondition(x.count == y.count)
        return plugIn(quantileBins(x, bins: bins), quantileBins(y, bins: bins))
    }

    /// Equal-frequency bin of each value; equal values share the bin of their first occurrence in order.
    public static func quantileBins(_ x: [Float], bins: Int) -> [Int] {
        let n = x.count
        guard n > 0 else { return [] }
        let order = x.indices.sorted { (x[$0], $0) < (x[$1], $1) }
        var result = [Int](repeating: 0, count: n)
        var bin = 0
        for (rank, i) in order.enumerated() {
            if rank == 0 || x[i] != x[order[rank - 1]] { bin = min(bins - 1, rank * bins / n) }
            result[i] = bin
        }
        return result
    }

    static func plugIn(_ a: [Int], _ b: [Int]) -> Double {
        let n = a.count
        guard n > 1 else { return 0 }
        var joint: [Int: Int] = [:], pa: [Int: Int] = [:], pb: [Int: Int] = [:]
        for i in 0..<n {
            joint[a[i] &* 1_000_003 &+ b[i], default: 0] += 1
            pa[a[i], default: 0] += 1
            pb[b[i], default: 0] += 1
        }
        let total = Double(n)
        var mi = 0.0, cells = 0
        for i in 0..<n {
            // Visit each joint cell once: at its first occurrence.
            let key = a[i] &* 1_000_003 &+ b[i]
            guard let count = joint[key] else { continue }
            joint[key] = nil
            let pxy = Double(count) / total
            mi += pxy * log(pxy * total * total / (Double(pa[a[i]]!) * Double(pb[b[i]]!)))
            cells += 1
        }
        let correction = Double(cells - pa.count - pb.count + 1) / (2 * total)
        return max(0, mi - correction)
    }
}
