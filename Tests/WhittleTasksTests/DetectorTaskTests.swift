import Foundation
import Testing
import WhittleDSP
import WhittleEval
import WhittleNN
import WhittleTrain
@testable import WhittleTasks

@Suite struct DetectorTaskTests {
    let mel = DetectorFrontEnd.logMel()

    func noise(_ n: Int, seed: UInt64) -> [Float] {
        var r = DetectorRandom(seed, 1)
        return (0..<n).map { _ in Float(r.uniform(-0.5, 0.5)) }
    }

    /// The gain shortcut equals features of the scaled audio (the mel magnitude is linear in level).
    @Test func gainShortcutMatchesScaledAudio() {
        let x = noise(16000, seed: 1)
        let e = FeatureExtractor(mel)
        defer { e.deallocate() }
        let base = e.featureMatrix(of: x), quiet = e.featureMatrix(of: x.map { $0 * 0.05 })
        var worst: Float = 0
        for (a, b) in zip(base.joined(), quiet.joined()) { worst = max(worst, abs(logMelAtGain(a, 0.05) - b)) }
        #expect(worst < 1e-3, "largest difference \(worst)")
    }

    /// Pitch crops are exactly the frames the streaming front end computes over the whole signal.
    @Test func pitchCropsEqualStreamingFrames() {
        let f = DetectorFrontEnd.frames(hop: 200)
        let audio = noise(16000, seed: 2)
        let e = PitchExample(name: "x", audio: audio, f0: [Double](repeating: 0, count: audio.count / 200), referenceTimes: [], referenceF0: [])
        let x = FeatureExtractor(f)
        defer { x.deallocate() }
        let full = x.featureMatrix(of: audio)
        for start in [0, 3, 40] {
            let crop = e.features(start..<(start + 5), settings: f)
            #expect(crop == Array(full[start..<(start + 5)].joined()), "crop at \(start)")
        }
    }

    /// A pitch crop with an equaliser is the streaming front end over the equalised audio.
    @Test func pitchCropsHearTheEqualiser() {
        let f = DetectorFrontEnd.frames(hop: 200)
        let audio = noise(16000, seed: 5)
        let e = PitchExample(name: "x", audio: audio, f0: [Double](repeating: 0, count: audio.count / 200), referenceTimes: [], referenceF0: [])
        let eq = AudioEqualiser(tiltDB: 6, bellDB: -6, bellHz: 800, bellQ: 1, sampleRate: 16000)
        let x = FeatureExtractor(f)
        defer { x.deallocate() }
        let start = 30, warm = (f.frameLength + 199) / 200
        var slice = Array(audio[((start - warm) * 200)..<((start + 5) * 200)])
        eq.apply(&slice)
        let expected = Array(x.featureMatrix(of: slice).dropFirst(warm).joined())
        #expect(e.features(start..<(start + 5), settings: f, extractor: x, equaliser: eq) == expected)
        #expect(e.features(start..<(start + 5), settings: f, extractor: x) != expected)
    }

