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

        let r = try Live.run(whittle, ["eval", "--model", model, "--data", data, "--stems", "melody", "--json"], timeout: 300)
        try #require(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        let evalRPA = try #require(rows.first?["rpa"] as? Double)

        let est = dir.appendingPathComponent("est"), ref = dir.appendingPathComponent("ref")
        try FileManager.default.createDirectory(at: est, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: ref, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: data + "/item-0000.melody.f0.csv", toPath: ref.path + "/item-0000.melody.f0.csv")
        let p = try Live.run(whittle, ["process", data + "/item-0000.melody.wav", "-o", dir.appendingPathComponent("out.wav").path,
                                       "--chain", "model=\(model)", "--pitch", est.path + "/item-0000.melody.f0.csv"], timeout: 300)
        try #require(p.status == 0, "\(p.stderr)")
        let e = try Live.run(whittle, ["eval", "--task", "pitch", "--ref-dir", ref.path, "--est-dir", est.path, "--json"], timeout: 60)
        try #require(e.status == 0, "\(e.stderr)")
        let totals = try #require(try JSONSerialization.jsonObject(with: Data(e.stdout.utf8)) as? [String: Any])
        let engineRPA = try #require(((totals["total"] as? [String: Any]) ?? totals)["rpa"] as? Double)

        #expect(evalRPA > 0.9, "\(name) on a rendered melody: RPA \(evalRPA)")
        #expect(abs(engineRPA - evalRPA) < 1e-3, "\(name): engine RPA \(engineRPA) against eval \(evalRPA)")
    }
}
