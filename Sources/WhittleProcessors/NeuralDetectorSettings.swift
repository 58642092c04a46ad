import Foundation
import WhittleDSP
import WhittleNN

/// Errors in a model's description of itself, naming the file and the field.
public struct DetectorError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A chain's own choice of a detector's operating point, over the model file's calibration
/// (`model=PATH:threshold=0.4:voicing=0.7`): a musician's sensitivity knob.
public struct DetectorOverrides: Sendable, Equatable {
    /// Onset/drums: peak-picking threshold on the event probability (drums: on top of the
    /// per-class thresholds folded into the model, which act at 0.5).
    public var threshold: Float?
    /// Pitch: the confidence from which a frame is voiced.
    public var voicingThreshold: Float?
    /// Pitch: 1 runs the online pitch tracker (the file's parameters, or the standard ones),
    /// 0 turns it off; nil: as the file says.
    public var tracking: Float?
    /// Drums: one class's threshold (KD, SD, HH: the model's output order), over `threshold`.
    /// Another kit's hi-hat may need a lower one than its kick.
    public var classThresholds: [DrumClass: Float] = [:]

    public enum DrumClass: Int, Sendable, CaseIterable, Comparable {
        case kd, sd, hh
        /// The chain's option name ("kd", "sd", "hh").
        public var key: String { String(describing: self) }
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    public init(threshold: Float? = nil, voicingThreshold: Float? = nil, classThresholds: [DrumClass: Float] = [:]) {
        self.threshold = threshold
        self.voicingThreshold = voicingThreshold
        self.classThresholds = classThresholds
    }

    /// The chain's option names.
    public static let keys = ["threshold", "voicing", "track"] + DrumClass.allCases.map(\.key)

    /// Sets the option named `key` (one of `keys`) unless it is already set; false when it was
    /// (or `key` is not an option).
    public mutating func set(_ key: String, _ value: Float) -> Bool {
        if let c = DrumClass.allCases.first(where: { $0.key == key }) {
            guard classThresholds[c] == nil else { return false }
            classThresholds[c] = value
        } else if key == "threshold" {
            guard threshold == nil else { return false }
            threshold = value
        } else if key == "voicing" {
            guard voicingThreshold == nil else { return false }
            voicingThreshold = value
        } else if key == "track" {
            guard tracking == nil else { return false }
            tracking = value
        } else {
            return false
        }
        return true
    }
}

/// What a neural detector needs from a model file's metadata (offline parsing).
public struct NeuralDetectorSettings: Sendable {
    public enum Task: String, Sendable { case onset, drums, pitch, other }
    public var task: Task
    public var features: FeatureSettings
    /// Peak picking of event probabilities (onset, drums).
    public var threshold: Float = 0.5
    public var preMax = 3
    public var combine = 3
    /// Where an event lies relative to its frame's centre, in samples at the model's rate.
    public var timeOffset = 0
    /// Pitch: the confidence from which a frame counts as voiced (metadata `voicing_threshold`,
    /// written by `whittle train`; 0.5 when absent). Pitch events carry label 1 when voiced, 0 when not.
    public var voicingThreshold: Float = 0.5
    /// Pitch: the online tracker (metadata `pitch_tracking`); nil: the argmax of every frame.
    public var tracking: PitchTracker.Parameters?

    /// The log-mel front end's optional `pcen` object (absent: plain log-mel). `whittle eval` reads
    /// it with this too, so a file the engine refuses is refused offline alike.
    public static func pcen(_ value: Any?, path: String) throws(DetectorError) -> PCENSettings? {
        guard let value else { return nil }
        guard let o = value as? [String: Any] else { throw DetectorError("\(path): features field 'pcen' must be a JSON object") }
        func number(_ key: String, _ fallback: Double, _ valid: ClosedRange<Double>) throws(DetectorError) -> Double {
            guard o[key] != nil else { return fallback }
            guard let v = (o[key] as? Double) ?? (o[key] as? Int).map(Double.init), v.isFinite, valid.contains(v) else {
                throw DetectorError("\(path): features field 'pcen.\(key)' must be a number in \(valid.lowerBound)...\(valid.upperBound)")
            }
            return v
        }
        let d = PCENSettings()
        guard o["stack"] == nil || o["stack"] is Bool else { throw DetectorError("\(path): features field 'pcen.stack' must be true or false") }
        return PCENSettings(timeConstant: try number("time_constant", d.timeConstant, 0.001...60),
                            alpha: Float(try number("alpha", Double(d.alpha), 0...1)),
                            delta: Float(try number("delta", Double(d.delta), 1e-6...1e6)),
                            root: Float(try number("root", Double(d.root), 0.01...1)),
                            floor: Float(try number("floor", Double(d.floor), 1e-12...1000)),
                            stack: (o["stack"] as? Bool) ?? false)
    }

