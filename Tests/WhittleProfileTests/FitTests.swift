// The fitting maths on synthetic data: exact recovery, non-negativity, relative weighting.

import Testing
@testable import WhittleProfile

@Suite struct FitTests {
    @Test func leastSquaresRecoversExactCoefficients() throws {
        var rows: [[Double]] = []
        for i in 0..<20 {
            let a = Double(i * i % 17), b = Double(i * 3 % 11) + 0.5 * Double(i)
            rows.append([1, a, b])
        }
        let truth: [Double] = [5.0, 0.25, 2.0]
        let y: [Double] = rows.map { r in 5.0 * r[0] + 0.25 * r[1] + 2.0 * r[2] }
        let beta = try #require(LeastSquares.solve(rows, y))
        for j in 0..<3 { #expect(abs(beta[j] - truth[j]) < 1e-6 * max(1, abs(truth[j]))) }
    }

    @Test func nonNegativeFitDropsAColumnRatherThanGoNegative() throws {
        // y = 10 + 2x − 0.3z: the unconstrained fit gives z a negative weight.
        let rows: [[Double]] = (1...12).map { (x: Int) -> [Double] in [1, Double(x), Double(x % 3)] }
        let y: [Double] = rows.map { (r: [Double]) -> Double in 10 + 2 * r[1] - 0.3 * r[2] }
        let unconstrained = try #require(LeastSquares.solve(rows, y))
        #expect(unconstrained[2] < 0)
        let beta = try #require(LeastSquares.nonNegative(rows, y))
        #expect(beta.allSatisfy { $0 >= 0 })
        #expect(beta[2] == 0)
        #expect(LeastSquares.residual(rows, y, beta) <= LeastSquares.residual(rows, y, [10, 2, 0]) + 1e-9)
    }

    /// The active-set solver (used past 12 columns) reaches the exhaustive search's optimum.
    @Test func activeSetMatchesExhaustiveSearch() throws {
        var seed: UInt64 = 12345
        func next() -> Double { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Double(seed >> 11) / Double(1 << 53) }
        for trial in 0..<20 {
            let k = 3 + trial % 6
            let rows = (0..<30).map { _ in (0..<k).map { _ in next() * 10 } }
            let truth = (0..<k).map { j in j % 3 == 1 ? -next() : next() * 5 }
            let y = rows.map { r in zip(r, truth).reduce(0) { $0 + $1.0 * $1.1 } + next() - 0.5 }
            let exhaustive = try #require(LeastSquares.nonNegative(rows, y))
            let active = try #require(LeastSquares.activeSet(rows, y))
            #expect(active.allSatisfy { $0 >= 0 })
            let a = LeastSquares.residual(rows, y, active), e = LeastSquares.residual(rows, y, exhaustive)
            #expect(abs(a - e) <= 1e-6 * max(e, 1), "trial \(trial): active-set residual \(a), exhaustive \(e)")
        }
    }

    @Test func costCoefficientsFitSyntheticLayers() throws {
        let truth = CostCoefficients(constant: 20, perMAC: 0.07, perByte: 0.01, perStep: 4)
        var points: [CalibrationPoint] = []
        for (i, macs) in [256.0, 4096, 16384, 65536, 131072, 9216, 300000].enumerated() {
            let bytes = 4 * macs / Double(1 + i % 3) + 100, steps = Double(64 * (i % 4))
            points.append(CalibrationPoint(type: "t", label: "p\(i)", macs: macs, bytes: bytes, steps: steps,
                                           ns: truth.ns(macs: macs, bytes: bytes, steps: steps)))
        }
        let fit = try #require(CostCoefficients.fit(points))
        #expect(abs(fit.constant - 20) < 0.01 && abs(fit.perMAC - 0.07) < 1e-5 && abs(fit.perByte - 0.01) < 1e-5 && abs(fit.perStep - 4) < 1e-3)
        #expect((fit.rmsRelativeError ?? 1) < 1e-6)
        #expect(fit.samples == points.count)
    }

    @Test func relativeWeightingKeepsSmallLayersAccurate() throws {
        // Small layers (constant-dominated) exact; big ones with ±5 % noise.
        var points: [CalibrationPoint] = []
        for (i, macs) in [16.0, 32, 64, 1e5, 2e5, 4e5].enumerated() {
            let noise = macs > 1000 ? (i % 2 == 0 ? 1.05 : 0.95) : 1
            points.append(CalibrationPoint(type: "t", label: "\(i)", macs: macs, bytes: 0, steps: 0, ns: (30 + 0.1 * macs) * noise))
        }
        let fit = try #require(CostCoefficients.fit(points))
        for p in points where p.macs < 100 {
            #expect(abs(fit.ns(macs: p.macs, bytes: 0) - p.ns) / p.ns < 0.1)
        }
    }

    @Test func quantilesAreNearestRank() {
        let values = (1...1000).map(Double.init)
        let t = BlockTimes(samples: values.shuffled())
        #expect(t.p50 == 500 && t.p99 == 990 && t.p999 == 999 && t.max == 1000)
        #expect(BlockTimes(samples: []).max == 0)
    }
}
