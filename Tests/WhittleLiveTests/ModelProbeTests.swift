// The foundation issue's interposer test applied to a model chain: a neural detector (front end,
// conv2d/pool/dense forward pass, peak picking) plus the click sonifier on a live JACK run.

import Foundation
import Testing
import WhittleEngine

extension LiveTests {
    /// Whole frames, and split frames (the network one 64-frame block after its front end).
    @Test(.timeLimit(.minutes(2)), arguments: [false, true])
    func modelChainMakesNoAllocationLockOrSyscall(splitFrames: Bool) throws {
        // Three staggered models (onset, the shipped drums, a constant 440 Hz pitch model whose
        // events drive the MIDI pitch voice, through the online pitch tracker) and the clicks.
        let model = Live.root.appendingPathComponent("Models/test/onset-medium.safetensors").path
        let drums = Live.root.appendingPathComponent("Models/drums.safetensors").path
        let pitch = try Live.scratch("pitch-model").appendingPathComponent("pitch.safetensors").path
        try Live.constantPitchModel(path: pitch)
        let chain = "model=\(model),model=\(drums),model=\(pitch):track=1,click"
        let (counts, summary) = try probeRun(chain: chain, seconds: 11, runArguments: splitFrames ? ["--split-frames"] : [])
        // The run used split frames exactly when asked (one 64-frame block more latency than
        // without the frame queue) and the frame queue otherwise (two blocks more).
        func latency(_ split: Bool, queue: Bool = true) throws -> Int {
            let engine = Engine(chain: try ChainSpec.parse(chain), splitFrames: split, frameQueue: queue)
            try engine.prepare(sampleRate: 48000, maxBlock: 4096, blockSize: 64)
            return engine.latencyFrames
        }
        #expect(summary.latency == (try latency(false, queue: false)) + (splitFrames ? 64 : 128))
        #expect((summary.events ?? 0) > 500, "the pitch model reports about 100 events per second")   // 11 s so that ≥ 10 s are counted even when the dummy server skips cycles under load
        #expect((counts["counted_sections"] ?? 0) >= 10 * 750, "too few checked blocks: \(counts["counted_sections"] ?? 0)")
        for name in Self.probedCalls {
            #expect(counts[name] == 0, "\(name) called \(counts[name] ?? 0) times on the audio thread")
        }
        #expect(counts["swift_retain"] == 0 && counts["swift_release"] == 0,
                "ARC traffic on the audio thread: \(counts["swift_retain"] ?? 0) retains, \(counts["swift_release"] ?? 0) releases")
        for name in ["malloc", "free", "swift_retain"] {
            #expect((counts["total_\(name)"] ?? 0) > 0, "\(name) interposer never called")
        }
    }
}
