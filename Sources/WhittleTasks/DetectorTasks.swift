import Foundation
import WhittleData
import WhittleDSP
import WhittleNN
import WhittleTrain

/// The log-mel front end of the onset and drum tasks: the feature rate (the engine resamples the
/// host's audio to it), the band count and the upper band edge (nil: half the rate). The default is
/// the shipped models' front end: 64 bands at 16 kHz up to 8 kHz.
public struct LogMelChoice: Sendable, Equatable {
    public var sampleRate: Int
    public var bands: Int
    public var maxHz: Double?
    /// Per-channel energy normalisation after the log (nil: plain log-mel).
    public var pcen: PCENSettings?

    public init(sampleRate: Int = 16000, bands: Int = 64, maxHz: Double? = nil, pcen: PCENSettings? = nil) {
        self.sampleRate = sampleRate; self.bands = bands; self.maxHz = maxHz; self.pcen = pcen
    }

    /// Whether this is the default front end.
    public var isDefault: Bool { self == LogMelChoice() }
}

/// The detector tasks by name, for `whittle train` and `whittle trim`.
public enum DetectorTasks {
    public static let names = ["onset", "drums", "pitch"]

    /// Stems each task trains on (melody stems give the drum detector its negatives).
    public static func stems(_ task: String) -> [String] {
        task == "pitch" ? ["melody", "mix"] : ["mix", "melody", "drums"]
    }

    /// Onsets and drums: log-mel bands (`logMel` chooses rate, band count and upper edge; by default
    /// 64 bands at 16 kHz up to 8 kHz, hop 10 ms at the chosen rate). Pitch graphs whose input takes
    /// 1024 values per frame get CREPE's raw frames; others the harmonic spectrum (360 bins × 6 harmonics).
    public static func features(_ task: String, hop: Int? = nil, fftSize: Int? = nil, graph: ModelGraph? = nil,
                                logMel: LogMelChoice = LogMelChoice()) -> FeatureSettings {
        guard task == "pitch" else {
            let rate = logMel.sampleRate
            var f = DetectorFrontEnd.logMel(sampleRate: rate, hop: hop ?? rate / 100, fftSize: fftSize ?? 1024, bands: logMel.bands,
                                            maxHz: logMel.maxHz ?? Double(rate) / 2)
            f.pcen = logMel.pcen
            return f
        }
        let width = graph?.inputs.first?.shape.reduce(1, *)
        if width == 1024 { return DetectorFrontEnd.frames(size: 1024, hop: hop ?? 160) }
        return DetectorFrontEnd.harmonicSpectrum(hop: hop ?? 160, fftSize: fftSize ?? 2048)
    }

    /// `task` on the data rendered in `data` (training) and `valid` (validation) directories.
    public static func named(_ task: String, graph: ModelGraph, data: [String], valid: [String],
                             options: DetectorTaskOptions = DetectorTaskOptions(), hop: Int? = nil,
                             fftSize: Int? = nil, logMel: LogMelChoice = LogMelChoice()) throws -> TrainingTask {
        let f = features(task, hop: hop, fftSize: fftSize, graph: graph, logMel: logMel)
        switch task {
        case "onset", "drums":
            let kind: EventTask.Kind = task == "onset" ? .onset : .drums
            // Training stems stay plain log-mel: crops are augmented as mel magnitudes, then normalised.
            let train = try LogMelExample.loadParallel(directories: data, stems: stems(task), features: f.withoutPCEN, items: options.items,
                                                       drumClassStems: options.drumTimbreDB > 0, mixDrums: options.drumTimbreInMixes)
            if options.drumTimbreDB > 0 && !train.contains(where: { !$0.drumClasses.isEmpty }) {
                throw CorpusError(description: "--drum-timbre-db needs drum class stems (NAME.drums-KD.wav …) in the training data; none in \(data.joined(separator: ", ")): render it with `whittle data … --drum-class-stems`")
            }
            let val = try LogMelExample.loadParallel(directories: valid, stems: stems(task), features: f, items: options.validationItems)
            return try EventTask(kind: kind, graph: graph, features: f, training: train, validation: val, options: options)
        case "pitch":
            let train = try PitchExample.load(directories: data, stems: stems(task), features: f, items: options.items)
            let val = try PitchExample.load(directories: valid, stems: stems(task), features: f, items: options.validationItems)
            var o = options
            o.validationFrames = min(o.validationFrames, 600)   // 1024 samples per frame: keep validation quick
            return try PitchTask(graph: graph, features: f, training: train, validation: val, options: o)
        default:
            throw CorpusError(description: "unknown detector task '\(task)' (known: \(names.joined(separator: ", ")))")
        }
    }

