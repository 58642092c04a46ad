// Small least-squares fits for the cost model: a handful of coefficients, tens of samples.

enum LeastSquares {
    /// Solves min Σ w_i (x_i·β − y_i)² by the normal equations (Gaussian elimination with partial
    /// pivoting, a small ridge for collinear columns). Nil when the system is singular.
    static func solve(_ rows: [[Double]], _ y: [Double], weights: [Double]? = nil) -> [Double]? {
        guard let k = rows.first?.count, k > 0, rows.count == y.count else { return nil }
        var a = [[Double]](repeating: [Double](repeating: 0, count: k + 1), count: k)
        for (i, row) in rows.enumerated() {
            let w = weights?[i] ?? 1
            for p in 0..<k {
                for q in 0..<k { a[p][q] += w * row[p] * row[q] }
                a[p][k] += w * row[p] * y[i]
            }
        }
        // Ridge relative to each column's scale: enough to tame collinearity, far below the data.
        for p in 0..<k { a[p][p] += 1e-9 * max(a[p][p], 1e-300) }
        for col in 0..<k {
            guard let pivot = (col..<k).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-300 else { return nil }
            a.swapAt(col, pivot)
            for r in 0..<k where r != col {
                let f = a[r][col] / a[col][col]
                if f == 0 { continue }
                for c in col...k { a[r][c] -= f * a[col][c] }
            }
        }
        let beta = (0..<k).map { a[$0][k] / a[$0][$0] }
        return beta.allSatisfy(\.isFinite) ? beta : nil
    }

    /// Non-negative least squares for a few columns: the best unconstrained fit over every subset
    /// of columns whose coefficients all come out ≥ 0 (2^k subsets; k ≤ 6 here). Costs are sums of
    /// non-negative parts, and a negative coefficient would extrapolate to negative times.
    static func nonNegative(_ rows: [[Double]], _ y: [Double], weights: [Double]? = nil) -> [Double]? {
        guard let k = rows.first?.count, k > 0 else { return nil }
        if k > 12 { return activeSet(rows, y, weights: weights) }
        var best: (beta: [Double], error: Double)? = nil
        for mask in 1..<(1 << k) {
            let columns = (0..<k).filter { mask & (1 << $0) != 0 }
            let sub = rows.map { row in columns.map { row[$0] } }
            guard let partial = solve(sub, y, weights: weights), partial.allSatisfy({ $0 >= 0 }) else { continue }
            var beta = [Double](repeating: 0, count: k)
            for (j, c) in columns.enumerated() { beta[c] = partial[j] }
            let error = residual(rows, y, beta, weights: weights)
            if best == nil || error < best!.error { best = (beta, error) }
        }
        return best?.beta
    }

    static func residual(_ rows: [[Double]], _ y: [Double], _ beta: [Double], weights: [Double]? = nil) -> Double {
        var sum = 0.0
        for (i, row) in rows.enumerated() {
            let e = zip(row, beta).reduce(0) { $0 + $1.0 * $1.1 } - y[i]
            sum += (weights?[i] ?? 1) * e * e
        }
        return sum
    }

    /// Lawson–Hanson active-set NNLS, for more columns than the exhaustive search can take: the
    /// same optimum (the problem is convex), reached by adding the column with the largest gradient
    /// and backing off along the segment whenever a coefficient would turn negative.
    static func activeSet(_ rows: [[Double]], _ y: [Double], weights: [Double]? = nil) -> [Double]? {
        guard let k = rows.first?.count else { return nil }
        var x = [Double](repeating: 0, count: k)
        var active = Set<Int>()
        func gradient() -> [Double] {
            var g = [Double](repeating: 0, count: k)
            for (i, row) in rows.enumerated() {
                let r = (y[i] - zip(row, x).reduce(0) { $0 + $1.0 * $1.1 }) * (weights?[i] ?? 1)
                for j in 0..<k { g[j] += row[j] * r }
            }
            return g
        }
        func fit(_ columns: [Int]) -> [Double]? {
            guard let partial = solve(rows.map { row in columns.map { row[$0] } }, y, weights: weights) else { return nil }
            var z = [Double](repeating: 0, count: k)
            for (j, c) in columns.enumerated() { z[c] = partial[j] }
            return z
        }
        for _ in 0..<(3 * k) {
            let g = gradient()
            let scale = g.map(abs).max() ?? 0
            guard let t = (0..<k).filter({ !active.contains($0) }).max(by: { g[$0] < g[$1] }), g[t] > 1e-12 * max(scale, 1e-300) else { break }
            active.insert(t)
            while true {
                guard let z = fit(active.sorted()) else { active.remove(t); return x }
                if active.allSatisfy({ z[$0] > 0 }) { x = z; break }
                var alpha = 1.0
                for j in active where z[j] <= 0 { alpha = min(alpha, x[j] / max(x[j] - z[j], 1e-300)) }
                for j in 0..<k { x[j] += alpha * (z[j] - x[j]) }
                for j in active where x[j] <= 1e-15 * max(abs(z[j]), 1) { active.remove(j); x[j] = 0 }
                if active.isEmpty { break }
            }
        }
        return x
    }
}
