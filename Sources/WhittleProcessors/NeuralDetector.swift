import CRealtime
import WhittleDSP
import WhittleNN

/// One thing a detector found during a hop, positioned in samples at the detector's rate.
public struct Detection: BitwiseCopyable {
    public var kind: Event.Kind
    public var label: Int32
    public var position: Int
    public var strength: Float
    public var value: Float
}

/// A neural detector: the model's front end (log-mel or raw frames), the model, and the
/// decoding its task needs (peak picking per class; pitch by weighted local average, around the
/// argmax or the tracked bin).
/// A plain handle: the `Model` object is owned off the audio thread (by the engine's chain)
/// and reached here without reference counting.
public struct NeuralDetector {
    /// The model's rate (features and hops are at this rate).
    public let sampleRate: Int
    let model: Unmanaged<Model>
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let outputCount: Int
    let extractor: FeatureExtractor
    let featureCount: Int
    public let hopSize: Int
    let halfFrame: Int
    let frameLength: Int
    let eventKind: Event.Kind
    // Scalars copied out of the settings, which are not kept: they hold reference-counted values,
    // and this struct is copied on the audio thread.
    public let task: NeuralDetectorSettings.Task
    /// Peak-picking threshold per event class (onset: 1, drums: KD, SD, HH).
    let thresholds: UnsafeMutablePointer<Float>
    let voicingThreshold: Float
    let timeOffset: Int
    let pickers: UnsafeMutablePointer<OnlinePeakPicker>
    let pickerCount: Int
    /// Pitch: follows the melody across frames (nil: the argmax of each frame).
    let tracker: PitchTracker?
    /// Up to 4 detections per hop, and [0] = how many hops so far, [1] = detections this hop.
    public let detections: UnsafeMutablePointer<Detection>
    let counters: UnsafeMutablePointer<Int>

    /// Builds the detector around a loaded model; `model` must outlive it (the chain keeps it).
    public init(model: Model, path: String, overrides: DetectorOverrides = DetectorOverrides()) throws(DetectorError) {
        var settings = try NeuralDetectorSettings(metadata: model.metadata, path: path)
        if let t = overrides.threshold {
            guard settings.task == .onset || settings.task == .drums else {
                throw DetectorError("\(path): 'threshold' applies to onset and drum models, this one's task is '\(settings.task.rawValue)'")
            }
            settings.threshold = t
        }
        if let v = overrides.voicingThreshold {
            guard settings.task == .pitch else {
                throw DetectorError("\(path): 'voicing' applies to pitch models, this one's task is '\(settings.task.rawValue)'")
            }
            settings.voicingThreshold = v
        }
        if let track = overrides.tracking {
            guard settings.task == .pitch else {
                throw DetectorError("\(path): 'track' applies to pitch models, this one's task is '\(settings.task.rawValue)'")
            }
            guard track == 0 || track == 1 else { throw DetectorError("\(path): 'track' is 1 (on) or 0 (off), got \(track)") }
            settings.tracking = track == 1 ? settings.tracking ?? .standard : nil
        }
        if let c = overrides.classThresholds.keys.min(), settings.task != .drums {
            throw DetectorError("\(path): '\(c.key)' applies to drum models, this one's task is '\(settings.task.rawValue)'")
        }
        guard let inPort = model.inputs.first, let outPort = model.outputs.first else {
            throw DetectorError("\(path): the graph needs an input and an output")
        }
        guard inPort.count == settings.features.count else {
            throw DetectorError("\(path): graph input '\(inPort.name)' takes \(inPort.count) values per frame, the features give \(settings.features.count)")
        }
        guard outPort.period == 1 else {
            throw DetectorError("\(path): output '\(outPort.name)' must be produced every frame (time stride 1)")
        }
        let expected: Int? = switch settings.task {
        case .onset: 1
        case .drums: 3
        case .pitch: 360
        case .other: nil
        }
        if let expected, outPort.count != expected {
            throw DetectorError("\(path): task '\(settings.task.rawValue)' needs \(expected) outputs per frame, '\(outPort.name)' has \(outPort.count)")
        }
        sampleRate = settings.features.sampleRate
        frameLength = settings.features.frameLength
        self.model = Unmanaged.passUnretained(model)
        input = inPort.buffer
        output = outPort.buffer
        outputCount = outPort.count
        extractor = FeatureExtractor(settings.features)
        featureCount = settings.features.count
        hopSize = settings.features.hop
        halfFrame = settings.features.frameLength / 2
        task = settings.task
        voicingThreshold = settings.voicingThreshold
        timeOffset = settings.timeOffset
        eventKind = settings.task == .drums ? .drum : (settings.task == .pitch ? .pitch : .onset)
        pickerCount = settings.task == .drums ? 3 : (settings.task == .onset ? 1 : 0)
        pickers = .allocate(capacity: max(pickerCount, 1))
        thresholds = .allocate(capacity: max(pickerCount, 1))
        for i in 0..<pickerCount {
            let t = DetectorOverrides.DrumClass(rawValue: i).flatMap { overrides.classThresholds[$0] } ?? settings.threshold
            (thresholds + i).initialize(to: settings.task == .drums ? t : settings.threshold)
            let p = OnlinePeakPicker.Parameters(preMax: settings.preMax, preAvg: 0, delta: thresholds[i], combine: settings.combine)
            (pickers + i).initialize(to: OnlinePeakPicker(p))
        }
        tracker = settings.task == .pitch ? settings.tracking.map { PitchTracker(bins: 360, $0) } : nil
        detections = .allocate(capacity: 4)
        counters = .allocate(capacity: 2)
        counters.initialize(repeating: 0, count: 2)
    }