    /// Metadata the engine's neural detector reads (task, rate, hop, features, labels, decoding).
    /// The metadata keys that say what a detector hears: two models with equal values take the same
    /// input frames (an ensemble, a teacher and its student).
    public static let frontEndKeys = ["task", "sample_rate", "hop", "features"]

    /// Frames of audio after an event or pitch frame the model heard before answering (`--target-delay`),
    /// written by `whittle train`/`trim` since session 18. Two models whose outputs are averaged or
    /// taught to one another must answer at the same delay, or one's frame t is the other's t ± k.
    public static let targetDelayKey = "target_delay"

    /// Why models with metadata `a` and `b` answer at different delays, or nil. Models written
    /// before the key existed do not declare it and pass.
    public static func delayMismatch(_ a: [String: String], _ b: [String: String]) -> String? {
        guard let x = a[targetDelayKey], let y = b[targetDelayKey], x != y else { return nil }
        return "metadata '\(targetDelayKey)' is \(x), against \(y)"
    }

    public static func metadata(task: String, features f: FeatureSettings, decoding: EventDecoding? = nil,
                                voicingThreshold: Float? = nil, timeOffset: Int? = nil) -> [String: String] {
        var m: [String: String] = ["task": task, "sample_rate": "\(f.sampleRate)", "hop": "\(f.hop)",
                                   "features": DetectorFrontEnd.json(f)]
        switch task {
        case "onset": m["labels"] = "[\"onset\"]"
        case "drums": m["labels"] = "[\"KD\",\"SD\",\"HH\"]"
        default: break
        }
        if let d = decoding {
            m["peak_picking"] = "{\"threshold\":\(d.threshold),\"pre_max\":\(d.preMax),\"combine\":\(d.combine)}"
            m["time_offset"] = "\(d.timeOffset)"
        }
        if let v = voicingThreshold { m["voicing_threshold"] = "\(v)" }
        if let t = timeOffset, t != 0 { m["time_offset"] = "\(t)" }   // pitch: minus the target delay
        return m
    }
}

extension LogMelExample {
    /// `load`, one stem per worker (feature extraction dominates start-up).
    /// With `drumClassStems`, drum stems whose item has the three class renders also load those;
    /// with `mixDrums` as well, mix stems get their item's drum stem and class renders (shared, not
    /// copied), so that training can rebuild the drums inside the mix (`stems` must hold "drums").
    public static func loadParallel(directories: [String], stems: [String], features: FeatureSettings,
                                    items: Range<Int>? = nil, workers: Int = 2, drumClassStems: Bool = false,
                                    mixDrums: Bool = false) throws -> [LogMelExample] {
        var jobs: [(String, String, String)] = []
        for dir in directories {
            for item in try DetectorCorpus.itemNames(directory: dir, items: items) { for s in stems { jobs.append((dir, item, s)) } }
        }
        let work = jobs
        let results = LockedResults<LogMelExample>(count: jobs.count)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for j in stride(from: w, to: work.count, by: workers) {
                let (dir, item, stem) = work[j]
                results.set(j, Result {
                    var e = LogMelExample(try DetectorCorpus.example(directory: dir, item: item, stem: stem, features: features), width: features.count)
                    if drumClassStems && stem == "drums" {
                        e.drumClasses = try DetectorCorpus.drumClassFeatures(directory: dir, item: item, features: features, frames: e.features.frames)
                    }
                    return e
                })
            }
        }
        var examples = try results.values()
        guard drumClassStems && mixDrums else { return examples }
        precondition(stems.contains("drums"), "mixDrums needs the drum stems loaded")
        let slot = Dictionary(uniqueKeysWithValues: work.enumerated().map { ("\($1.0)/\($1.1)/\($1.2)", $0) })
        for (j, (dir, item, stem)) in work.enumerated() where stem == "mix" {
            guard let d = slot["\(dir)/\(item)/drums"], examples[d].drumClasses.count == 3 else { continue }
            examples[j].drumStem = examples[d].features
            examples[j].drumClasses = examples[d].drumClasses
            examples[j].drumStemGain = Float(MixGains.stored(directory: dir, item: item)?.drumsInMix ?? 1)
        }
        return examples
    }
}

/// Results filled in by parallel workers.
final class LockedResults<T>: @unchecked Sendable {
    private var slots: [Result<T, Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, Error>) { lock.lock(); slots[i] = r; lock.unlock() }
    func values() throws -> [T] { try slots.map { try $0!.get() } }
}
