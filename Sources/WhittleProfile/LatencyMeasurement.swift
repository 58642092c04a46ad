// ProfileMeasurement through the real render path: an Engine with the chain, `prepare`, then
// EngineRT.render block after block on a dedicated, pinned thread.

import Foundation
import WhittleEngine
import WhittleNN

public enum LatencyMeasurement {
    /// Runs the model as an engine processor through EngineRT.render on this machine.
    /// (Allocations are not counted in-process: `whittle profile` re-runs itself under the probe.)
    public static func measure(_ model: ModelFile, block: Int, rate: Int, seconds: Double) throws -> BlockTimes {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("whittle-measure-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).safetensors").path
        try model.write(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try measure(chain: "model=\(path)", block: block, rate: rate, seconds: seconds, schedule: nil).times
    }

    /// Measures any chain spec. `schedule` (the model's frames per block) groups blocks by frames.
    /// `warmupSeconds` of untimed blocks run first, after the engine's own warm-up.
    public static func measure(chain: String, block: Int, rate: Int, seconds: Double, paced: Bool = true,
                               warmupSeconds: Double = 0.25, allocations: Int? = nil,
                               schedule: FrameSchedule? = nil, splitFrames: Bool = false) throws -> ProfileMeasurement {
        guard seconds > 0, seconds.isFinite else { throw ProfileError.badInput("measurement time must be positive, got \(seconds) s") }
        let spec: ChainSpec
        do { spec = try ChainSpec.parse(chain) } catch { throw ProfileError.badInput(error.description) }
        let engine = Engine(chain: spec, splitFrames: splitFrames)
        do { try engine.prepare(sampleRate: Double(rate), maxBlock: block) } catch { throw ProfileError.badInput(error.description) }
        let blocks = max(1, Int(seconds * Double(rate) / Double(block)))
        let warmup = warmupBlocks(block: block, rate: rate, seconds: warmupSeconds)
        let signal = TestSignal.music(rate: rate, seconds: 10)
        let loop = RenderLoop.run(engine, signal: signal, block: block, rate: rate, warmup: warmup, blocks: blocks, paced: paced)
        return ProfileMeasurement(target: chain, block: block, rate: rate, paced: paced, loop: loop, allocations: allocations, schedule: schedule)
    }

    /// Untimed blocks before the timed ones.
    public static func warmupBlocks(block: Int, rate: Int, seconds: Double) -> Int {
        max(8, Int(seconds * Double(rate) / Double(block)))
    }

    /// Render calls `Engine.prepare` makes while warming up (it renders noise at several block
    /// sizes): the probe must skip these too. Mirrors Engine.warmUp.
    public static func enginePrepareRenders(block: Int, rate: Int) -> Int { rate / block + 8 }
}
