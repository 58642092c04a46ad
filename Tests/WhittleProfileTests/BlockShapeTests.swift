// The version-3 terms of the cost model: the engine's base measured per block size (paced blocks
// start slow, so the base is not linear in the size) and the cheaper second and later frames of
// a block (warm caches). Both were the cause of 15–30 % over-predictions at 1024-frame blocks.

import Foundation
import Testing
import WhittleNN
import WhittleProcessors
@testable import WhittleProfile

@Suite struct BlockShapeTests {
    @Test func engineBaseIsInterpolatedBetweenMeasuredSizes() {
        let e = EngineCoefficients(perBlock: 0, perSample: 30, perTap: 0,
                                   byBlock: [.init(block: 256, ns: 14_000), .init(block: 64, ns: 4_000), .init(block: 1024, ns: 30_000)])
        #expect(e.byBlock?.map(\.block) == [64, 256, 1024])
        #expect(e.base(block: 64) == 4_000 && e.base(block: 1024) == 30_000)
        #expect(abs(e.base(block: 128) - (4_000 + 10_000.0 * 64 / 192)) < 1e-6)
        #expect(abs(e.base(block: 512) - (14_000 + 16_000.0 * 256 / 768)) < 1e-6)
        // Beyond the table: along the nearest segment, never below half its end.
        #expect(abs(e.base(block: 2048) - (30_000 + 16_000.0 * 1024 / 768)) < 1e-6)
        #expect(e.base(block: 16) == 2_000)
        // Without a table: the line.
        #expect(EngineCoefficients(perBlock: 100, perSample: 30, perTap: 0).base(block: 64) == 100 + 30 * 64)
    }

    /// Null-detector runs synthesised from a known engine (a concave base) and front ends whose
    /// later frames in a block cost `later` × the first.
    static func syntheticRuns(base: (Int) -> Double, later: Double) throws -> [(ProfileMeasurement, ModelWork)] {
        let truth = EngineCoefficients(perBlock: 0, perSample: 0, perTap: 1, perTableRow: 60)
        let logmel = CostCoefficients(constant: 3000, perMAC: 1, perByte: 0.5, perStep: 20)
        let frames = CostCoefficients(constant: 1000, perMAC: 0, perByte: 0.5, perStep: 0)
        let harmonic = CostCoefficients(constant: 2000, perMAC: 1, perByte: 0.3, perStep: 30)
        var runs: [(ProfileMeasurement, ModelWork)] = []
        for (_, model) in ProfileFit.calibrationModels() {
            let work = try ModelWork(model)
            let front = ["frontend_logmel": logmel, "frontend_frames": frames, "frontend_harmonic": harmonic][work.frontEnd.type]!
            let frameNs = front.ns(macs: work.frontEnd.macs, bytes: work.frontEnd.bytes, steps: work.frontEnd.steps)
            for block in [64, 128, 256, 512, 1024] {
                let schedule = FrameSchedule(hostRate: 48000, modelRate: work.sampleRate, hop: work.hop, block: block)
                let engineNs = base(block) + truth.ns(block: block, outputs: schedule.meanOutputs, schedule: schedule)
                let warm = 8, count = 2000
                let k = Array(schedule.frames(blocks: warm + count).dropFirst(warm))
                let times = k.map { f -> Double in (engineNs + (f == 0 ? 0 : frameNs * (1 + later * Double(f - 1)))) / 1000 }
                let loop = RenderLoopResult(times: times, pinnedCPU: nil, realtimePriority: false, warmupBlocks: warm)
                runs.append((ProfileMeasurement(target: "t", block: block, rate: 48000, paced: true, loop: loop,
                                                allocations: nil, schedule: schedule), work))
            }
        }
        return runs
    }

