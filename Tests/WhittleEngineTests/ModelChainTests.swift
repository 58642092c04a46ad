import Foundation
import Testing
import WhittleDSP
import WhittleEngine
import WhittleIO

/// The engine's neural-detector processor, with tiny hand-made model files.
@Suite struct ModelChainTests {
    final class Collector: EventWriter {
        var events: [Event] = []
        func write(_ event: Event, seconds: Double) { events.append(event) }
        func finish() throws {}
    }

    func run(_ input: String, chain: String, block: Int) throws -> (output: [Float], events: [Event]) {
        let out = input + ".out-\(block).wav"
        let collector = Collector()
        _ = try FileBackend(block: block).process(input: input, output: out, engine: Engine(chain: ChainSpec.parse(chain)),
                                                  writers: [collector])
        return (try TestSignals.read(out), collector.events)
    }

    @Test(arguments: [44100, 48000])
    func modelChainIsBlockSizeIndependent(rate: Int) throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TinyModels.loudness(path: dir + "/loud.safetensors")
        let clip = TestSignals.notes(rate: rate)
        try TestSignals.write(clip, to: dir + "/in.wav")
        let chain = "model=\(dir)/loud.safetensors,click"
        let reference = try run(dir + "/in.wav", chain: chain, block: 64)
        #expect(reference.events.count >= 5, "the loudness model fires on notes")
        #expect(reference.events.allSatisfy { $0.kind == .onset })
        for block in [16, 37, 1000] {
            let other = try run(dir + "/in.wav", chain: chain, block: block)
            #expect(other.output == reference.output, "block \(block)")
            #expect(other.events == reference.events, "block \(block)")
        }
    }

    /// ":threshold=T" sets the onset peak picker's threshold over the file's: lower, more onsets
    /// (this loudness model saturates on notes, so higher would change little); a pitch-only knob
    /// on an onset model is an error.
    @Test func onsetThresholdKnob() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TinyModels.loudness(path: dir + "/loud.safetensors")
        try TestSignals.write(TestSignals.notes(rate: 48000), to: dir + "/in.wav")
        let plain = try run(dir + "/in.wav", chain: "model=\(dir)/loud.safetensors", block: 128).events
        let loose = try run(dir + "/in.wav", chain: "model=\(dir)/loud.safetensors:threshold=0.01", block: 128).events
        #expect(plain.count >= 5 && loose.count > plain.count, "\(plain.count) → \(loose.count)")
        #expect(throws: (any Error).self) { try run(dir + "/in.wav", chain: "model=\(dir)/loud.safetensors:voicing=0.5", block: 128) }
    }

    /// ":kd=", ":sd=", ":hh=" set one drum class's threshold and leave the others alone; on a
    /// model that is not a drum model they are an error that names them.
    @Test func drumClassThresholdKnobs() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TinyModels.loudnessDrums(path: dir + "/drums.safetensors")
        try TinyModels.loudness(path: dir + "/loud.safetensors")
        try TestSignals.write(TestSignals.notes(rate: 48000), to: dir + "/in.wav")
        func counts(_ options: String) throws -> [Int] {
            let events = try run(dir + "/in.wav", chain: "model=\(dir)/drums.safetensors" + options, block: 128).events
            return (0..<3).map { c in events.filter { $0.kind == .drum && $0.label == c }.count }
        }
        let plain = try counts(""), looseSnare = try counts(":sd=0.01")
        #expect(plain[0] >= 5 && plain == [plain[0], plain[0], plain[0]], "identical classes fire alike: \(plain)")
        #expect(looseSnare[1] > plain[1] && looseSnare[0] == plain[0] && looseSnare[2] == plain[2], "\(plain) → \(looseSnare)")
        #expect(try counts(":threshold=0.01:sd=0.5") == [looseSnare[1], plain[1], looseSnare[1]], "the class knob wins over threshold")
        do { _ = try run(dir + "/in.wav", chain: "model=\(dir)/loud.safetensors:hh=0.3", block: 128); Issue.record("hh on an onset model must fail") }
        catch { #expect("\(error)".contains("'hh' applies to drum models"), "\(error)") }
    }

    @Test func pitchModelReportsItsFrequency() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TinyModels.constantPitch(path: dir + "/pitch.safetensors")
        try TestSignals.write(TestSignals.notes(rate: 48000, seconds: 2), to: dir + "/in.wav")
        let result = try run(dir + "/in.wav", chain: "model=\(dir)/pitch.safetensors", block: 256)
        #expect(result.events.count >= 190, "one pitch event per 10 ms hop")   // 2 s at 100 hops/s, less the first frame
        #expect(result.events.allSatisfy { $0.kind == .pitch && abs($0.value - 440) < 1 && $0.strength > 0.9 })
        #expect(result.events.allSatisfy { $0.label == 1 }, "confidence above the default 0.5: voiced")
    }

    /// A pitch model trained with a target delay answers for an earlier frame: its estimates are
    /// dated back by the metadata's time_offset (here −400 samples at 16 kHz, 2.5 hops, so that the
    /// shift shows on a constant model), and those dated before the start are dropped.
    @Test func pitchTimeOffsetDatesEstimatesEarlier() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TinyModels.constantPitch(path: dir + "/plain.safetensors")
        try TinyModels.constantPitch(path: dir + "/delayed.safetensors", extra: ["time_offset": "-400"])
        try TestSignals.write(TestSignals.notes(rate: 48000, seconds: 1), to: dir + "/in.wav")
        let plain = try run(dir + "/in.wav", chain: "model=\(dir)/plain.safetensors", block: 256).events
        let delayed = try run(dir + "/in.wav", chain: "model=\(dir)/delayed.safetensors", block: 256).events
        let plainFrames = Set(plain.map(\.frame)), last = try #require(plain.last).frame
        #expect(delayed.count > 90 && delayed.allSatisfy { $0.frame >= 0 })
        // (the delayed run flushes 400 samples longer, so its last estimates have no plain partner)
        let shifted = delayed.map { $0.frame + 1200 }.filter { $0 <= last }
        #expect(shifted.count > 90 && shifted.allSatisfy { plainFrames.contains($0) }, "each estimate 400 samples (1200 host frames) earlier")
        let first = try #require(delayed.first).frame
        #expect(first == Int64(3 * 480 + 96 - 1200), "frames 0...2 would be dated before the start")
    }

    /// Pitch events carry the model's voicing decision (metadata voicing_threshold) in their label.
    @Test func pitchVoicingFollowsTheModelsThreshold() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TinyModels.constantPitch(path: dir + "/pitch.safetensors", voicingThreshold: "0.9999")
        try TestSignals.write(TestSignals.notes(rate: 48000, seconds: 1), to: dir + "/in.wav")
        let result = try run(dir + "/in.wav", chain: "model=\(dir)/pitch.safetensors", block: 256)
        #expect(!result.events.isEmpty)
        #expect(result.events.allSatisfy { $0.label == 0 && abs($0.value - 440) < 1 }, "confidence below 0.9999: unvoiced, f0 kept")
        // The chain's own knob wins over the file's calibration; it belongs to pitch models only.
        let knob = try run(dir + "/in.wav", chain: "model=\(dir)/pitch.safetensors:voicing=0.5", block: 256)
        #expect(knob.events.count == result.events.count && knob.events.allSatisfy { $0.label == 1 }, "voicing=0.5: voiced")
        do { _ = try run(dir + "/in.wav", chain: "model=\(dir)/pitch.safetensors:threshold=0.5", block: 256); Issue.record("threshold on pitch") }
        catch { #expect("\(error)".contains("pitch.safetensors") && "\(error)".contains("'threshold'"), "\(error)") }
        try TinyModels.constantPitch(path: dir + "/bad.safetensors", voicingThreshold: "high")
        #expect(throws: (any Error).self) { try run(dir + "/in.wav", chain: "model=\(dir)/bad.safetensors", block: 256) }
    }

    /// The online pitch tracker: the file's `pitch_tracking` turns it on (a clean line is reported
    /// as before), the chain's `track` knob is 0 or 1 and belongs to pitch models; a malformed
    /// field is an error naming the file and the field.
    @Test func pitchTrackingKnobAndMetadata() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSignals.write(TestSignals.notes(rate: 48000, seconds: 1), to: dir + "/in.wav")
        try TinyModels.constantPitch(path: dir + "/plain.safetensors")
        try TinyModels.constantPitch(path: dir + "/tracked.safetensors", extra: ["pitch_tracking": "0.15:15:0.8"])
        let plain = try run(dir + "/in.wav", chain: "model=\(dir)/plain.safetensors", block: 256)
        for chain in ["model=\(dir)/tracked.safetensors", "model=\(dir)/plain.safetensors:track=1", "model=\(dir)/tracked.safetensors:track=0"] {
            let r = try run(dir + "/in.wav", chain: chain, block: 256)
            #expect(r.events.map(\.frame) == plain.events.map(\.frame) && r.events.allSatisfy { abs($0.value - 440) < 1 }, "\(chain)")
        }
        do { _ = try run(dir + "/in.wav", chain: "model=\(dir)/plain.safetensors:track=0.5", block: 256); Issue.record("track=0.5") }
        catch { #expect("\(error)".contains("'track' is 1 (on) or 0 (off)"), "\(error)") }
        try TinyModels.constantPitch(path: dir + "/bad.safetensors", extra: ["pitch_tracking": "fast"])
        do { _ = try run(dir + "/in.wav", chain: "model=\(dir)/bad.safetensors", block: 256); Issue.record("bad pitch_tracking") }
        catch { #expect("\(error)".contains("bad.safetensors") && "\(error)".contains("'pitch_tracking'"), "\(error)") }
    }

    /// The pitch front end in the engine: a harmonic tone at 220 Hz is reported at 220 Hz (50 cents),
    /// voiced, silence is unvoiced, and the events do not depend on the block size.
    @Test func harmonicSpectrumPitchInTheEngine() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TinyModels.harmonicSum(path: dir + "/pitch.safetensors")
        let rate = 48000.0
        let tone = (0..<Int(rate)).map { n -> Float in
            (1...8).reduce(Float(0)) { s, k in s + Float(sin(2 * Double.pi * 220 * Double(k) * Double(n) / rate)) / Float(k) } * 0.2
        }
        try TestSignals.write(.init(samples: tone + [Float](repeating: 0, count: Int(rate)), onsets: [0], rate: Int(rate)), to: dir + "/in.wav")
        let chain = "model=\(dir)/pitch.safetensors"
        let reference = try run(dir + "/in.wav", chain: chain, block: 128)
        let voiced = reference.events.filter { $0.label == 1 }
        #expect(voiced.count >= 80 && voiced.count <= 110, "about 1 s of voiced frames, got \(voiced.count)")
        #expect(voiced.allSatisfy { abs(1200 * log2(Double($0.value) / 220)) < 50 }, "\(voiced.prefix(5).map(\.value))")
        let late = reference.events.filter { Double($0.frame) > 1.2 * rate }
        #expect(!late.isEmpty && late.allSatisfy { $0.label == 0 }, "silence after the tone is unvoiced")
        #expect(try run(dir + "/in.wav", chain: chain, block: 1000).events == reference.events)
    }

    @Test func badModelFilesAreClearErrors() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let engine = Engine(chain: try ChainSpec.parse("model=\(dir)/missing.safetensors"))
        do {
            try engine.prepare(sampleRate: 48000, maxBlock: 256)
            Issue.record("a missing model must fail")
        } catch {
            #expect(error.description.contains("missing.safetensors"))
        }
        // A model whose input does not match its features.
        let graph = #"{"inputs":[{"name":"mel","shape":[8,1]}],"outputs":["onset"],"nodes":[{"name":"flat","op":"flatten","inputs":["mel"]},{"name":"onset","op":"dense","inputs":["flat"],"units":1}]}"#
        try TinyModels.write(path: dir + "/bad.safetensors", graph: graph,
                             tensors: [("onset.weight", [1, 8], [Float](repeating: 0, count: 8))],
                             metadata: ["task": "onset", "sample_rate": "16000", "hop": "160",
                                        "features": #"{"type":"logmel","n_fft":512,"bands":16}"#])
        let bad = Engine(chain: try ChainSpec.parse("model=\(dir)/bad.safetensors"))
        do {
            try bad.prepare(sampleRate: 48000, maxBlock: 256)
            Issue.record("a mismatched model must fail")
        } catch {
            #expect(error.description.contains("bad.safetensors") && error.description.contains("16"), "\(error)")
        }
    }
}
