// Options and steps `whittle train` and `whittle trim` add for the detector tasks (onset, drums,
// pitch): where the rendered data is, how it is cropped, and the metadata and calibration a
// trained detector needs before the engine can run it.

import ArgumentParser
import WhittleDSP
import Foundation
import WhittleNN
import WhittleTasks
import WhittleTrain

struct DetectorTrainOptions: ParsableArguments {
    @Option(help: "Detector tasks: training data, directories written by `whittle data` (comma-separated).") var data: String?
    @Option(help: "Detector tasks: validation data directories (comma-separated).") var valid: String?
    @Option(help: "Detector tasks: hop in samples at the feature rate (default 10 ms: 160 at 16 kHz; pitch 160...256).") var hop: Int?
    @Option(name: .customLong("frame-size"), help: "Detector tasks: STFT size (onset, drums; default 1024) or raw frame size (pitch; 1024).") var frameSize: Int?
    @Option(name: .customLong("feature-rate"), help: "Onset/drums: rate of the log-mel front end in Hz (default 16000; e.g. 22050 keeps the band up to 11 kHz).") var featureRate: Int?
    @Option(help: "Onset/drums: log-mel bands (default 64; the graph's input must take as many).") var bands: Int?
    @Option(help: "Onset/drums: upper edge of the top mel band in Hz (default half the feature rate).") var fmax: Double?
    @Option(help: "Detector tasks: random crops per epoch.") var crops: Int = 256
    @Option(name: .customLong("crop-frames"), help: "Detector tasks: frames per crop.") var cropFrames: Int = 200
    @Option(name: .customLong("target-delay"), help: "Frames of audio after an event (onset, drums; default 1) or a pitch frame (pitch; default 0) the model may see before answering.") var targetDelay: Int?
    @Option(name: .customLong("positive-weight"), help: "BCE weight of event frames (onset, drums) or of the blurred pitch bins (pitch; 1 = CREPE's loss).") var positiveWeight: Float = 2
    @Option(name: .customLong("mix-probability"), help: "Onset/drums: share of crops summed with a second crop (another stem, own gain).") var mixProbability: Double = 0
    @Option(name: .customLong("eq-db"), help: "Random equaliser per crop (tilt + one bell), up to ± this many dB (0: off; pitch: on the audio).") var eqDB: Double = 0
    @Option(name: .customLong("band-shift"), help: "Onset/drums: move each crop by a random number of mel bands up to ± this many (0: off), like pitching its sounds.") var bandShift: Int = 0
    @Option(name: .customLong("drum-timbre-db"), help: "Onset/drums: rebuild drum stems from their class stems (`whittle data --drum-class-stems`), each of KD, SD, HH under its own random equaliser up to ± this many dB and level ± half of it (0: off).") var drumTimbreDB: Double = 0
    @Option(name: .customLong("drum-decay"), help: "With --drum-timbre-db: each class also rings longer, fed back frame to frame at a random rate up to this (0...0.9; 0: off).") var drumDecay: Double = 0
    @Flag(name: .customLong("drum-timbre-mixes"), help: "With --drum-timbre-db: rebuild the drums inside mixes too (the mix less its drum stem, plus the reshaped classes), not only the drum stems.") var drumTimbreMixes = false
    @Option(help: "Onset/drums: per-channel energy normalisation (PCEN) after the log-mel: T[:ALPHA:DELTA:ROOT:FLOOR], smoothing over T seconds (e.g. 0.4; defaults 0.98:2:0.5:1e-6, FLOOR in units of the compressed mel energy). Written into the model's front end.") var pcen: String?
    @Flag(name: .customLong("pcen-stack"), help: "With --pcen: keep the plain log-mel beside it, two values per band (the graph takes [bands, 2]).") var pcenStack = false
    @Option(name: .customLong("data-items"), help: "Detector tasks: only items FIRST..<END of each training directory (e.g. 0..<20).") var dataItems: String?

    /// Every option at its default (parsed from no arguments).
    static var defaults: DetectorTrainOptions { (try? parse([]))! }

    static func list(_ s: String?) -> [String] { (s ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty } }

    func taskOptions(task: String) -> DetectorTaskOptions {
        var o = DetectorTaskOptions()
        o.cropsPerEpoch = crops; o.cropFrames = cropFrames; o.positiveWeight = positiveWeight
        o.targetDelay = targetDelay ?? (task == "pitch" ? 0 : 1)
        o.mixProbability = mixProbability
        o.eqDB = eqDB
        o.bandShift = bandShift
        o.drumTimbreDB = drumTimbreDB
        o.drumDecay = drumDecay
        o.drumTimbreInMixes = drumTimbreMixes
        if let r = dataItems {
            let p = r.components(separatedBy: "..<").compactMap { Int($0) }
            if p.count == 2, p[0] < p[1] { o.items = p[0]..<p[1] }
        }
        return o
    }

