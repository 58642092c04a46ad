import Foundation
import Testing

/// Every pitch model in `Models/` (the default, the mix model with its dilated context, the lite
/// one) loads, runs frame by frame in the engine, hears a rendered melody, and decodes there exactly
/// as `whittle eval` scores it.
extension LiveTests {
    @Test(.enabled(if: Live.canRenderTimGM, "needs fluidsynth and TimGM6mb"),
          arguments: ["pitch", "pitch-mix", "pitch-lite"])
    func shippedPitchModelHearsAMelodyInTheEngineAsInEval(name: String) throws {
        let dir = try Live.scratch("shipped-\(name)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let whittle = try Live.whittle()
        let model = Live.root.appendingPathComponent("Models/\(name).safetensors").path
        let data = try PitchScoring.renderItem(whittle, in: dir, seed: 47, seconds: 8)
        let evalRPA = try PitchScoring.evalRPA(whittle, model: model, data: data, stem: "melody")
        let engineRPA = try PitchScoring.engineRPA(whittle, model: model, data: data, stem: "melody", dir: dir)

        #expect(evalRPA > 0.9, "\(name) on a rendered melody: RPA \(evalRPA)")
        #expect(abs(engineRPA - evalRPA) < 1e-3, "\(name): engine RPA \(engineRPA) against eval \(evalRPA)")
    }
}
