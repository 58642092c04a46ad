import Foundation
import Testing
import WhittleNN

/// `whittle calibrate` on real renders: it re-measures the shipped drum detector's per-class
/// thresholds on a rendered item, touches no weight but the output bias (where the thresholds fold),
/// on that item scores at least what the shipped operating point scores (0.5 per class, the
/// shipped point, is on the grid it searches), and composes with thresholds folded before.
extension LiveTests {
    @Test(.enabled(if: Live.canRenderTimGM, "needs fluidsynth and TimGM6mb"))
    func calibrateRefitsThresholdsOnly() throws {
        let dir = try Live.scratch("calibrate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let whittle = try Live.whittle()
        let data = try Live.renderTimGM(whittle, in: dir, items: 2, seed: 77, seconds: 8)
        let out = dir.appendingPathComponent("drums.safetensors").path
        let shipped = Live.root.appendingPathComponent("Models/drums.safetensors").path
        let cal = try Live.run(whittle, ["calibrate", "--model", shipped, "--data", data, "--out", out], timeout: 300)
        try #require(cal.status == 0, "\(cal.stderr)")
        #expect(cal.stdout.contains("per class"), "\(cal.stdout)")

        let before = try ModelFile.read(path: shipped), after = try ModelFile.read(path: out)
        let output = try #require(before.graph.outputs.first)
        #expect(Set(before.tensors.keys) == Set(after.tensors.keys))
        for (name, tensor) in before.tensors where name != "\(output).bias" {
            #expect(after.tensors[name] == tensor, "\(name) changed")
        }
        #expect(after.metadata["calibration"]?.contains(data) == true)

        // Per class, F pooled over the three stems (what calibration maximises), averaged over the classes.
        func meanF(_ model: String) throws -> Double {
            let r = try Live.run(whittle, ["eval", "--model", model, "--data", data, "--stems", "mix,melody,drums", "--json"], timeout: 300)
            try #require(r.status == 0, "\(r.stderr)")
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
            var f = 0.0
            for label in ["KD", "SD", "HH"] {
                var hits = 0.0, total = 0.0
                for row in rows {
                    let s = try #require(row[label] as? [String: Any])
                    let refs = (s["reference"] as? Double) ?? 0, est = (s["estimated"] as? Double) ?? 0
                    hits += ((s["recall"] as? Double) ?? 0) * refs
                    total += refs + est
                }
                f += total > 0 ? 2 * hits / total / 3 : 0
            }
            return f
        }
        // Calibrating the calibrated copy again on the same stems changes little: the new per-class
        // thresholds fold on top of the first ones, and `class_thresholds` records their composition.
        let again = dir.appendingPathComponent("again.safetensors").path
        let second = try Live.run(whittle, ["calibrate", "--model", out, "--data", data, "--out", again], timeout: 300)
        try #require(second.status == 0, "\(second.stderr)")
        func thresholds(_ path: String) throws -> [Double] {
            let text = try #require(try ModelFile.read(path: path).metadata["class_thresholds"])
            return try JSONDecoder().decode([Double].self, from: Data(text.utf8))
        }
        let first = try thresholds(out), twice = try thresholds(again)
        #expect(first.count == 3 && zip(first, twice).allSatisfy { abs($0 - $1) <= 0.06 }, "\(first) then \(twice)")

        let shippedF = try meanF(shipped), calibratedF = try meanF(out)
        #expect(shippedF > 0.5, "the shipped detector finds the drums at all: \(shippedF)")
        // (the time offset is re-measured too, so a hair either way is allowed)
        #expect(calibratedF >= shippedF - 0.005, "calibrated \(calibratedF) against shipped \(shippedF)")
    }
}

/// `whittle calibrate` refuses a missing or truncated model and a directory that is not a rendered
/// dataset with one line naming it and exit 2, and writes nothing.
extension LiveTests {
    @Test func calibrateRejectsBadInputAndWritesNothing() throws {
        let dir = try Live.scratch("calibrate-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let whittle = try Live.whittle()
        let shipped = Live.root.appendingPathComponent("Models/drums.safetensors").path
        let truncated = dir.appendingPathComponent("truncated.safetensors")
        try Data(try Data(contentsOf: URL(fileURLWithPath: shipped)).prefix(100)).write(to: truncated)
        let notData = dir.appendingPathComponent("empty").path
        try FileManager.default.createDirectory(atPath: notData, withIntermediateDirectories: true)
        let out = dir.appendingPathComponent("out.safetensors").path
        let cases: [([String], String)] = [
            (["--model", dir.appendingPathComponent("missing.safetensors").path, "--data", notData], "missing.safetensors"),
            (["--model", truncated.path, "--data", notData], "truncated.safetensors"),
            (["--model", shipped, "--data", notData], notData),
        ]
        for (arguments, mention) in cases {
            let result = try Live.run(whittle, ["calibrate"] + arguments + ["--out", out], timeout: 60, in: dir)
            let lines = result.stderr.split(separator: "\n")
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(lines.count == 1 && lines[0].contains(mention), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(arguments): wrote \(out)")
        }
    }
}

/// `whittle eval --model A,B` scores an ensemble on its mean output: the shipped drum model twice is
/// the shipped model; beside a silenced copy of itself (outputs near 0) its probabilities halve, so
/// the ensemble finds fewer hits at the same operating point; models of other tasks or answering at
/// other target delays are refused.
extension LiveTests {
    @Test(.enabled(if: Live.canRenderTimGM, "needs fluidsynth and TimGM6mb"))
    func evalScoresAnEnsembleOnItsMeanOutput() throws {
        let dir = try Live.scratch("eval-ensemble")
        defer { try? FileManager.default.removeItem(at: dir) }
        let whittle = try Live.whittle()
        let data = try Live.renderTimGM(whittle, in: dir, items: 2, seed: 78, seconds: 8)
        let shipped = Live.root.appendingPathComponent("Models/drums.safetensors").path
        let onset = Live.root.appendingPathComponent("Models/onset.safetensors").path
        var silenced = try ModelFile.read(path: shipped)
        let bias = try #require(silenced.graph.outputs.first) + ".bias"
        let b = try #require(silenced.tensors[bias])
        silenced.tensors[bias] = TensorData(shape: b.shape, values: b.values.map { _ in -30 })
        let quiet = dir.appendingPathComponent("silenced.safetensors").path
        try silenced.write(path: quiet)

        func estimated(_ models: String) throws -> [String: Double] {
            let r = try Live.run(whittle, ["eval", "--model", models, "--data", data, "--stems", "drums", "--json"], timeout: 300)
            try #require(r.status == 0, "\(r.stderr)")
            let row = try #require((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])?.first)
            var counts: [String: Double] = [:]
            for label in ["KD", "SD", "HH"] { counts[label] = try #require((row[label] as? [String: Any])?["estimated"] as? Double) }
            return counts
        }
        let alone = try estimated(shipped)
        #expect(try estimated("\(shipped),\(shipped)") == alone)
        let halved = try estimated("\(shipped),\(quiet)")
        #expect(alone.values.reduce(0, +) > 20, "the shipped model finds the drums: \(alone)")
        #expect(halved.values.reduce(0, +) < alone.values.reduce(0, +) / 2, "halved \(halved) against \(alone)")

        let mixed = try Live.run(whittle, ["eval", "--model", "\(shipped),\(onset)", "--data", data], timeout: 60)
        #expect(mixed.status == 2 && mixed.stderr.contains("ensemble model 2: metadata 'task'"), "\(mixed.stderr)")
        // Members answering at other delays would average frame t with frame t ± 1: refused.
        var paths: [String] = []
        for delay in [2, 3] {
            var m = try ModelFile.read(path: shipped)
            m.metadata["target_delay"] = "\(delay)"
            paths.append(dir.appendingPathComponent("delay\(delay).safetensors").path)
            try m.write(path: paths.last!)
        }
        let late = try Live.run(whittle, ["eval", "--model", paths.joined(separator: ","), "--data", data], timeout: 60)
        #expect(late.status == 2 && late.stderr.contains("ensemble model 2: metadata 'target_delay' is 3, against 2"), "\(late.stderr)")
    }
}