    public init(metadata m: ModelMetadata, path: String) throws(DetectorError) {
        task = Task(rawValue: m.task ?? "other") ?? .other
        guard let rate = m.sampleRate, rate.rounded() == rate, (8_000...192_000).contains(Int(rate)) else {
            throw DetectorError("\(path): metadata 'sample_rate' must be an integer rate in 8000...192000 Hz")
        }
        guard let hop = m.hop, hop >= 1, hop <= 16_384 else {
            throw DetectorError("\(path): metadata 'hop' must be an integer in 1...16384")
        }
        guard let text = m.features, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw DetectorError("\(path): metadata 'features' must be a JSON object")
        }
        func int(_ key: String, _ fallback: Int? = nil) throws(DetectorError) -> Int {
            if let v = object[key] as? Int { return v }
            if let v = object[key] as? Double, v.rounded() == v { return Int(v) }
            if let fallback, object[key] == nil { return fallback }
            throw DetectorError("\(path): features field '\(key)' must be an integer")
        }
        func number(_ key: String, _ fallback: Double) throws(DetectorError) -> Double {
            if object[key] == nil { return fallback }
            if let v = object[key] as? Double { return v }
            if let v = object[key] as? Int { return Double(v) }
            throw DetectorError("\(path): features field '\(key)' must be a number")
        }
        switch object["type"] as? String {
        case "logmel":
            let n = try int("n_fft")
            guard n >= 16, n <= 16_384, n & (n - 1) == 0, n >= hop else {
                throw DetectorError("\(path): features field 'n_fft' must be a power of two in 16...16384, at least the hop")
            }
            let bands = try int("bands")
            guard (1...512).contains(bands) else { throw DetectorError("\(path): features field 'bands' must be in 1...512") }
            let lo = try number("fmin", 30), hi = try number("fmax", rate / 2)
            guard lo >= 0, hi > lo, hi <= rate / 2 else { throw DetectorError("\(path): features fields 'fmin'/'fmax' must satisfy 0 <= fmin < fmax <= sample_rate/2") }
            let c = try number("compression", 1)
            guard c > 0, c.isFinite else { throw DetectorError("\(path): features field 'compression' must be positive") }
            features = FeatureSettings(kind: .logMel(fftSize: n, bands: bands, minHz: lo, maxHz: hi, compression: Float(c)),
                                       sampleRate: Int(rate), hop: hop, pcen: try Self.pcen(object["pcen"], path: path))
        case "frames":
            let size = try int("size")
            guard size >= hop, size <= 16_384 else { throw DetectorError("\(path): features field 'size' must be in hop...16384") }
            features = FeatureSettings(kind: .frames(size: size), sampleRate: Int(rate), hop: hop)
        case "harmonic_spectrum":
            let window = try int("window"), n = try int("n_fft")
            guard window >= hop, window <= n, n <= 16_384, n & (n - 1) == 0 else {
                throw DetectorError("\(path): features fields 'window'/'n_fft' must satisfy hop <= window <= n_fft <= 16384, n_fft a power of two")
            }
            let bins = try int("bins"), perOctave = try int("bins_per_octave")
            guard (1...2048).contains(bins), (1...240).contains(perOctave) else {
                throw DetectorError("\(path): features fields 'bins' (1...2048) and 'bins_per_octave' (1...240) out of range")
            }
            let lo = try number("fmin", 32)
            guard lo > 0, lo < rate / 2 else { throw DetectorError("\(path): features field 'fmin' must be in (0, sample_rate/2)") }
            guard let list = object["harmonics"] as? [Any], !list.isEmpty, list.count <= 16 else {
                throw DetectorError("\(path): features field 'harmonics' must be a list of 1...16 numbers")
            }
            var harmonics: [Double] = []
            for v in list {
                guard let h = (v as? Double) ?? (v as? Int).map(Double.init), h > 0, h.isFinite else {
                    throw DetectorError("\(path): features field 'harmonics' must hold positive numbers")
                }
                harmonics.append(h)
            }
            let c = try number("compression", 1)
            guard c > 0, c.isFinite else { throw DetectorError("\(path): features field 'compression' must be positive") }
            features = FeatureSettings(kind: .harmonicSpectrum(window: window, fftSize: n, minHz: lo, bins: bins, binsPerOctave: perOctave,
                                                               harmonics: harmonics, compression: Float(c)),
                                       sampleRate: Int(rate), hop: hop)
        default:
            throw DetectorError("\(path): features field 'type' must be \"logmel\", \"frames\" or \"harmonic_spectrum\"")
        }
        if let text = m.raw["peak_picking"] {
            guard let p = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw DetectorError("\(path): metadata 'peak_picking' must be a JSON object")
            }
            if let t = p["threshold"] as? Double { threshold = Float(t) }
            if let v = p["pre_max"] as? Int { preMax = max(1, v) }
            if let v = p["combine"] as? Int { combine = max(0, v) }
        }
        if let text = m.raw["voicing_threshold"] {
            guard let v = Float(text), v.isFinite, (0...1).contains(v) else {
                throw DetectorError("\(path): metadata 'voicing_threshold' must be a number in 0...1")
            }
            voicingThreshold = v
        }
        if let text = m.raw["pitch_tracking"] {
            guard let t = PitchTracker.Parameters(text: text) else {
                throw DetectorError("\(path): metadata 'pitch_tracking' must be STEP:JUMP:TRUST (numbers >= 0), got '\(text)'")
            }
            tracking = t
        }
        if let text = m.raw["time_offset"] {
            guard let v = Int(text) else { throw DetectorError("\(path): metadata 'time_offset' must be an integer (samples)") }
            timeOffset = v
        }
    }
}
