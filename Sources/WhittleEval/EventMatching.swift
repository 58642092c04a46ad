/// Maximum one-to-one matching of reference and estimated event times within a
/// tolerance window, following `mir_eval.util.match_events`.
public enum EventMatching {
    /// Number of matched pairs in a maximum bipartite matching where reference `r`
    /// and estimate `e` may pair when `e - window <= r <= e + window`.
    ///
    /// The comparison is written exactly as mir_eval's `_fast_hit_windows` does it
    /// (`searchsorted(ref, est - window, "left")` / `(..., est + window, "right")`)
    /// so results agree bit-for-bit at the window edges, where `|r - e| <= window`
    /// computed another way can round differently.
    public static func matchCount(reference: [Double], estimated: [Double], window: Double) -> Int {
        if reference.isEmpty || estimated.isEmpty { return 0 }
        let ref = reference.sorted()
        let est = estimated.sorted()
        var graph = BipartiteGraph(leftCount: est.count, rightCount: ref.count)
        for (j, e) in est.enumerated() {
            let lo = lowerBound(ref, e - window)   // first r >= e - window
            let hi = upperBound(ref, e + window)   // first r > e + window
            for i in lo..<max(lo, hi) { graph.addEdge(j, i) }
        }
        return graph.maximumMatchingSize()
    }

    static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] < x { lo = m + 1 } else { hi = m } }
        return lo
    }

    static func upperBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi { let m = (lo + hi) / 2; if a[m] <= x { lo = m + 1 } else { hi = m } }
        return lo
    }
}