    /// The data, front-end, crop and augmentation options that differ from their defaults, by flag
    /// name: a trimming checkpoint records them, so a resume under other values is refused instead
    /// of training later rounds on other data or other crops.
    func recipe(task: String) -> [String: String] {
        guard DetectorTasks.names.contains(task) else { return [:] }
        let d = DetectorTrainOptions.defaults
        var o: [String: String] = [:]
        func note<T: Equatable>(_ name: String, _ v: T, _ base: T) { if v != base { o[name] = "\(v)" } }
        note("crops", crops, d.crops); note("crop-frames", cropFrames, d.cropFrames)
        note("positive-weight", positiveWeight, d.positiveWeight); note("mix-probability", mixProbability, d.mixProbability)
        note("eq-db", eqDB, d.eqDB); note("band-shift", bandShift, d.bandShift)
        note("drum-timbre-db", drumTimbreDB, d.drumTimbreDB); note("drum-decay", drumDecay, d.drumDecay)
        note("drum-timbre-mixes", drumTimbreMixes, d.drumTimbreMixes); note("pcen", pcen ?? "", d.pcen ?? ""); note("pcen-stack", pcenStack, d.pcenStack)
        let given: [(String, String?)] = [("target-delay", targetDelay.map { "\($0)" }), ("data-items", dataItems), ("data", data),
                                          ("valid", valid), ("hop", hop.map { "\($0)" }), ("frame-size", frameSize.map { "\($0)" }),
                                          ("feature-rate", featureRate.map { "\($0)" }), ("bands", bands.map { "\($0)" }),
                                          ("fmax", fmax.map { "\($0)" })]
        for case let (name, value?) in given { o[name] = value }
        return o
    }

    /// The detector task `name`, or nil for other tasks.
    func task(_ name: String, graph: ModelGraph) throws -> TrainingTask? {
        guard DetectorTasks.names.contains(name) else { return nil }
        let train = Self.list(data), val = Self.list(valid)
        guard !train.isEmpty, !val.isEmpty else {
            throw ValidationError("task \(name) needs --data DIR[,DIR] and --valid DIR (rendered by `whittle data`)")
        }
        if let hop, !(80...512).contains(hop) { throw ValidationError("--hop must be in 80...512 samples") }
        let mel = try logMelChoice()
        if name == "pitch" && !mel.isDefault { throw ValidationError("--feature-rate, --bands, --fmax and --pcen apply to onset and drums only") }
        if let targetDelay, !(0...8).contains(targetDelay) { throw ValidationError("--target-delay must be in 0...8 frames") }
        if !(0...24).contains(eqDB) { throw ValidationError("--eq-db must be in 0...24 dB (got \(eqDB))") }
        if !(0...16).contains(bandShift) { throw ValidationError("--band-shift must be in 0...16 bands (got \(bandShift))") }
        if name == "pitch" && bandShift != 0 { throw ValidationError("--band-shift applies to onset and drums only") }
        if !(0...24).contains(drumTimbreDB) { throw ValidationError("--drum-timbre-db must be in 0...24 dB (got \(drumTimbreDB))") }
        if !(0...0.9).contains(drumDecay) { throw ValidationError("--drum-decay must be in 0...0.9 (got \(drumDecay))") }
        if drumDecay > 0 && drumTimbreDB == 0 { throw ValidationError("--drum-decay needs --drum-timbre-db (it acts on the class stems)") }
        if drumTimbreMixes && drumTimbreDB == 0 { throw ValidationError("--drum-timbre-mixes needs --drum-timbre-db (it rebuilds the mixes' drums from the class stems)") }
        if name == "pitch" && drumTimbreDB != 0 { throw ValidationError("--drum-timbre-db applies to onset and drums only") }
        if !(0...1).contains(mixProbability) { throw ValidationError("--mix-probability must be in 0...1 (got \(mixProbability))") }
        return try DetectorTasks.named(name, graph: graph, data: train, valid: val, options: taskOptions(task: name), hop: hop, fftSize: frameSize,
                                       logMel: mel)
    }

