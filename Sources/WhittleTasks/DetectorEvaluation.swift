import WhittleTrain
import Foundation
import WhittleDSP
import WhittleEval
import WhittleNN

/// Scores a detector model file on rendered data the way the engine runs it: the front end and
/// rate from its metadata, the runtime model frame by frame, the engine's peak picker and event
/// dating (onset, drums) or CREPE decoding with the metadata's voicing threshold (pitch).
/// An ensemble (several files of one task and front end) is scored on its mean output, decoded
/// with the first file's operating point: what a distilled student of those files aims at.
public struct DetectorEvaluation {
    public let file: ModelFile
    /// Further ensemble members (empty for one model).
    public let others: [ModelFile]
    public let task: String
    public let features: FeatureSettings
    public let decoding: EventDecoding
    public let voicingThreshold: Float
    /// Pitch: the online tracker's parameters (metadata `pitch_tracking`); nil: the argmax per frame.
    public var tracking: PitchTracker.Parameters?

    public init(_ file: ModelFile, ensemble others: [ModelFile] = []) throws {
        self.file = file
        self.others = others
        let m = file.metadata
        for (i, o) in others.enumerated() {
            for key in DetectorTasks.frontEndKeys where o.metadata[key] != m[key] {
                throw CorpusError(description: "ensemble model \(i + 2): metadata '\(key)' is \(o.metadata[key] ?? "missing"), the first model's is \(m[key] ?? "missing")")
            }
            if let why = DetectorTasks.delayMismatch(o.metadata, m) {
                throw CorpusError(description: "ensemble model \(i + 2): \(why) (the first model's)")
            }
        }
        guard let task = m["task"], DetectorTasks.names.contains(task) else {
            throw CorpusError(description: "model metadata 'task' must be onset, drums or pitch")
        }
        guard let rate = m["sample_rate"].flatMap({ Double($0) }).map(Int.init), let hop = m["hop"].flatMap(Int.init),
              let f = m["features"] else {
            throw CorpusError(description: "model metadata needs sample_rate, hop and features")
        }
        self.task = task
        features = try DetectorFrontEnd.parse(f, sampleRate: rate, hop: hop)
        var d = EventDecoding()
        if let p = m["peak_picking"], let o = try? JSONSerialization.jsonObject(with: Data(p.utf8)) as? [String: Any] {
            if let t = o["threshold"] as? Double { d.threshold = Float(t) }
            if let v = o["pre_max"] as? Int { d.preMax = max(1, v) }
            if let v = o["combine"] as? Int { d.combine = max(0, v) }
        }
        d.timeOffset = m["time_offset"].flatMap(Int.init) ?? 0
        decoding = d
        voicingThreshold = m["voicing_threshold"].flatMap(Float.init) ?? 0.5
        if let text = m["pitch_tracking"] {
            guard let t = PitchTracker.Parameters(text: text) else {
                throw CorpusError(description: "metadata 'pitch_tracking' must be STEP:JUMP:TRUST (numbers >= 0), got '\(text)'")
            }
            tracking = t
        }
    }

    /// Pooled event scores per class (onset: one; drums: KD, SD, HH) over `stem` of every item.
    public func events(directory: String, stem: String, items: Range<Int>? = nil) throws -> [OnsetScore] {
        let models = try ([file] + others).map { try $0.build() }
        let clock = FrameClock(features)
        let classes = task == "onset" ? 1 : 3
        var totals = [OnsetScore](repeating: .zero, count: classes)
        for item in try DetectorCorpus.itemNames(directory: directory, items: items) {
            let e = LogMelExample(try DetectorCorpus.example(directory: directory, item: item, stem: stem, features: features), width: features.count)
            let y = Self.mean(models.map { ModelRunner.outputs($0, features: e.features) })
            for c in 0..<classes {
                let p = (0..<e.features.frames).map { y[$0 * classes + c] }
                let ref = task == "onset" ? e.onsetTimes : e.drumTimes[c]
                totals[c] = totals[c] + OnsetEvaluation.score(reference: ref, estimated: decoding.times(p, clock: clock))
            }
        }
        return totals
    }

    /// Pooled melody counts over `stem` of every item, against the melody's f0 table (10 ms):
    /// estimates dated at their frame centres (minus the target delay, `time_offset`), moved to the
    /// table's times by nearest neighbour.
    public func pitch(directory: String, stem: String, items: Range<Int>? = nil) throws -> MelodyCounts {
        let models = try ([file] + others).map { try $0.build() }
        let clock = FrameClock(features)
        var total = MelodyCounts()
        for item in try DetectorCorpus.itemNames(directory: directory, items: items) {
            let e = try PitchExample.example(directory: directory, item: item, stem: stem, features: features)
            let x = e.features(0..<e.frames, settings: features)
            let y = Self.mean(models.map { model in
                x.withUnsafeBufferPointer { v in
                    ModelRunner.outputs(model, frames: e.frames, width: features.count) { t, dst in
                        dst.update(from: v.baseAddress! + t * features.count, count: features.count)
                    }
                }
            })
            var est: [Double] = [], times: [Double] = []
            let tracker = tracking.map { PitchTracker(bins: PitchBins.count, $0) }
            defer { tracker?.deallocate() }
            for t in 0..<e.frames {
                let frame = y[(t * PitchBins.count)..<((t + 1) * PitchBins.count)]
                let center = tracker.map { tr in frame.withUnsafeBufferPointer { tr.push($0.baseAddress!) } }
                let d = PitchDecoding.decode(frame, center: center)
                est.append(d.confidence >= voicingThreshold ? d.hz : -d.hz)
                times.append(clock.time(ofFrame: t) + Double(decoding.timeOffset) / Double(features.sampleRate))
            }
            let onGrid = MelodyEvaluation.resampleNearest(times: times, values: est, to: e.referenceTimes)
            total = total + MelodyEvaluation.counts(reference: e.referenceF0.map { max(0, $0) }, estimate: onGrid)
        }
        return total
    }

    /// Element-wise mean of equally long output streams.
    static func mean(_ outputs: [[Float]]) -> [Float] {
        guard outputs.count > 1 else { return outputs.first ?? [] }
        var sum = outputs[0]
        for o in outputs.dropFirst() { for i in sum.indices { sum[i] += o[i] } }
        let scale = 1 / Float(outputs.count)
        return sum.map { $0 * scale }
    }
}