    /// With a target delay d, pitch output t must name frame t − d's f0: the validation targets are
    /// shifted, and outputs that do so score RPA 1 under delay d (but not under delay 0).
    @Test func pitchTargetsFollowTheDelay() throws {
        let f = DetectorFrontEnd.frames(hop: 200)
        let frames = 40
        let f0 = (0..<frames).map { $0 < 5 ? 0 : 110 * pow(2, Double($0) / 12) }   // a new semitone every frame
        let e = PitchExample(name: "x", audio: noise(frames * 200, seed: 4), f0: f0, referenceTimes: [], referenceF0: [])
        let graph = try ModelGraph.parse(json: #"{"inputs":[{"name":"frame","shape":[1024,1]}],"outputs":["pitch"],"nodes":[{"name":"flat","op":"flatten","inputs":["frame"]},{"name":"pitch","op":"dense","inputs":["flat"],"units":360,"activation":"sigmoid"}]}"#)
        func task(delay: Int) throws -> PitchTask {
            var o = DetectorTaskOptions()
            o.targetDelay = delay
            return try PitchTask(graph: graph, features: f, training: [e], validation: [e], options: o)
        }
        let delayed = try task(delay: 2), plain = try task(delay: 0)
        let y = try #require(delayed.validationBatches().first?.targets["pitch"])
        for t in 0..<frames {
            let row = Array(y.values[(t * PitchBins.count)..<((t + 1) * PitchBins.count)])
            #expect(row == PitchBins.target(hz: t >= 2 ? f0[t - 2] : 0), "frame \(t)")
        }
        let outputs = [["pitch": y]], batches = try delayed.validationBatches()
        #expect(delayed.counts(outputs: outputs, batches: batches, threshold: 0.5).score.rawPitchAccuracy == 1)
        #expect(plain.counts(outputs: outputs, batches: batches, threshold: 0.5).score.rawPitchAccuracy < 0.1)
    }

    /// The decoder dates events as the engine does: frame centre plus the offset, and one frame of look-ahead.
    @Test func eventDecodingDatesPeaks() {
        var p = [Float](repeating: 0.05, count: 100)
        p[20] = 0.9; p[21] = 0.6; p[50] = 0.4; p[80] = 0.7
        let clock = FrameClock(mel)
        let d = EventDecoding(threshold: 0.5, preMax: 3, combine: 3, timeOffset: -160)
        #expect(d.peakFrames(p) == [20, 80])
        let t = d.times(p, clock: clock)
        #expect(abs(t[0] - (clock.time(ofFrame: 20) - 0.01)) < 1e-12)
        let best = d.bestThreshold([(p, [t[0], clock.time(ofFrame: 50) - 0.01, t[1]])], clock: clock)
        #expect(best.threshold <= 0.4 && best.score.fMeasure == 1)
    }

    /// With an F tolerance the operating point moves to the lowest threshold on the flat top of the curve.
    @Test func operatingPointTolerance() {
        func s(_ m: Int, _ e: Int) -> OnsetScore { OnsetScore(matches: m, referenceCount: 100, estimateCount: e) }
        // F: 0.80 at 0.1, 0.94 at 0.2, 0.96 at 0.3, 0.95 at 0.4, 0.90 at 0.5.
        let curve: [(Float, OnsetScore)] = [(0.1, s(100, 150)), (0.2, s(94, 100)), (0.3, s(96, 100)), (0.4, s(95, 100)), (0.5, s(90, 100))]
        #expect(EventDecoding.operatingPoint(curve, fTolerance: 0)?.threshold == 0.3)
        #expect(EventDecoding.operatingPoint(curve, fTolerance: 0.015)?.threshold == 0.3)
        #expect(EventDecoding.operatingPoint(curve, fTolerance: 0.025)?.threshold == 0.2)
        #expect(EventDecoding.operatingPoint(curve, fTolerance: 0.5)?.threshold == 0.1)
        #expect(EventDecoding.operatingPoint([], fTolerance: 0) == nil)
    }

    /// Crops: shapes, targets shifted by the delay, gains applied, reproducible from the seed.
    @Test func eventTaskCrops() throws {
        let frames = 300
        var rows = [[Float]](repeating: [Float](repeating: 1, count: 64), count: frames)
        for t in 0..<frames { rows[t][0] = Float(t) }
        var onsets = [Float](repeating: 0, count: frames)
        for t in stride(from: 10, to: frames, by: 37) { onsets[t] = 1 }
        let ex = LogMelExample(DetectorExample(name: "a", features: rows, onsets: onsets, drums: rows.map { _ in [0, 0, 0] }, f0: [],
                                               onsetTimes: [], drumTimes: [[], [], []]), width: 64)
        let graph = try ModelGraph.parse(json: String(contentsOfFile: Self.graphPath("onset-dense.json"), encoding: .utf8))
        var o = DetectorTaskOptions()
        o.cropFrames = 50; o.cropsPerEpoch = 8; o.targetDelay = 2
        let task = try EventTask(kind: .onset, graph: graph, features: mel, training: [ex], validation: [ex], options: o)
        let b = try task.trainingBatches(epoch: 1, seed: 3)
        #expect(b.count == 1)
        let x = b[0].inputs["mel"]!, y = b[0].targets["onset"]!
        #expect(x.shape == [8, 50, 64, 1] && y.shape == [8, 50, 1])
        #expect(b == (try task.trainingBatches(epoch: 1, seed: 3)))
        #expect(b != (try task.trainingBatches(epoch: 2, seed: 3)))
        for s in 0..<8 {
            // Recover the crop start from band 1 (value 1 at gain g) and band 0 (the frame index at gain g).
            let g = expm1(Double(x.values[s * 50 * 64 + 1])) / expm1(1)
            let start = Int(log1p(expm1(Double(x.values[s * 50 * 64])) / g).rounded())
            #expect(g > 0.03 && g < 2.1, "gain \(g)")
            for t in 0..<50 {
                let src = start + t - 2
                #expect(y.values[s * 50 + t] == (src >= 0 ? onsets[src] : 0), "crop \(s) frame \(t)")
            }
        }
    }

    /// --eq-db: every crop gets its own smooth per-band gain curve within the stated range around its
    /// level, the same in every frame of the crop; at 0 dB every band gets the crop's level.
    @Test(arguments: [0.0, 6.0])
    func equaliserIsSmoothBoundedAndPerCrop(eqDB: Double) throws {
        let frames = 300, bands = 64
        let rows = [[Float]](repeating: [Float](repeating: 1, count: bands), count: frames)
        let ex = LogMelExample(DetectorExample(name: "a", features: rows, onsets: [Float](repeating: 0, count: frames),
                                               drums: rows.map { _ in [0, 0, 0] }, f0: [], onsetTimes: [], drumTimes: [[], [], []]),
                               width: bands)
        let graph = try ModelGraph.parse(json: String(contentsOfFile: Self.graphPath("onset-dense.json"), encoding: .utf8))
        var o = DetectorTaskOptions()
        o.cropFrames = 20; o.cropsPerEpoch = 16; o.eqDB = eqDB
        let task = try EventTask(kind: .onset, graph: graph, features: mel, training: [ex], validation: [ex], options: o)
        let x = try task.trainingBatches(epoch: 1, seed: 5)[0].inputs["mel"]!.values
        var curves: [[Double]] = []
        for s in 0..<16 {
            // Per band, gain in dB relative to the crop's mean: value 1 at gain g reads log1p(g·(e − 1)).
            let dB = (0..<bands).map { 20 * log10(expm1(Double(x[s * 20 * bands + $0])) / expm1(1)) }
            for t in 1..<20 {
                for b in 0..<bands { #expect(abs(Double(x[(s * 20 + t) * bands + b]) - Double(x[s * 20 * bands + b])) < 1e-6) }
            }
            let mean = dB.reduce(0, +) / Double(bands)
            curves.append(dB.map { $0 - mean })
        }
        let spread = curves.map { c in c.max()! - c.min()! }
        let steps = curves.map { c in (1..<bands).map { abs(c[$0] - c[$0 - 1]) }.max()! }
        if eqDB == 0 {
            #expect(spread.max()! < 1e-3)
        } else {
            // Tilt ±d over the bands and a bell ±d: at most 3d apart; some crops visibly equalised;
            // neighbouring bands close (the narrowest bell spans bands/16).
            #expect(spread.max()! <= 3 * eqDB + 1e-3)
            #expect(spread.filter { $0 > 2 }.count >= 8, "spreads \(spread)")
            #expect(steps.max()! < eqDB, "largest step between neighbouring bands \(steps.max()!) dB")
            #expect(Set(curves.map { $0.map { ($0 * 100).rounded() } }).count == 16, "each crop has its own curve")
        }
    }

    /// --band-shift: each crop is its source moved by a whole number of bands within ± the option
    /// (edge bands repeated), the same shift in every frame, shifts differing between crops; at 0
    /// the crops are the source bands untouched.
    @Test(arguments: [0, 3])
    func bandShiftMovesWholeCrops(shift: Int) throws {
        let frames = 300, bands = 64
        // Band b of every frame holds b + 1 (log-mel values; gain off below so they stay exact).
        let rows = [[Float]](repeating: (0..<bands).map { Float($0 + 1) }, count: frames)
        let ex = LogMelExample(DetectorExample(name: "a", features: rows, onsets: [Float](repeating: 0, count: frames),
                                               drums: rows.map { _ in [0, 0, 0] }, f0: [], onsetTimes: [], drumTimes: [[], [], []]),
                               width: bands)
        let graph = try ModelGraph.parse(json: String(contentsOfFile: Self.graphPath("onset-dense.json"), encoding: .utf8))
        var o = DetectorTaskOptions()
        o.cropFrames = 10; o.cropsPerEpoch = 32; o.gainRangeDB = 0...0; o.bandShift = shift
        let task = try EventTask(kind: .onset, graph: graph, features: mel, training: [ex], validation: [ex], options: o)
        let x = try task.trainingBatches(epoch: 1, seed: 9)[0].inputs["mel"]!.values
        var seen = Set<Int>()
        for s in 0..<32 {
            let base = s * 10 * bands
            // The band that holds value 33 (source band 32) tells the shift.
            let k = (0..<bands).first { abs(x[base + $0] - 33) < 1e-4 }!
            let d = k - 32
            seen.insert(d)
            #expect(abs(d) <= shift, "crop \(s) moved \(d) bands")
            for t in 0..<10 {
                for b in 0..<bands {
                    let want = Float(min(max(b - d, 0), bands - 1) + 1)
                    #expect(abs(x[base + t * bands + b] - want) < 1e-4, "crop \(s) frame \(t) band \(b)")
                }
            }
        }
        #expect(seen.count == (shift == 0 ? 1 : 2 * shift + 1), "shifts seen \(seen.sorted())")
    }

    /// --drum-timbre-db: a drum stem with class stems is rebuilt as the sum of its classes, each under
    /// its own smooth gain curve (the same in every frame of a crop) within ± 1.5 × the option; the
    /// targets stay; at a vanishing range the rebuilt crop is the drum stem itself (the classes add up);
    /// a stem without class stems is untouched and draws nothing.
    @Test func drumTimbreRebuildsDrumStemsFromTheirClasses() throws {
        let frames = 300, bands = 64
        // Drum stem: value 1 in every band; KD carries bands 0..<20, SD 20..<40, HH 40..<64.
        let rows = [[Float]](repeating: [Float](repeating: 1, count: bands), count: frames)
        var onsets = [Float](repeating: 0, count: frames)
        for t in stride(from: 7, to: frames, by: 23) { onsets[t] = 1 }
        var drums = LogMelExample(DetectorExample(name: "d", features: rows, onsets: onsets, drums: rows.map { _ in [0, 0, 0] }, f0: [],
                                                  onsetTimes: [], drumTimes: [[], [], []]), width: bands)
        let plain = drums
        drums.drumClasses = [0..<20, 20..<40, 40..<64].map { r in
            FeatureMatrix(frames: frames, width: bands, values: (0..<(frames * bands)).map { r.contains($0 % bands) ? 1 : 0 })
        }
        let graph = try ModelGraph.parse(json: String(contentsOfFile: Self.graphPath("onset-dense.json"), encoding: .utf8))
        func batch(_ e: LogMelExample, db: Double) throws -> Batch {
            var o = DetectorTaskOptions()
            o.cropFrames = 20; o.cropsPerEpoch = 16; o.gainRangeDB = 0...0; o.drumTimbreDB = db
            return try EventTask(kind: .onset, graph: graph, features: mel, training: [e], validation: [e], options: o)
                .trainingBatches(epoch: 1, seed: 5)[0]
        }
        let off = try batch(plain, db: 0), timbred = try batch(drums, db: 6)
        #expect(try batch(plain, db: 6) == off, "a stem without class stems is untouched")
        #expect(timbred.targets == off.targets)
        let x = timbred.inputs["mel"]!.values
        var classSpread: [Double] = []
        for s in 0..<16 {
            let dB = (0..<bands).map { 20 * log10(expm1(Double(x[s * 20 * bands + $0])) / expm1(1)) }
            for t in 1..<20 {
                for b in 0..<bands { #expect(abs(x[(s * 20 + t) * bands + b] - x[s * 20 * bands + b]) < 1e-5) }
            }
            #expect(dB.allSatisfy { abs($0) <= 1.5 * 6 + 1e-3 }, "crop \(s): \(dB)")
            // Each class its own curve: the gain jumps where one class's bands end and the next
            // begin, by more than it steps anywhere inside a class (one curve for the whole crop would not).
            var inside = 0.0
            for b in 1..<bands where b != 20 && b != 40 { inside = max(inside, abs(dB[b] - dB[b - 1])) }
            let boundary: Double = max(abs(dB[20] - dB[19]), abs(dB[40] - dB[39]))
            classSpread.append(boundary - inside)
        }
        #expect(classSpread.filter { $0 > 0.5 }.count >= 12, "boundary jumps over inner steps \(classSpread)")
        // Classes that each hold a third of the stem add back up to it.
        var thirds = plain
        thirds.drumClasses = (0..<3).map { _ in FeatureMatrix(frames: frames, width: bands,
                                                             values: [Float](repeating: Float(log1p(expm1(1.0) / 3)), count: frames * bands)) }
        let summed = try batch(thirds, db: 1e-6).inputs["mel"]!.values
        #expect(zip(summed, off.inputs["mel"]!.values).allSatisfy { abs($0 - $1) < 1e-4 })
    }

    /// --drum-timbre-mixes: a mix loaded with its drum stem keeps what is not drums and gets its drums
    /// rebuilt from the classes at their level in the mix: bands the drums never reach are the mix's
    /// own, the drum bands change, and at a vanishing range the crop is the mix again (also for a
    /// summed mix whose drums sit at another level); a mix without its drum stem is untouched.
    @Test(arguments: [Float(1), 0.4])
    func drumTimbreInMixesRebuildsOnlyTheDrums(drumLevel: Float) throws {
        let frames = 300, bands = 64
        // Melody magnitude 2 in bands 0..<32; drums magnitude 3 in bands 16..<64 (each class a third).
        let melody = (0..<bands).map { $0 < 32 ? Float(2) : 0 }, drums = (0..<bands).map { $0 >= 16 ? Float(3) : 0 }
        let mixRow = (0..<bands).map { Float(log1p(Double(melody[$0] + drumLevel * drums[$0]))) }
        let rows = [[Float]](repeating: mixRow, count: frames)
        let mix = LogMelExample(DetectorExample(name: "m", features: rows, onsets: [Float](repeating: 0, count: frames),
                                                drums: rows.map { _ in [0, 0, 0] }, f0: [], onsetTimes: [], drumTimes: [[], [], []]), width: bands)
        var loaded = mix
        loaded.drumStem = FeatureMatrix(frames: frames, width: bands, values: (0..<(frames * bands)).map { Float(log1p(Double(drums[$0 % bands]))) })
        loaded.drumStemGain = drumLevel
        loaded.drumClasses = (0..<3).map { _ in
            FeatureMatrix(frames: frames, width: bands, values: (0..<(frames * bands)).map { Float(log1p(Double(drums[$0 % bands] / 3))) })
        }
        let graph = try ModelGraph.parse(json: String(contentsOfFile: Self.graphPath("onset-dense.json"), encoding: .utf8))
        func crops(_ e: LogMelExample, db: Double) throws -> [Float] {
            var o = DetectorTaskOptions()
            o.cropFrames = 20; o.cropsPerEpoch = 16; o.gainRangeDB = 0...0; o.drumTimbreDB = db
            return try EventTask(kind: .onset, graph: graph, features: mel, training: [e], validation: [e], options: o)
                .trainingBatches(epoch: 1, seed: 5)[0].inputs["mel"]!.values
        }
        let off = try crops(mix, db: 0)
        #expect(try crops(mix, db: 12) == off, "a mix without its drum stem is untouched")
        let same = try crops(loaded, db: 1e-6)
        #expect(zip(same, off).allSatisfy { abs($0 - $1) < 1e-4 }, "at a vanishing range the rebuilt mix is the mix")
        let x = try crops(loaded, db: 12)
        var changed = 0
        for (k, v) in x.enumerated() {
            let b = k % bands
            if b < 16 { #expect(abs(v - off[k]) < 1e-5, "band \(b) holds no drums") }
            if b >= 32 {
                // Drums alone: their level in the mix times the class draws (level ± 6, tilt ± 6, bell ± 12 dB).
                let dB = 20 * log10(expm1(Double(v)) / Double(drumLevel * 3))
                #expect(dB > -24.001 && dB < 24.001, "band \(b): \(dB) dB")
                if abs(v - off[k]) > 0.05 { changed += 1 }
            }
        }
        #expect(changed > x.count / bands * 32 / 2, "drum bands changed in \(changed) values")
    }

    /// --drum-decay: each class rings on, every band fed back at one random rate per class and crop
    /// within 0...the option; off, a class sounds only where its stem does.
    @Test(arguments: [0.0, 0.8])
    func drumDecayRingsEachClassAtOneRate(decay: Double) throws {
        let frames = 300, bands = 64
        let rows = [[Float]](repeating: [Float](repeating: 1, count: bands), count: frames)
        var e = LogMelExample(DetectorExample(name: "d", features: rows, onsets: [Float](repeating: 0, count: frames),
                                              drums: rows.map { _ in [0, 0, 0] }, f0: [], onsetTimes: [], drumTimes: [[], [], []]), width: bands)
        // KD: a hit every 10 frames in bands 0..<20; SD and HH silent.
        let kd = (0..<(frames * bands)).map { ($0 / bands) % 10 == 0 && $0 % bands < 20 ? Float(log1p(100.0)) : 0 }
        e.drumClasses = [FeatureMatrix(frames: frames, width: bands, values: kd)]
            + (0..<2).map { _ in FeatureMatrix(frames: frames, width: bands, values: [Float](repeating: 0, count: frames * bands)) }
        let graph = try ModelGraph.parse(json: String(contentsOfFile: Self.graphPath("onset-dense.json"), encoding: .utf8))
        var o = DetectorTaskOptions()
        o.cropFrames = 20; o.cropsPerEpoch = 16; o.gainRangeDB = 0...0; o.drumTimbreDB = 1e-6; o.drumDecay = decay
        let x = try EventTask(kind: .onset, graph: graph, features: mel, training: [e], validation: [e], options: o)
            .trainingBatches(epoch: 1, seed: 5)[0].inputs["mel"]!.values.map { expm1(Double($0)) }
        var rates = Set<Int>()
        for s in 0..<16 {
            let crop = Array(x[(s * 20 * bands)..<((s + 1) * 20 * bands)])
            #expect(crop.enumerated().allSatisfy { $0.offset % bands < 20 || $0.element == 0 }, "only KD's bands sound")
            // Between hits a band falls by the same factor every frame, in every band of the class.
            var ratios: [Double] = []
            for t in 1..<20 {
                for b in 0..<20 where crop[(t - 1) * bands + b] > 1e-3 && crop[t * bands + b] < crop[(t - 1) * bands + b] {
                    ratios.append(crop[t * bands + b] / crop[(t - 1) * bands + b])
                }
            }
            if decay == 0 {
                #expect(crop.allSatisfy { $0 == 0 || abs($0 - 100) < 0.01 }, "no ring when off")
            } else if let r = ratios.first {
                #expect(ratios.allSatisfy { abs($0 - r) < 1e-3 }, "crop \(s): one rate, got \(ratios.min()!)...\(ratios.max()!)")
                #expect(r <= decay + 1e-3)
                rates.insert(Int(r * 1000))
            }
        }
        if decay > 0 { #expect(rates.count >= 8, "rates \(rates.sorted())") }
    }

    /// Folding per-class thresholds into the output bias: p' ≥ 0.5 exactly where p ≥ θ.
    @Test func foldedThresholdsActAtOneHalf() throws {
        let graph = try ModelGraph.parse(json: #"{"inputs":[{"name":"x","shape":[4]}],"outputs":["y"],"nodes":[{"name":"y","op":"dense","inputs":["x"],"units":3,"activation":"sigmoid"}]}"#)
        let model = try WhittleTrain.initialize(graph, seed: 1)
        var folded = model
        let thresholds: [Float] = [0.2, 0.5, 0.8]
        try DetectorCalibration.foldThresholds(&folded, thresholds: thresholds)
        let a = try model.build(), b = try folded.build()
        var r = DetectorRandom(9, 9)
        var checked = 0
        for _ in 0..<400 {
            for k in 0..<4 { let v = Float(r.uniform(-3, 3)); a.inputs[0].buffer[k] = v; b.inputs[0].buffer[k] = v }
            a.process(); b.process()
            for c in 0..<3 {
                let p = a.outputs[0].buffer[c], q = b.outputs[0].buffer[c]
                if abs(p - thresholds[c]) > 1e-3 { #expect((p >= thresholds[c]) == (q >= 0.5)); checked += 1 }
            }
        }
        #expect(checked > 1000)
    }

    static func graphPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Models/graphs/\(name)").path
    }
}