    /// The log-mel front end chosen by --feature-rate, --bands and --fmax.
    func logMelChoice() throws -> LogMelChoice {
        var c = LogMelChoice()
        if let featureRate {
            guard (8000...48000).contains(featureRate) else { throw ValidationError("--feature-rate must be in 8000...48000 Hz") }
            c.sampleRate = featureRate
        }
        if let bands {
            guard (1...512).contains(bands) else { throw ValidationError("--bands must be in 1...512") }
            c.bands = bands
        }
        if let pcen {
            let v = pcen.split(separator: ":").map { Double($0) }
            guard [1, 5].contains(v.count), v.allSatisfy({ $0 != nil }), let t = v[0], (0.01...10).contains(t) else {
                throw ValidationError("--pcen must be a time constant in 0.01...10 s, or T:ALPHA:DELTA:ROOT:FLOOR (got \(pcen))")
            }
            c.pcen = PCENSettings(timeConstant: t)
            if v.count == 5 {
                let (alpha, delta, root, floor) = (v[1]!, v[2]!, v[3]!, v[4]!)
                guard (0...1).contains(alpha), delta > 0, (0.01...1).contains(root), floor > 0, floor <= 1e3 else {
                    throw ValidationError("--pcen: ALPHA in 0...1, DELTA > 0, ROOT in 0.01...1, FLOOR in (0, 1000] (got \(pcen))")
                }
                c.pcen = PCENSettings(timeConstant: t, alpha: Float(alpha), delta: Float(delta), root: Float(root), floor: Float(floor))
            }
            c.pcen?.stack = pcenStack
        }
        if pcenStack && pcen == nil { throw ValidationError("--pcen-stack needs --pcen (it keeps the plain log-mel beside the normalised one)") }
        if let fmax {
            guard fmax > 30, fmax <= Double(c.sampleRate) / 2 else {
                throw ValidationError("--fmax must be above 30 Hz (the lowest band edge) and at most half the feature rate (\(c.sampleRate / 2) Hz)")
            }
            c.maxHz = fmax
        }
        return c
    }
}

enum DetectorFinish {
    /// Writes the detector metadata, with the operating point calibrated on training stems.
    static func finish(_ model: ModelFile, task: TrainingTask) throws -> ModelFile {
        var m = model
        if let delay = targetDelay(of: task) { m.metadata[DetectorTasks.targetDelayKey] = "\(delay)" }
        if let t = task as? EventTask {
            let runtime = try m.build()
            let stems = t.training.prefix(24).map(t.heard)
            let result = DetectorCalibration.calibrate(runtime, kind: t.kind, examples: stems, start: t.decoding, clock: t.clock)
            try apply(result, task: t.name, features: t.features, to: &m,
                      calibration: "{\"stems\":\(stems.count),\"f_measure\":\(String(format: "%.4f", result.meanF))}")
            print(String(format: "calibrated on %d training stems: threshold %.2f, time offset %d samples, F %.4f",
                         stems.count, result.decoding.threshold, result.decoding.timeOffset, result.meanF))
        } else if let t = task as? PitchTask {
            let runtime = try m.build()
            // Held-out melody stems: on training stems the model is over-confident and the threshold
            // too low; on mixes every frame is pitched.
            let melody = t.validation.filter { $0.name.hasSuffix(".melody") }
            let v = DetectorCalibration.voicingThreshold(runtime, examples: melody.isEmpty ? t.validation : melody,
                                                         features: t.features, delay: t.options.targetDelay)
            for (k, val) in DetectorTasks.metadata(task: "pitch", features: t.features, voicingThreshold: v.threshold,
                                                   timeOffset: -t.options.targetDelay * t.features.hop) { m.metadata[k] = val }
            m.metadata["voicing_calibration"] = String(format: "{\"stems\":%d,\"max_false_alarm\":%.3f,\"recall\":%.4f,\"false_alarm\":%.4f}",
                                                       melody.isEmpty ? t.validation.count : melody.count,
                                                       DetectorCalibration.voicingFalseAlarmBound, v.recall, v.falseAlarm)
            print(String(format: "calibrated voicing threshold %.3f on %d validation stems: recall %.3f, false alarm %.3f",
                         v.threshold, melody.isEmpty ? t.validation.count : melody.count, v.recall, v.falseAlarm))
        }
        return m
    }

    /// The frames a detector task's targets sit after their audio (nil for other tasks).
    static func targetDelay(of task: TrainingTask) -> Int? {
        (task as? EventTask)?.options.targetDelay ?? (task as? PitchTask)?.options.targetDelay
    }

    /// Writes an event detector's measured operating point into `m`: per-class thresholds folded
    /// into the output bias, the decoding metadata and `calibration`. Folds compose (the logits
    /// add), so `class_thresholds` records the total against the unfolded outputs.
    static func apply(_ result: DetectorCalibration.EventResult, task: String, features: FeatureSettings,
                      to m: inout ModelFile, calibration: String) throws {
        if !result.classThresholds.isEmpty {
            try DetectorCalibration.foldThresholds(&m, thresholds: result.classThresholds)
            let logit = { (p: Double) -> Double in let q = min(max(p, 0.01), 0.99); return log(q / (1 - q)) }
            let before = m.metadata["class_thresholds"].flatMap { try? JSONDecoder().decode([Double].self, from: Data($0.utf8)) }
            let total = result.classThresholds.enumerated().map { c, t -> Double in
                guard let before, before.count == result.classThresholds.count else { return Double(t) }
                return 1 / (1 + exp(-(logit(before[c]) + logit(Double(t)))))
            }
            m.metadata["class_thresholds"] = "[" + total.map { String(format: "%.3f", $0) }.joined(separator: ",") + "]"
        }
        for (k, v) in DetectorTasks.metadata(task: task, features: features, decoding: result.decoding) { m.metadata[k] = v }
        m.metadata["calibration"] = calibration
    }
}
