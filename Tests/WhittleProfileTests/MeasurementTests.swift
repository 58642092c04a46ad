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

    @Test func badChainsAreBadInput() {
        #expect(throws: ProfileError.self) {
            try LatencyMeasurement.measure(chain: "flux,nonsense", block: 64, rate: 48000, seconds: 0.1)
        }
        #expect(throws: ProfileError.self) {
            try LatencyMeasurement.measure(chain: "model=/nonexistent.safetensors", block: 64, rate: 48000, seconds: 0.1)
        }
    }
}
