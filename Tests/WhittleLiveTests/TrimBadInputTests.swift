import Foundation
import Testing
import WhittleNN

/// `whittle trim` and `whittle train` refuse bad input with one line and exit 2, creating nothing.
extension LiveTests {
    @Test func trimRejectsBadInputAndWritesNothing() throws {
        let dir = try Live.scratch("trim-bad")
        let whittle = try Live.whittle()
        let graph = Live.root.appendingPathComponent("Models/graphs/synthetic-onset.json").path
        let onset = Live.root.appendingPathComponent("Models/onset.safetensors").path
        let drumGraph = Live.root.appendingPathComponent("Models/graphs/drums-dense-80.json").path
        let badProfile = dir.appendingPathComponent("old.json")
        try #"{"version": 999, "machine": {}}"#.write(to: badProfile, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["trim", "--task", "no-such-task", "--graph", graph, "--out", dir.appendingPathComponent("a").path], "no-such-task"),
            (["trim", "--task", "synthetic", "--graph", graph, "--criterion", "vibes", "--out", dir.appendingPathComponent("b").path], "vibes"),
            (["trim", "--task", "synthetic", "--graph", graph, "--budget", "0.5ms", "--block", "128", "--profile", badProfile.path,
              "--out", dir.appendingPathComponent("c").path], "999"),
            // Choosing over budget needs a budget and a cap on the weights: refused before any training.
            (["trim", "--task", "synthetic", "--graph", graph, "--budget", "0.5ms", "--measure-seconds", "1", "--allow-over-budget",
              "--out", dir.appendingPathComponent("e").path], "--allow-over-budget"),
            (["trim", "--task", "synthetic", "--graph", graph, "--final-fraction", "1.5", "--out", dir.appendingPathComponent("f").path], "--final-fraction"),
            (["trim", "--task", "synthetic", "--graph", graph, "--reinit-head", "--reset", "reinit", "--out", dir.appendingPathComponent("g").path], "--reinit-head"),
            (["trim", "--task", "synthetic", "--graph", graph, "--teacher", onset, "--distill", "0.5", "--out", dir.appendingPathComponent("i").path],
             "teacher \(onset): inputs"),
            (["trim", "--task", "synthetic", "--graph", graph, "--teacher", onset, "--out", dir.appendingPathComponent("i").path], "--distill"),
            (["train", "--task", "no-such-task", "--graph", graph, "--out", dir.appendingPathComponent("d.safetensors").path], "no-such-task"),
            // A teacher must hear what the student hears, and --teacher and --distill come together.
            (["train", "--task", "synthetic", "--graph", graph, "--teacher", onset, "--distill", "0.5",
              "--out", dir.appendingPathComponent("h.safetensors").path], "teacher \(onset): inputs"),
            (["train", "--task", "synthetic", "--graph", graph, "--teacher", dir.appendingPathComponent("none.safetensors").path,
              "--distill", "0.5", "--out", dir.appendingPathComponent("h.safetensors").path], "none.safetensors"),
            (["train", "--task", "synthetic", "--graph", graph, "--teacher", onset, "--out", dir.appendingPathComponent("h.safetensors").path], "--distill"),
            (["train", "--task", "synthetic", "--graph", graph, "--distill", "0.5", "--out", dir.appendingPathComponent("h.safetensors").path], "--teacher"),
            // Mixes' drums are rebuilt from the class stems only under a timbre range.
            (["train", "--task", "drums", "--graph", drumGraph, "--data", dir.path, "--valid", dir.path, "--drum-timbre-mixes",
              "--out", dir.appendingPathComponent("h.safetensors").path], "--drum-timbre-mixes needs --drum-timbre-db"),
            // PCEN: a time constant in range, and the log-mel front ends only.
            (["train", "--task", "drums", "--graph", drumGraph, "--data", dir.path, "--valid", dir.path, "--pcen", "0.001",
              "--out", dir.appendingPathComponent("h.safetensors").path], "--pcen must be a time constant"),
            (["train", "--task", "drums", "--graph", drumGraph, "--data", dir.path, "--valid", dir.path, "--pcen", "0.4:2:2:0.5:100",
              "--out", dir.appendingPathComponent("h.safetensors").path], "--pcen: ALPHA in 0...1"),
            (["train", "--task", "drums", "--graph", drumGraph, "--data", dir.path, "--valid", dir.path, "--pcen-stack",
              "--out", dir.appendingPathComponent("h.safetensors").path], "--pcen-stack needs --pcen"),
            (["train", "--task", "pitch", "--graph", drumGraph, "--data", dir.path, "--valid", dir.path, "--pcen", "0.4",
              "--out", dir.appendingPathComponent("h.safetensors").path], "--pcen apply to onset and drums only"),
        ]
        for (arguments, mention) in cases {
            let result = try Live.run(whittle, arguments, timeout: 60, in: dir)
            let lines = result.stderr.split(separator: "\n")
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(lines.count == 1 && lines[0].contains(mention), "\(arguments): \(result.stderr)")
        }
        for name in ["a", "b", "c", "d.safetensors", "e", "f", "g", "h.safetensors", "i"] {
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name) was created")
        }
    }
}

