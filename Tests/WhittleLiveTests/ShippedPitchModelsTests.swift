import Foundation
import Testing

/// Every pitch model in `Models/` (the default, the mix model with its dilated context, the lite
/// one) loads, runs frame by frame in the engine, hears a rendered melody, and decodes there exactly
/// as `whittle eval` scores it.
extension LiveTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/fluidsynth")
                   && FileManager.default.fileExists(atPath: "/usr/share/sounds/sf2/TimGM6mb.sf2"), "needs fluidsynth and TimGM6mb"),
          arguments: ["pitch", "pitch-mix", "pitch-lite"])
    func shippedPitchModelHearsAMelodyInTheEngineAsInEval(name: String) throws {
        let dir = try Live.scratch("shipped-\(name)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let whittle = try Live.whittle()
        let data = dir.appendingPathComponent("data").path
        let model = Live.root.appendingPathComponent("Models/\(name).safetensors").path
        let render = try Live.run(whittle, ["data", "--out", data, "--items", "1", "--seed", "47", "--soundfont", "timgm",
                                            "--seconds", "8"], timeout: 300)
        try #require(render.status == 0, "\(render.stderr)")

        let evalRPA = try PitchScoring.evalRPA(whittle, model: model, data: data, stem: "melody")
        let engineRPA = try PitchScoring.engineRPA(whittle, model: model, data: data, stem: "melody", dir: dir)

        #expect(evalRPA > 0.9, "\(name) on a rendered melody: RPA \(evalRPA)")
        #expect(abs(engineRPA - evalRPA) < 1e-3, "\(name): engine RPA \(engineRPA) against eval \(evalRPA)")
    }
}
