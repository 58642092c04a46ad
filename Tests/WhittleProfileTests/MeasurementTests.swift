// A short measurement through the real engine (no timing claims: shared machines are noisy).

import Testing
@testable import WhittleProfile

@Suite struct MeasurementTests {
    @Test func chainMeasurementGivesOrderedFigures() throws {
        let m = try LatencyMeasurement.measure(chain: "flux,click", block: 256, rate: 48000, seconds: 0.3, paced: false)
        #expect(m.blocks == Int(0.3 * 48000 / 256))
        #expect(m.times.p50 > 0 && m.times.p50 <= m.times.p99 && m.times.p99 <= m.times.p999 && m.times.p999 <= m.times.max)
        #expect(m.distribution.count == 103 && m.distribution.first! <= m.distribution[50])
        #expect(m.realTime > 1)
    }

    /// Repeated runs keep the one with the median p50, whole, and sum the allocations seen.
    @Test func medianRunIsTheMiddleRun() throws {
        var runs: [ProfileMeasurement] = []
        for (p50, allocations) in [(30.0, 0), (10.0, 2), (20.0, 0)] {
            var m = try LatencyMeasurement.measure(chain: "flux", block: 256, rate: 48000, seconds: 0.05, paced: false)
            m.times.p50 = p50
            m.times.allocations = allocations
            m.target = "run \(p50)"
            runs.append(m)
        }
        let median = ProfileMeasurement.medianRun(runs)
        #expect(median.target == "run 20.0" && median.times.p50 == 20 && median.times.allocations == 2)
        #expect(ProfileMeasurement.medianRun(Array(runs.prefix(2))).times.p50 == 10)
    }

    @Test func badChainsAreBadInput() {
        #expect(throws: ProfileError.self) {
            try LatencyMeasurement.measure(chain: "flux,nonsense", block: 64, rate: 48000, seconds: 0.1)
        }
        #expect(throws: ProfileError.self) {
            try LatencyMeasurement.measure(chain: "model=/nonexistent.safetensors", block: 64, rate: 48000, seconds: 0.1)
        }
    }
}
