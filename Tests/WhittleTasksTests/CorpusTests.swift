import Foundation
import Testing
import WhittleDSP
@testable import WhittleTasks
import WhittleTrain

@Suite struct CorpusTests {
    let settings = FeatureSettings(kind: .logMel(fftSize: 1024, bands: 64, minHz: 30, maxHz: 8000, compression: 1),
                                   sampleRate: 16000, hop: 160)

    @Test func frameClockRoundTrips() {
        let clock = FrameClock(settings)
        for t in [0, 1, 17, 1000] { #expect(clock.frame(at: clock.time(ofFrame: t)) == t) }
        // Frame 0 ends at sample 160 and is centred 512 samples earlier.
        #expect(abs(clock.time(ofFrame: 0) - Double(160 - 512) / 16000) < 1e-12)
    }

    /// Training targets, the engine's decoder and CREPE share one pitch axis.
    @Test func pitchBinsAreCREPEs() {
        #expect(abs(PitchBins.centre(0) - 1997.3794084376191) < 1e-9)
        let bin = Int(((PitchBins.cents(hertz: 440) - PitchBins.centre(0)) / 20).rounded())
        #expect(abs(PitchBins.hertz(cents: PitchBins.centre(bin)) / 440 - 1) < pow(2, 10.0 / 1200) - 1)
    }

    @Test func resamplingKeepsLengthAndTiming() {
        // An impulse at 0.5 s stays at 0.5 s after 44.1 kHz -> 16 kHz.
        var x = [Float](repeating: 0, count: 44100)
        x[22050] = 1
        let y = DetectorCorpus.resample(x, from: 44100, to: 16000)
        #expect(y.count == 16000)
        let peak = y.indices.max { abs(y[$0]) < abs(y[$1]) }!
        #expect(peak == 8000)
    }

    /// Onset targets line up with the energy rise in the features (a rendered click train).
    @Test func onsetTargetsMatchFeatureEnergy() throws {
        let dir = NSTemporaryDirectory() + "whittle-corpus-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Minimal dataset: one item, a "mix" stem with bursts at known times.
        let rate = 44100
        var audio = [Float](repeating: 0, count: rate * 3)
        let times = [0.5, 1.25, 2.0]
        var seed: UInt32 = 3
        for t in times {
            for n in 0..<2000 {
                seed = seed &* 1_664_525 &+ 1_013_904_223
                audio[Int(t * Double(rate)) + n] = Float(Int32(bitPattern: seed)) / Float(Int32.max) * exp(-Float(n) / 400)
            }
        }
        try writeWav(audio, rate: rate, path: dir + "/item-0000.mix.wav")
        try (times.map { String($0) }.joined(separator: "\n") + "\n").write(toFile: dir + "/item-0000.mix.onsets.txt", atomically: true, encoding: .utf8)
        try #"{"items":[{"name":"item-0000"}]}"#.write(toFile: dir + "/manifest.json", atomically: true, encoding: .utf8)
        let examples = try DetectorCorpus.load(directory: dir, stems: ["mix"], features: settings)
        #expect(examples.count == 1)
        let e = examples[0]
        #expect(e.onsets.count == e.features.count)
        let marked = e.onsets.indices.filter { e.onsets[$0] == 1 }
        #expect(marked.count == 3)
        let energy = e.features.map { $0.reduce(0, +) }
        for t in marked {
            // The frame dated at the onset sees it in its central part: the energy has risen by then.
            #expect(energy[t] > 4 * max(energy[max(0, t - 4)], 1e-3), "frame \(t)")
        }
    }

    /// Class stems load beside their drum stem, cut or padded to its frames; an item with some but
    /// not all three is an error naming the missing file; an item with none loads without them.
    @Test func drumClassStemsLoadAlignedOrNameWhatIsMissing() throws {
        let dir = NSTemporaryDirectory() + "whittle-classes-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rate = 16000
        let burst = (0..<rate).map { Float(sin(Double($0) * 0.3)) * ($0 % 4000 < 400 ? 0.5 : 0) }
        try writeWav(burst, rate: rate, path: dir + "/item-0000.drums.wav")
        try "0.0\n".write(toFile: dir + "/item-0000.drums.onsets.txt", atomically: true, encoding: .utf8)
        try #"{"items":[{"name":"item-0000"}]}"#.write(toFile: dir + "/manifest.json", atomically: true, encoding: .utf8)
        let plain = try LogMelExample.loadParallel(directories: [dir], stems: ["drums"], features: settings, drumClassStems: true)
        #expect(plain.count == 1 && plain[0].drumClasses.isEmpty)
        // KD: the burst, longer than the stem; SD silent and shorter; HH missing at first.
        try writeWav(burst + burst, rate: rate, path: dir + "/item-0000.drums-KD.wav")
        try writeWav([Float](repeating: 0, count: rate / 2), rate: rate, path: dir + "/item-0000.drums-SD.wav")
        #expect { try LogMelExample.loadParallel(directories: [dir], stems: ["drums"], features: settings, drumClassStems: true) }
            throws: { "\($0)".contains("item-0000.drums-HH.wav") && "\($0)".contains("2 of 3") }
        try writeWav([Float](repeating: 0, count: rate), rate: rate, path: dir + "/item-0000.drums-HH.wav")
        let e = try LogMelExample.loadParallel(directories: [dir], stems: ["drums"], features: settings, drumClassStems: true)[0]
        #expect(e.drumClasses.count == 3)
        #expect(e.drumClasses.allSatisfy { $0.frames == e.features.frames && $0.width == e.features.width })
        #expect(zip(e.drumClasses[0].values, e.features.values).allSatisfy { abs($0 - $1) < 1e-5 }, "KD is the stem")
        #expect(e.drumClasses[1].values.allSatisfy { $0 == 0 })
        // Without the option nothing extra loads.
        #expect(try LogMelExample.loadParallel(directories: [dir], stems: ["drums"], features: settings)[0].drumClasses.isEmpty)
    }

    /// With mixDrums, a mix gets its item's drum stem and class stems (the drum stem's own frames),
    /// and the drum stem's level in a summed mix from NAME.params.json (1 for a one-pass render);
    /// without it, or for other stems, nothing extra is attached.
    @Test func mixesLoadTheirDrumStemAndItsLevel() throws {
        let dir = NSTemporaryDirectory() + "whittle-mixdrums-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let rate = 16000
        let burst = (0..<rate).map { Float(sin(Double($0) * 0.3)) * ($0 % 4000 < 400 ? 0.5 : 0) }
        let tone = (0..<rate).map { Float(sin(Double($0) * 0.05)) * 0.2 }
        for item in ["item-0000", "item-0001"] {
            try writeWav(burst, rate: rate, path: "\(dir)/\(item).drums.wav")
            try writeWav(tone, rate: rate, path: "\(dir)/\(item).melody.wav")
            try writeWav(zip(tone, burst).map { $0 + 0.5 * $1 }, rate: rate, path: "\(dir)/\(item).mix.wav")
            for label in ["KD", "SD", "HH"] {
                try writeWav(label == "SD" ? burst : [Float](repeating: 0, count: rate), rate: rate, path: "\(dir)/\(item).drums-\(label).wav")
            }
            for stem in ["drums", "melody", "mix"] { try "0.0\n".write(toFile: "\(dir)/\(item).\(stem).onsets.txt", atomically: true, encoding: .utf8) }
        }
        // item-0001's mix was summed from stems, its drums at 0.5 and the sum scaled by 0.8.
        try #"{"chorus":false,"gain":0.5,"generatorVersion":1,"index":1,"mixGains":{"chords":0.3,"drums":0.5,"scale":0.8},"reverb":false,"sampleRate":16000,"seconds":1,"seed":1,"soundfontBytes":1,"soundfontPath":"x","timingModel":"fluidsynth-2.3-block64"}"#
            .write(toFile: dir + "/item-0001.params.json", atomically: true, encoding: .utf8)
        try #"{"items":[{"name":"item-0000"},{"name":"item-0001"}]}"#.write(toFile: dir + "/manifest.json", atomically: true, encoding: .utf8)
        let stems = ["mix", "melody", "drums"]
        let all = try LogMelExample.loadParallel(directories: [dir], stems: stems, features: settings, drumClassStems: true, mixDrums: true)
        #expect(all.map(\.name) == ["item-0000.mix", "item-0000.melody", "item-0000.drums", "item-0001.mix", "item-0001.melody", "item-0001.drums"])
        for (mix, drums) in [(all[0], all[2]), (all[3], all[5])] {
            #expect(mix.drumStem == drums.features, "\(mix.name) carries its own item's drum stem")
            #expect(mix.drumClasses == drums.drumClasses && mix.drumClasses.count == 3)
        }
        #expect(all[0].drumStemGain == 1 && abs(all[3].drumStemGain - 0.4) < 1e-6, "levels \(all[0].drumStemGain), \(all[3].drumStemGain)")
        #expect(all[1].drumStem == nil && all[1].drumClasses.isEmpty && all[2].drumStem == nil, "melody and drum stems get no drum stem")
        let plain = try LogMelExample.loadParallel(directories: [dir], stems: stems, features: settings, drumClassStems: true)
        #expect(plain[0].drumStem == nil && plain[0].drumClasses.isEmpty, "without mixDrums a mix keeps only itself")
        #expect(plain[2].drumClasses.count == 3)
    }

    func writeWav(_ x: [Float], rate: Int, path: String) throws {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(UInt32(36 + x.count * 4)); d.append(contentsOf: Array("WAVE".utf8))
        d.append(contentsOf: Array("fmt ".utf8)); u32(16); u16(3); u16(1); u32(UInt32(rate)); u32(UInt32(rate * 4)); u16(4); u16(32)
        d.append(contentsOf: Array("data".utf8)); u32(UInt32(x.count * 4))
        for v in x { withUnsafeBytes(of: v.bitPattern.littleEndian) { d.append(contentsOf: $0) } }
        try d.write(to: URL(fileURLWithPath: path))
    }
}
