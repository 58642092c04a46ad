import Foundation
import WhittleData
import WhittleDSP
import WhittleEval

/// One rendered stem as a detector sees it: feature frames and frame-aligned targets.
public struct DetectorExample: Sendable {
    public var name: String
    /// [frames][feature values]
    public var features: [[Float]]
    /// [frames]: 1 where an onset falls in the frame.
    public var onsets: [Float]
    /// [frames][3]: KD, SD, HH hits.
    public var drums: [[Float]]
    /// [frames]: f0 in Hz at the frame centre, 0 when unvoiced (melody stems only; empty otherwise).
    public var f0: [Double]
    /// Reference annotations, for event-level metrics.
    public var onsetTimes: [Double]
    public var drumTimes: [[Double]]
}

public struct CorpusError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Reads what `whittle data` rendered (DIR/manifest.json, NAME.STEM.wav and its annotations)
/// and turns it into features with the very front end the engine runs live.
public enum DetectorCorpus {
    public static let drumLabels = ["KD", "SD", "HH"]

    /// Stems of `stems` ("mix", "melody", "drums") for every item in the manifest (or `items`).
    public static func load(directory: String, stems: [String], features: FeatureSettings,
                            items: Range<Int>? = nil) throws -> [DetectorExample] {
        let manifestPath = directory + "/manifest.json"
        guard let data = FileManager.default.contents(atPath: manifestPath),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = root["items"] as? [[String: Any]] else {
            throw CorpusError(description: "\(manifestPath): not a dataset manifest (run `whittle data --out \(directory)` first)")
        }
        let names = entries.compactMap { $0["name"] as? String ?? ($0["files"] as? [String])?.first.map { String($0.prefix { $0 != "." }) } }
        let chosen = items.map { Array(names[max(0, $0.lowerBound)..<min(names.count, $0.upperBound)]) } ?? names
        var examples: [DetectorExample] = []
        for name in chosen {
            for stem in stems {
                examples.append(try example(directory: directory, item: name, stem: stem, features: features))
            }
        }
        return examples
    }

    public static func example(directory: String, item: String, stem: String, features settings: FeatureSettings) throws -> DetectorExample {
        let base = "\(directory)/\(item).\(stem)"
        let frames = try features(ofWav: base + ".wav", settings)
        let clock = FrameClock(settings)

        let onsetTimes = try AnnotationParsing.onsets(String(contentsOfFile: base + ".onsets.txt", encoding: .utf8))
        var onsets = [Float](repeating: 0, count: frames.count)
        for t in onsetTimes { mark(&onsets, clock.frame(at: t)) }

        var drums = [[Float]](repeating: [0, 0, 0], count: frames.count)
        var drumTimes: [[Double]] = [[], [], []]
        let drumPath = "\(directory)/\(item).drums.txt"
        if stem != "melody", FileManager.default.fileExists(atPath: drumPath) {
            for hit in try AnnotationParsing.labeledEvents(String(contentsOfFile: drumPath, encoding: .utf8)) {
                guard let c = drumLabels.firstIndex(of: hit.label) else { continue }
                drumTimes[c].append(hit.time)
                let f = clock.frame(at: hit.time)
                if f >= 0 && f < frames.count { drums[f][c] = 1 }
            }
        }

        var f0: [Double] = []
        let f0Path = "\(directory)/\(item).melody.f0.csv"
        if stem == "melody", FileManager.default.fileExists(atPath: f0Path) {
            let table = try readF0(f0Path)
            f0 = (0..<frames.count).map { t in
                let i = Int((clock.time(ofFrame: t) / table.step).rounded())
                return i >= 0 && i < table.values.count ? table.values[i] : 0
            }
        }
        return DetectorExample(name: "\(item).\(stem)", features: frames, onsets: onsets, drums: drums, f0: f0,
                               onsetTimes: onsetTimes, drumTimes: drumTimes)
    }

    /// The frames of an item's drum class stems (KD, SD, HH), each cut or zero-padded to `frames`
    /// (the drum stem's count); empty when the item has none of them. One missing of three is an error.
    public static func drumClassFeatures(directory: String, item: String, features settings: FeatureSettings,
                                         frames: Int) throws -> [FeatureMatrix] {
        let paths = DrumClassStems.fileNames(item: item).map { "\(directory)/\($0)" }
        let present = paths.filter { FileManager.default.fileExists(atPath: $0) }
        if present.isEmpty { return [] }
        guard present.count == paths.count else {
            throw CorpusError(description: "\(directory): item \(item) has \(present.count) of 3 drum class stems (missing \(paths.filter { !present.contains($0) }.joined(separator: ", "))); render again with --drum-class-stems")
        }
        let width = settings.count
        return try paths.map { path in
            var values = try features(ofWav: path, settings).prefix(frames).flatMap { $0 }
            values += [Float](repeating: 0, count: frames * width - values.count)
            return FeatureMatrix(frames: frames, width: width, values: values)
        }
    }

    /// The front end's frames of a sound file (mono, resampled to the feature rate).
    public static func features(ofWav path: String, _ settings: FeatureSettings) throws -> [[Float]] {
        let wav = try WavFile.read(path)
        let mono = (0..<wav.frameCount).map { wav.mono($0) }
        let audio = resample(mono, from: wav.sampleRate, to: settings.sampleRate)
        let extractor = FeatureExtractor(settings)
        defer { extractor.deallocate() }
        return extractor.featureMatrix(of: audio)
    }

    static func mark(_ targets: inout [Float], _ frame: Int) {
        if frame >= 0 && frame < targets.count { targets[frame] = 1 }
    }

    /// Zero-phase resampling (the engine's resampler), padded so the output keeps the full length.
    public static func resample(_ x: [Float], from inRate: Int, to outRate: Int) -> [Float] {
        if inRate == outRate { return x }
        let r = Resampler(inRate: inRate, outRate: outRate)
        defer { r.deallocate() }
        let padded = x + [Float](repeating: 0, count: r.latencyInInputSamples + 1)
        var out = [Float](repeating: 0, count: r.maxOutput(forInput: padded.count))
        let n = padded.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { r.process(p.baseAddress!, count: padded.count, into: $0.baseAddress!) }
        }
        let wanted = Int((Double(x.count) * Double(outRate) / Double(inRate)).rounded(.down))
        return Array(out.prefix(min(n, wanted)))
    }

    static func readF0(_ path: String) throws -> (step: Double, values: [Double]) {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        var times: [Double] = [], values: [Double] = []
        for line in lines {
            let cols = line.split(separator: ",")
            guard cols.count >= 2, let t = Double(cols[0]), let f = Double(cols[1]) else {
                throw CorpusError(description: "\(path): bad row '\(line)'")
            }
            times.append(t)
            values.append(f)
        }
        let step = times.count > 1 ? times[1] - times[0] : 0.01
        return (step, values)
    }
}
