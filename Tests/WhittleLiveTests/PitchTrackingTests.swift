import Foundation
import Testing
import WhittleNN

/// The online pitch tracker in the engine (`model=M:track=1`) and in `whittle eval --pitch-tracking`
/// decode alike: the shipped pitch model on a rendered lead-balanced mix scores the same RPA both
/// ways, and a different one without the tracker; a model file carrying `pitch_tracking` runs it
/// without the knob, in both.
extension LiveTests {
    @Test(.enabled(if: Live.canRenderTimGM, "needs fluidsynth and TimGM6mb"))
    func engineAndEvalTrackPitchAlike() throws {
        let dir = try Live.scratch("tracking")
        defer { try? FileManager.default.removeItem(at: dir) }
        let whittle = try Live.whittle()
        let model = Live.root.appendingPathComponent("Models/pitch.safetensors").path
        let data = try PitchScoring.renderItem(whittle, in: dir, seed: 31, seconds: 10, options: ["--mix-levels", "chords=-3,drums=0"])

        func evalRPA(_ tracking: String) throws -> Double {
            try PitchScoring.evalRPA(whittle, model: model, data: data, stem: "mix", options: ["--pitch-tracking", tracking])
        }
        func engineRPA(_ chainOption: String, of path: String? = nil) throws -> Double {
            try PitchScoring.engineRPA(whittle, model: path ?? model, chainOption: chainOption, data: data, stem: "mix", dir: dir)
        }
        let tracked = try evalRPA("on"), plain = try evalRPA("off")
        #expect(abs(try engineRPA(":track=1") - tracked) < 1e-3, "engine with the tracker against eval --pitch-tracking on")
        #expect(abs(try engineRPA("") - plain) < 1e-3, "engine without it against eval --pitch-tracking off")
        #expect(abs(tracked - plain) > 1e-3, "the tracker changes the estimates of a mix: \(tracked) vs \(plain)")
        // A model file that carries `pitch_tracking` runs the tracker without the knob.
        var file = try ModelFile.read(path: model)
        file.metadata["pitch_tracking"] = "0.15:15:0.8"
        let carried = dir.appendingPathComponent("tracked.safetensors").path
        try file.write(path: carried)
        #expect(abs(try PitchScoring.evalRPA(whittle, model: carried, data: data, stem: "mix") - tracked) < 1e-6, "eval with the file's pitch_tracking")
        #expect(abs(try engineRPA("", of: carried) - tracked) < 1e-3, "engine with the file's pitch_tracking")

        let bad = try Live.run(whittle, ["process", data + "/item-0000.mix.wav", "-o", dir.appendingPathComponent("x.wav").path,
                                         "--chain", "model=\(Live.root.appendingPathComponent("Models/onset.safetensors").path):track=1"], timeout: 60)
        #expect(bad.status != 0 && bad.stderr.contains("'track' applies to pitch models"), "\(bad.stderr)")
    }
}
