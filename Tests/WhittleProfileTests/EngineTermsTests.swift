// The version-2 terms of the cost model: the resampler's coefficient rows read per block (a cold-
// cache cost of many-phase ratios such as 48 → 22.05 kHz) and the scatter of block times around
// the predicted median, which sets the p50 of small blocks that mostly run no model frame.

import Foundation
import Testing
import WhittleNN
@testable import WhittleProfile

@Suite struct EngineTermsTests {
    @Test func resamplerRowsFollowTheRatio() {
        // 48 → 22.05 kHz: up = 147 phases, so every output of a block reads a new row.
        #expect(FrameSchedule(hostRate: 48000, modelRate: 22050, hop: 220, block: 64).tableRows(outputs: 29.4) == 29.4)
        #expect(FrameSchedule(hostRate: 48000, modelRate: 44100, hop: 441, block: 1024).tableRows(outputs: 940.8) == 147)
        // 48 → 16 kHz: one phase, one row however many outputs; no resampler, no rows.
        #expect(FrameSchedule(hostRate: 48000, modelRate: 16000, hop: 160, block: 64).tableRows(outputs: 21.3) == 1)
        #expect(FrameSchedule(hostRate: 48000, modelRate: 48000, hop: 480, block: 64).tableRows(outputs: 64) == 0)
    }

    @Test func tableRowTermRaisesFramelessBlocksOfManyPhaseRatiosOnly() throws {
        var profile = DeviceProfileTests.synthetic()
        let small = try ModelWork(DeviceProfileTests.testModel("onset-small"))   // 22.05 kHz
        let tiny = try ModelWork(DeviceProfileTests.testModel("onset-tiny"))     // 16 kHz
        // Block 64 at 48 kHz: the median block completes no frame, so p50 is engine work only.
        let smallBefore = try profile.prediction(for: small, block: 64, rate: 48000).times.p50
        let tinyBefore = try profile.prediction(for: tiny, block: 64, rate: 48000).times.p50
        #expect(abs(smallBefore - 1) < 1e-9 && abs(tinyBefore - 1) < 1e-9)
        profile.engine.perTableRow = 100
        let smallAfter = try profile.prediction(for: small, block: 64, rate: 48000).times.p50
        let tinyAfter = try profile.prediction(for: tiny, block: 64, rate: 48000).times.p50
        // 29 or 30 outputs per block at 22.05 kHz, each a new row: +2.9…3.0 µs. One row at 16 kHz: +0.1 µs.
        #expect(smallAfter >= 1 + 0.1 * 29 - 1e-9 && smallAfter <= 1 + 0.1 * 30 + 1e-9, "\(smallAfter)")
        #expect(abs(tinyAfter - 1.1) < 1e-9, "\(tinyAfter)")
    }

    @Test func engineFitRecoversTheTableRowTerm() throws {
        // A straight base (500 ns + 20 ns per sample) on top of the true per-row term (60 ns).
        let runs = try BlockShapeTests.syntheticRuns(base: { 500 + 20 * Double($0) }, later: 1)
        let (engine, _, _) = try #require(ProfileFit.engineAndFrontEnds(runs, layers: [:]))
        #expect(abs(engine.perTableRow - 60) < 3, "\(engine)")
        // The base per block size lies on the true line (the fit has one unknown per size).
        for entry in engine.byBlock ?? [] {
            #expect(abs(entry.ns - (500 + 20 * Double(entry.block))) < 100, "\(entry)")
        }
        #expect(abs(engine.perBlock - 500) < 100 && abs(engine.perSample - 20) < 1, "\(engine)")
    }

    @Test func blockScatterRaisesTheP50OfMostlyFramelessBlocks() throws {
        var profile = DeviceProfileTests.synthetic()
        let tiny = try ModelWork(DeviceProfileTests.testModel("onset-tiny"))
        // Block 128: 73 % of blocks complete no frame, so p50 is their 68th percentile.
        let point = try profile.prediction(for: tiny, block: 128, rate: 48000).times.p50
        profile.blockSpread = BlockSpread.none
        #expect(try profile.prediction(for: tiny, block: 128, rate: 48000).times.p50 == point)
        // Idle blocks scatter from 0.5× to 1.5× their median, uniformly.
        profile.blockSpread = BlockSpread(idle: BlockSpread.levels.map { 0.5 + $0 }, busy: BlockSpread.levels.map { _ in 1 })
        let scattered = try profile.prediction(for: tiny, block: 128, rate: 48000).times.p50
        #expect(scattered > 1.12 * point && scattered < 1.25 * point, "\(scattered) vs \(point)")
    }

    @Test func blockScatterIsFittedFromGroupQuantiles() throws {
        let schedule = FrameSchedule(hostRate: 48000, modelRate: 16000, hop: 160, block: 64)
        let warm = 8, count = 7000
        let k = Array(schedule.frames(blocks: warm + count).dropFirst(warm))
        // Idle blocks 4…6 µs (median 5), busy blocks 40 µs exactly.
        let times = k.enumerated().map { i, f in f == 0 ? 4 + 2 * Double(i % 101) / 100 : 40 }
        let m = ProfileMeasurement(target: "t", block: 64, rate: 48000, paced: true,
                                   loop: RenderLoopResult(times: times, pinnedCPU: nil, realtimePriority: false, warmupBlocks: warm),
                                   allocations: nil, schedule: schedule)
        let s = try #require(BlockSpread.fit([m]))
        #expect(s.isValid && s.idleGroups == 1 && s.busyGroups == 1)
        #expect(abs(s.idle.first! - 0.81) < 0.02 && abs(s.idle.last! - 1.19) < 0.02, "\(s.idle)")
        #expect(s.busy.allSatisfy { $0 == 1 })
    }

    @Test func versionOneProfilesStillLoadWithoutTheNewTerms() throws {
        var p = DeviceProfileTests.synthetic()
        p.engine.perTableRow = 5
        p.blockSpread = BlockSpread.none
        let q = try DeviceProfileTests.asOlderVersion(p, version: 1, removing: ["blockSpread"], engineKeys: ["perTableRow"])
        #expect(q.version == 1 && q.engine.perTableRow == 0 && q.blockSpread == nil)
        #expect(q.engine.perBlock == p.engine.perBlock)
    }
}
