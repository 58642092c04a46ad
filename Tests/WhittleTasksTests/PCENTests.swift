import Foundation
import Testing
import WhittleDSP
import WhittleNN
import WhittleProcessors
import WhittleTrain
@testable import WhittleTasks

/// Per-channel energy normalisation of the log-mel front end (`whittle train --pcen T`): what it
/// does to a held chord and to hits, that training crops are what the engine hears from a stream's
/// start, and that the model file carries it to `whittle eval` and to the engine.
@Suite struct PCENTests {
    let plain = DetectorTasks.features("drums", logMel: LogMelChoice(sampleRate: 22050, bands: 80))
    var normalised: FeatureSettings { var f = plain; f.pcen = PCENSettings(timeConstant: 0.4); return f }

    /// 3 s at 22.05 kHz: a held 220 + 330 Hz chord with a noise burst (2 ms attack, 40 ms decay)
    /// every 0.5 s at a tenth of its level, all times `gain`.
    func chordWithHits(gain: Float) -> (signal: [Float], hits: [Double]) {
        let rate = 22050.0, hits = Array(stride(from: 0.55, to: 2.9, by: 0.5))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15   // a fixed noise draw: the same signal every run
        func uniform() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 2 - 1
        }
        var noise = [Float](repeating: 0, count: Int(3 * rate))
        for h in hits {
            for n in 0..<Int(0.15 * rate) {
                let t = Double(n) / rate
                let envelope = (t < 0.002 ? t / 0.002 : 1) * exp(-t / 0.04)
                noise[Int(h * rate) + n] = Float(0.05 * envelope) * uniform()
            }
        }
        let x = (0..<noise.count).map { n -> Float in
            let t = Double(n) / rate
            return gain * (Float(0.25 * sin(2 * .pi * 220 * t) + 0.25 * sin(2 * .pi * 330 * t)) + noise[n])
        }
        return (x, hits)
    }

    func features(_ f: FeatureSettings, _ x: [Float]) -> [[Float]] {
        let e = FeatureExtractor(f)
        defer { e.deallocate() }
        return e.featureMatrix(of: x)
    }

    /// Level drops out (+18 dB moves plain log-mel by about 2 and PCEN by a few hundredths), the held
    /// chord flattens to PCEN's floor, and each hit stands out of it in the chord's own bands.
    @Test func levelDropsOutAndHitsStandOut() {
        let quiet = chordWithHits(gain: 0.125), loud = chordWithHits(gain: 1)
        let pq = features(normalised, quiet.signal), pl = features(normalised, loud.signal)
        let lq = features(plain, quiet.signal), ll = features(plain, loud.signal)
        let chordBand = (0..<80).max { ll[100][$0] < ll[100][$1] }!   // the loudest band at 1 s: a chord tone
        var pcenDiff: Float = 0, plainDiff: Float = 0
        for t in 100..<pl.count { pcenDiff = max(pcenDiff, abs(pl[t][chordBand] - pq[t][chordBand])) }
        for t in 100..<ll.count { plainDiff = max(plainDiff, abs(ll[t][chordBand] - lq[t][chordBand])) }
        #expect(plainDiff > 1.5, "plain log-mel moves with the level: \(plainDiff)")
        #expect(pcenDiff < 0.1, "PCEN does not: \(pcenDiff)")
        // Held chord between hits: E ≈ M, so (1 + δ)^r − δ^r = 0.318 (α 0.98 leaves M^0.02 of level).
        let held = pl[245][chordBand]   // 2.45 s, before the hit at 2.55 s
        #expect(abs(held - 0.318) < 0.12, "held chord \(held), at 0.1 s \(pl[10][chordBand])")
        // A hit adds a tenth of the chord's level under it and much more above it: its top bands
        // rise far above their floor, its frames above the chord's too.
        let clock = FrameClock(normalised)
        for h in loud.hits.dropFirst() {
            let frame = clock.frame(at: h + 0.01)
            let high = (60..<80).map { pl[frame][$0] }.max()!
            let before = (60..<80).map { pl[frame - 8][$0] }.max()!
            #expect(high > before + 1, "hit at \(h) s: top bands \(high) against \(before) before it")
        }
    }

    /// A band that overflows to infinity for one frame leaves no trace a few smoothing constants
    /// later: the smoother starts again instead of staying at inf or NaN.
    @Test func anOverflowingFrameDoesNotPoisonTheBand() {
        let p = PCEN(PCENSettings(timeConstant: 0.1, floor: 100), bands: 2, hopSeconds: 0.01)
        defer { p.deallocate() }
        p.reset()
        let frame = UnsafeMutablePointer<Float>.allocate(capacity: 2)
        defer { frame.deallocate() }
        var last: (Float, Float) = (0, 0)
        for t in 0..<200 {
            frame[0] = t == 50 ? .infinity : 8; frame[1] = 8
            p.apply(frame)
            last = (frame[0], frame[1])
        }
        #expect(last.0.isFinite && abs(last.0 - last.1) < 1e-3, "band 0 after the overflow: \(last.0), its twin \(last.1)")
    }

    /// A training crop (no augmentation) is the stream the engine hears from its start, and so is
    /// a training stem given to calibration (`heard`); the stems themselves stay plain log-mel.
    /// Stacked (`--pcen-stack`), each band's plain value comes first, its normalised one second.
    @Test(arguments: [false, true]) func trainingCropsAreWhatTheEngineHears(stack: Bool) throws {
        let x = chordWithHits(gain: 0.5).signal
        var normalised = self.normalised
        normalised.pcen!.stack = stack
        let raw = features(plain, x), heard = features(normalised, x)
        #expect(normalised.count == (stack ? 160 : 80) && heard[0].count == normalised.count)
        if stack {
            #expect(zip(raw, heard).allSatisfy { r, h in (0..<80).allSatisfy { r[$0] == h[2 * $0] } })
            #expect(zip(features(self.normalised, x), heard).allSatisfy { n, h in (0..<80).allSatisfy { n[$0] == h[2 * $0 + 1] } })
        }
        let frames = raw.count
        let ex = LogMelExample(DetectorExample(name: "a", features: raw, onsets: [Float](repeating: 0, count: frames),
                                               drums: raw.map { _ in [0, 0, 0] }, f0: [], onsetTimes: [], drumTimes: [[], [], []]), width: 80)
        let channels = stack ? 2 : 1
        let graph = try ModelGraph.parse(json: #"{"inputs":[{"name":"mel","shape":[80,"# + "\(channels)" + #"]}],"outputs":["drums"],"nodes":[{"name":"flat","op":"flatten","inputs":["mel"]},{"name":"drums","op":"dense","inputs":["flat"],"units":3,"activation":"sigmoid"}]}"#)
        var o = DetectorTaskOptions()
        o.cropFrames = frames; o.cropsPerEpoch = 2; o.gainRangeDB = 0...0
        let task = try EventTask(kind: .drums, graph: graph, features: normalised, training: [ex], validation: [ex], options: o)
        let values = try task.trainingBatches(epoch: 0, seed: 1)[0].inputs["mel"]!.values
        let expected = heard.flatMap { $0 }
        #expect(values.count == 2 * expected.count)
        var worst: Float = 0
        for (i, v) in values.enumerated() { worst = max(worst, abs(v - expected[i % expected.count])) }
        #expect(worst < 1e-4, "crop against the engine's frames: \(worst)")
        let stem = task.heard(ex).features.values
        #expect(zip(stem, expected).allSatisfy { abs($0 - $1) < 1e-4 })
        #expect(ex.features.values == raw.flatMap { $0 })
        // Without PCEN the crop is the plain frames.
        guard !stack else { return }
        let plainTask = try EventTask(kind: .drums, graph: graph, features: plain, training: [ex], validation: [ex], options: o)
        let plainValues = try plainTask.trainingBatches(epoch: 0, seed: 1)[0].inputs["mel"]!.values
        #expect(zip(plainValues, raw.flatMap { $0 }).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    /// The model file says PCEN and its constants; `whittle eval` and the engine read them back;
    /// a file without it is plain log-mel; a bad constant is refused, naming the field.
    @Test func theFileCarriesItToEvalAndTheEngine() throws {
        let dir = NSTemporaryDirectory() + "whittle-pcen-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let graph = try ModelGraph.parse(json: #"{"inputs":[{"name":"mel","shape":[80,1]}],"outputs":["drums"],"nodes":[{"name":"flat","op":"flatten","inputs":["mel"]},{"name":"drums","op":"dense","inputs":["flat"],"units":3,"activation":"sigmoid"}]}"#)
        func write(_ f: FeatureSettings, edit: (inout [String: String]) -> Void = { _ in }) throws -> String {
            var file = ModelFile(graph: graph, tensors: ["drums.weight": TensorData(shape: [3, 80], values: [Float](repeating: 0.01, count: 240)),
                                                         "drums.bias": TensorData(shape: [3], values: [0, 0, 0])], metadata: [:])
            for (k, v) in DetectorTasks.metadata(task: "drums", features: f, decoding: EventDecoding(threshold: 0.5, preMax: 3, combine: 3, timeOffset: 0)) {
                file.metadata[k] = v
            }
            edit(&file.metadata)
            let path = dir + "/m\(UUID().uuidString.prefix(6)).safetensors"
            try file.write(path: path)
            return path
        }
        var custom = normalised
        custom.pcen = PCENSettings(timeConstant: 0.25, alpha: 0.9, delta: 1.5, root: 0.4, floor: 1e-5)
        var stacked = normalised
        stacked.pcen!.stack = true
        for f in [plain, normalised, custom, stacked] {
            let path = try write(f)
            #expect(try DetectorEvaluation(ModelFile.read(path: path)).features == f)
            #expect(try NeuralDetectorSettings(metadata: Model.load(path: path).metadata, path: path).features == f)
        }
        #expect(!(try ModelFile.read(path: write(plain))).metadata["features"]!.contains("pcen"))
        let bad = try write(normalised) { $0["features"] = $0["features"]!.replacingOccurrences(of: "\"alpha\":0.98", with: "\"alpha\":2") }
        #expect { try NeuralDetectorSettings(metadata: Model.load(path: bad).metadata, path: bad) }
            throws: { "\($0)".contains("pcen.alpha") && "\($0)".contains(bad) }
        #expect { try DetectorEvaluation(ModelFile.read(path: bad)) } throws: { "\($0)".contains("pcen.alpha") }
    }
}
