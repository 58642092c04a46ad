import Foundation
import WhittleData
import WhittleDSP

/// A rendered stem for the pitch task: audio at the model's rate (features are computed per crop,
/// since 1024 raw samples per frame would not fit in memory for hours of audio) and the melody's
/// f0 per frame (Hz at the frame's centre, 0 = unvoiced).
public struct PitchExample: Sendable {
    public var name: String
    public var audio: [Float]
    public var f0: [Double]
    /// The reference table (10 ms steps) for mir_eval-style scoring.
    public var referenceTimes: [Double]
    public var referenceF0: [Double]

    public var frames: Int { f0.count }

    public static func load(directories: [String], stems: [String], features: FeatureSettings,
                            items: Range<Int>? = nil) throws -> [PitchExample] {
        var all: [PitchExample] = []
        for dir in directories {
            for item in try DetectorCorpus.itemNames(directory: dir, items: items) {
                for stem in stems { all.append(try example(directory: dir, item: item, stem: stem, features: features)) }
            }
        }
        return all
    }

    public static func example(directory: String, item: String, stem: String, features: FeatureSettings) throws -> PitchExample {
        let wav = try WavFile.read("\(directory)/\(item).\(stem).wav")
        let audio = DetectorCorpus.resample((0..<wav.frameCount).map { wav.mono($0) }, from: wav.sampleRate, to: features.sampleRate)
        let table = try DetectorCorpus.readF0("\(directory)/\(item).melody.f0.csv")
        let clock = FrameClock(features)
        let frames = audio.count / features.hop
        let f0 = (0..<frames).map { t -> Double in
            let i = Int((clock.time(ofFrame: t) / table.step).rounded())
            return i >= 0 && i < table.values.count ? max(0, table.values[i]) : 0
        }
        let times = table.values.indices.map { Double($0) * table.step }
        return PitchExample(name: "\(item).\(stem)", audio: audio, f0: f0, referenceTimes: times, referenceF0: table.values)
    }

    /// Feature frames `range` exactly as the streaming front end computes them over the whole
    /// signal: the extractor is warmed up on the samples (or zeros) before the range.
    /// `gain` scales the audio first (level augmentation).
    public func features(_ range: Range<Int>, settings: FeatureSettings, gain: Float = 1) -> [Float] {
        let extractor = FeatureExtractor(settings)
        defer { extractor.deallocate() }
        return features(range, settings: settings, extractor: extractor, gain: gain)
    }

    /// The same with a reusable extractor for `settings` (building the harmonic filterbank is not free).
    /// `equaliser` filters the slice first (augmentation).
    public func features(_ range: Range<Int>, settings: FeatureSettings, extractor: FeatureExtractor, gain: Float = 1,
                         equaliser: AudioEqualiser? = nil) -> [Float] {
        let hop = settings.hop
        let warm = (settings.frameLength + hop - 1) / hop
        let first = range.lowerBound - warm
        let start = first * hop, end = range.upperBound * hop
        var slice = [Float](repeating: 0, count: end - start)
        let lo = max(start, 0), hi = min(end, audio.count)
        if hi > lo { for i in lo..<hi { slice[i - start] = gain * audio[i] } }
        equaliser?.apply(&slice)   // from rest at the warm-up's start: settled before the range
        return Array(extractor.featureMatrix(of: slice).dropFirst(warm).joined())
    }
}

extension DetectorCorpus {
    /// Item names listed in DIR/manifest.json.
    public static func itemNames(directory: String, items: Range<Int>? = nil) throws -> [String] {
        let manifestPath = directory + "/manifest.json"
        guard let data = FileManager.default.contents(atPath: manifestPath),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = root["items"] as? [[String: Any]] else {
            throw CorpusError(description: "\(manifestPath): not a dataset manifest (run `whittle data --out \(directory)` first)")
        }
        let names = entries.compactMap { $0["name"] as? String }
        return items.map { Array(names[max(0, $0.lowerBound)..<min(names.count, $0.upperBound)]) } ?? names
    }
}