    @Test func fitRecoversAConcaveBaseAndTheLaterFrameFactor() throws {
        // 55 ns per sample up to 256 frames, then 16: a line through all sizes would miss 1024 by far.
        func base(_ b: Int) -> Double { b <= 256 ? 55 * Double(b) : 55 * 256 + 16 * Double(b - 256) }
        let runs = try Self.syntheticRuns(base: base, later: 0.6)
        let (engine, fronts, later) = try #require(ProfileFit.engineAndFrontEnds(runs, layers: [:]))
        #expect(abs(later - 0.6) < 0.026, "later-frame factor \(later)")
        let table = try #require(engine.byBlock)
        #expect(table.map(\.block) == [64, 128, 256, 512, 1024])
        for entry in table {
            #expect(abs(entry.ns - base(entry.block)) < 0.05 * base(entry.block) + 200, "\(entry) vs \(base(entry.block))")
        }
        #expect(abs(engine.perTableRow - 60) < 6, "\(engine)")
        let logmel = try #require(fronts["frontend_logmel"])
        #expect(abs(logmel.ns(macs: 5120, bytes: 18432, steps: 64) - (3000 + 5120 + 0.5 * 18432 + 20 * 64)) < 1500, "\(logmel)")
        // Without the factor (every frame priced as the first) the same data fit worse at 1024.
        let flat = try #require(ProfileFit.engineAndFrontEnds(try Self.syntheticRuns(base: base, later: 1), layers: [:]))
        #expect(flat.laterFrontEnd > 0.95, "\(flat.laterFrontEnd)")
    }

    @Test func laterFramesOfABlockArePricedWarm() throws {
        var profile = DeviceProfileTests.synthetic()
        let tiny = try ModelWork(DeviceProfileTests.testModel("onset-tiny"))     // 16 kHz, 10 ms hops
        // 1024-frame blocks at 48 kHz complete 2 or 3 frames; 256-frame blocks 0 or 1.
        let before1024 = try profile.prediction(for: tiny, block: 1024, rate: 48000)
        let before256 = try profile.prediction(for: tiny, block: 256, rate: 48000).times
        profile.laterFrames = DeviceProfile.LaterFrames(frontEnd: 0.5, layerScale: 0.5)
        let after1024 = try profile.prediction(for: tiny, block: 1024, rate: 48000)
        let after256 = try profile.prediction(for: tiny, block: 256, rate: 48000).times
        #expect(after256.p50 == before256.p50 && after256.p999 == before256.p999, "one frame per block: nothing changes")
        // The typical 1024 block: engine + frame + half a frame, against engine + 2 frames.
        let frame = before1024.frameMicroseconds
        #expect(abs((before1024.times.p50 - after1024.times.p50) - 0.5 * frame) < 0.02 * frame + 1e-6,
                "\(before1024.times.p50) → \(after1024.times.p50), frame \(frame)")
        #expect(after1024.frameMicroseconds == frame, "the first frame is priced as before")
    }

    @Test func versionTwoProfilesLoadWithoutTheNewTerms() throws {
        var p = DeviceProfileTests.synthetic()
        p.engine.byBlock = [.init(block: 64, ns: 900)]
        p.laterFrames = DeviceProfile.LaterFrames(frontEnd: 0.5, layerScale: 1)
        let q = try DeviceProfileTests.asOlderVersion(p, version: 2, removing: ["laterFrames"], engineKeys: ["byBlock"])
        #expect(q.version == 2 && q.engine.byBlock == nil && q.laterFrames == nil)
        #expect(q.engine.base(block: 64) == p.engine.perBlock + 64 * p.engine.perSample)
    }
}

@Suite struct CalibrationModelTests {
    /// A calibration detector the engine refuses stops `whittle profile --out` after minutes of
    /// measuring (a 100 ms hop with a 512-point frame did): each must load as the engine loads it.
    @Test func everyCalibrationDetectorLoadsInTheEngine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-calibration-test-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (i, (label, file)) in (ProfileFit.calibrationModels() + ProfileFit.contextModels()).enumerated() {
            let path = dir + "/\(i).safetensors"
            try file.write(path: path)
            let model = try Model.load(path: path)
            #expect(throws: Never.self, "\(label)") { try NeuralDetectorSettings(metadata: model.metadata, path: path) }
        }
    }
}

@Suite struct BenchmarkMedianTests {
    @Test func repeatedMicrobenchmarksKeepEachPointsMedian() {
        func run(_ a: Double, _ b: Double) -> [CalibrationPoint] {
            [CalibrationPoint(type: "dense", label: "d", macs: 1, bytes: 1, steps: 0, ns: a),
             CalibrationPoint(type: "gru", label: "g", macs: 2, bytes: 2, steps: 0, ns: b)]
        }
        let m = LayerBenchmark.median([run(10, 300), run(30, 100), run(20, 200)])
        #expect(m.map(\.ns) == [20, 200] && m.map(\.label) == ["d", "g"])
        #expect(LayerBenchmark.median([]).isEmpty)
    }
}