    public func deallocate() {
        extractor.deallocate()
        for i in 0..<pickerCount { pickers[i].deallocate() }
        pickers.deallocate(); thresholds.deallocate(); detections.deallocate(); counters.deallocate()
        tracker?.deallocate()
    }

    public func reset() {
        extractor.reset()
        for i in 0..<pickerCount { pickers[i].reset() }
        model._withUnsafeGuaranteedRef { $0.reset() }
        tracker?.reset()
        counters[0] = 0
        counters[1] = 0
    }

    /// Samples at the detector's rate from an event to the hop in which it is reported, at most.
    public var maxReportDelay: Int {
        let half = frameLength / 2
        switch task {
        case .onset, .drums: return hopSize * (OnlinePeakPicker.lookAhead + 1) + half - timeOffset
        case .pitch, .other: return half - timeOffset
        }
    }

    /// Consumes one hop; afterwards `detections[0..<detectionCount]` holds what was found.
    @_noLocks @_noAllocation
    public func process(hop: UnsafePointer<Float>) -> Int {
        begin(hop: hop)
        return complete()
    }

    /// The first half of `process(hop:)`: the front end, up to the model's input buffer. The
    /// engine may call `complete()` one block later, so that the two halves of a frame's work
    /// land in different blocks; nothing else may touch this detector in between.
    @_noLocks @_noAllocation
    public func begin(hop: UnsafePointer<Float>) {
        extractor.push(hop)
        let n = featureCount
        for k in 0..<n { input[k] = extractor.features[k] }
    }

    /// The second half: the network and the decoding. Returns how many detections it found.
    @_noLocks @_noAllocation
    public func complete() -> Int {
        model._withUnsafeGuaranteedRef { $0.process() }
        return decode()
    }

    /// A frame the engine had no time for (deadline bypass): the clocks advance as if the model had
    /// answered 0, so later events keep their true positions. Returns detections confirmed meanwhile.
    @_noLocks @_noAllocation
    public func skip() -> Int {
        model._withUnsafeGuaranteedRef { $0.skipFrame() }
        for i in 0..<outputCount { output[i] = 0 }
        return decode()
    }

    /// Turns the model's output for the frame just run into detections.
    @_noLocks @_noAllocation
    func decode() -> Int {
        let t = counters[0]
        counters[0] = t + 1
        let h = hopSize, half = halfFrame
        var found = 0
        switch task {
        case .onset, .drums:
            for c in 0..<pickerCount {
                var excess: Float = 0
                let p = output[c]
                let frame = pickers[c].push(p.isFinite ? p : 0, excess: &excess)
                if frame >= 0 {
                    let probability = min(1, max(0, excess + thresholds[c]))
                    detections[found] = Detection(kind: eventKind, label: Int32(c),
                                                  position: (frame + 1) * h - half + timeOffset,
                                                  strength: probability, value: 0)
                    found += 1
                }
            }
        case .pitch:
            var best = 0
            if let tracker {
                best = tracker.push(output)
            } else {
                for i in 1..<360 where output[i] > output[best] { best = i }
            }
            let lo = max(0, best - 4), hi = min(359, best + 4)
            var weight: Float = 0, cents: Float = 0
            for i in lo...hi {
                weight += output[i]
                cents += output[i] * (20 * Float(i) + 1997.3794)
            }
            let confidence = output[best]
            // No estimate for frames dated before the stream began (they hear mostly padding).
            // A pitch model trained with a target delay answers for the frame `-timeOffset` earlier.
            let position = (t + 1) * h - half + timeOffset
            if weight > 0 && confidence.isFinite && position >= 0 {
                let f0 = 10 * whittle_expf(cents / weight / 1200 * 0.6931472)
                // label 1 = voiced (confidence at or above the model's voicing threshold), 0 = not.
                let voiced: Int32 = confidence >= voicingThreshold && f0 > 0 ? 1 : 0
                detections[0] = Detection(kind: .pitch, label: voiced, position: position,
                                          strength: min(1, max(0, confidence)), value: f0)
                found = 1
            }
        case .other:
            break
        }
        counters[1] = found
        return found
    }
}