/// A detector trim records its data, front-end, crop and augmentation options in its checkpoint:
/// resuming it under another `--eq-db` or `--fmax` is refused by name instead of training later
/// rounds on other crops or other features.
extension LiveTests {
    @Test(.enabled(if: Live.canRenderTimGM, "needs fluidsynth and TimGM6mb"))
    func detectorTrimResumesOnlyUnderItsOwnRecipe() throws {
        let dir = try Live.scratch("trim-recipe")
        defer { try? FileManager.default.removeItem(at: dir) }
        let whittle = try Live.whittle()
        let data = try Live.renderTimGM(whittle, in: dir, items: 2, seed: 79, seconds: 6)
        let out = dir.appendingPathComponent("trim").path
        let graph = Live.root.appendingPathComponent("Models/graphs/drums-dense-80.json").path
        let common = ["trim", "--task", "drums", "--graph", graph, "--out", out, "--data", data, "--valid", data, "--feature-rate", "22050",
                      "--bands", "80", "--epochs", "1", "--rounds", "1", "--crops", "4", "--crop-frames", "20", "--measure-seconds", "0",
                      "--threads", "1", "--mode", "structured"]
        let first = try Live.run(whittle, common + ["--eq-db", "3"], timeout: 600)
        try #require(first.status == 0, "\(first.stderr)")
        let same = try Live.run(whittle, common + ["--eq-db", "3", "--resume"], timeout: 600)
        #expect(same.status == 0, "\(same.stderr)")
        let otherCrops = try Live.run(whittle, common + ["--eq-db", "6", "--resume"], timeout: 600)
        #expect(otherCrops.status == 2 && otherCrops.stderr.contains("eq-db 3") && otherCrops.stderr.contains("eq-db 6"), "\(otherCrops.stderr)")
        let otherFeatures = try Live.run(whittle, common + ["--eq-db", "3", "--fmax", "8000", "--resume"], timeout: 600)
        #expect(otherFeatures.status == 2 && otherFeatures.stderr.contains("fmax 8000"), "\(otherFeatures.stderr)")
    }

    /// `whittle train --teacher` with a detector: a teacher with the student's front end (the shipped
    /// drum model, 22.05 kHz / 80 bands) teaches and is recorded in the student's metadata; the same
    /// teacher for a student whose mel bands stop at 8 kHz is refused, naming the field, and nothing
    /// is written.
    @Test(.enabled(if: Live.canRenderTimGM, "needs fluidsynth and TimGM6mb"))
    func detectorTeacherMustHearWhatTheStudentHears() throws {
        let dir = try Live.scratch("teacher-front-end")
        defer { try? FileManager.default.removeItem(at: dir) }
        let whittle = try Live.whittle()
        let data = try Live.renderTimGM(whittle, in: dir, items: 2, seed: 80, seconds: 6)
        let teacher = Live.root.appendingPathComponent("Models/drums.safetensors").path
        let graph = Live.root.appendingPathComponent("Models/graphs/drums-dense-80.json").path
        let common = ["train", "--task", "drums", "--graph", graph, "--data", data, "--valid", data, "--feature-rate", "22050", "--bands", "80",
                      "--epochs", "1", "--crops", "4", "--crop-frames", "20", "--threads", "1", "--teacher", teacher, "--distill", "0.5"]
        let taught = dir.appendingPathComponent("taught.safetensors").path
        let ok = try Live.run(whittle, common + ["--out", taught], timeout: 600)
        try #require(ok.status == 0, "\(ok.stderr)")
        let note = try ModelFile.read(path: taught).metadata["distillation"]
        #expect(note?.contains("drums.safetensors") == true && note?.contains("\"weight\":0.5") == true, "\(note ?? "no distillation metadata")")

        let refused = dir.appendingPathComponent("refused.safetensors").path
        let bad = try Live.run(whittle, common + ["--fmax", "8000", "--out", refused], timeout: 600)
        #expect(bad.status == 2 && bad.stderr.contains("teacher \(teacher): metadata 'features'"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: refused))

        // The student records its target delay (1, the default); as a teacher it teaches a student at
        // that delay and is refused for one at another, which would learn targets a frame late.
        #expect(try ModelFile.read(path: taught).metadata["target_delay"] == "1")
        let again = common.map { $0 == teacher ? taught : $0 }
        let second = dir.appendingPathComponent("second.safetensors").path
        let same = try Live.run(whittle, again + ["--out", second], timeout: 600)
        #expect(same.status == 0, "\(same.stderr)")
        let late = try Live.run(whittle, again + ["--target-delay", "2", "--out", refused], timeout: 600)
        #expect(late.status == 2 && late.stderr.contains("teacher \(taught): metadata 'target_delay' is 1, against 2"), "\(late.stderr)")
        #expect(!FileManager.default.fileExists(atPath: refused))
    }
}
