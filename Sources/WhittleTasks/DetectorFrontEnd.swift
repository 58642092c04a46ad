import Foundation
import WhittleDSP
import WhittleProcessors
import WhittleTrain

/// The front ends the shipped detectors use, and their `features` metadata (the JSON the engine's
/// neural detector parses back into the same `FeatureSettings`).
public enum DetectorFrontEnd {
    /// Onsets and drums: 64 log-mel bands of a 1024-point STFT at 16 kHz, 10 ms hop.
    /// Compression 1000 keeps quiet notes (−60 dB) in the logarithmic range.
    public static func logMel(sampleRate: Int = 16000, hop: Int = 160, fftSize: Int = 1024, bands: Int = 64,
                              minHz: Double = 30, maxHz: Double = 8000, compression: Float = 1000) -> FeatureSettings {
        FeatureSettings(kind: .logMel(fftSize: fftSize, bands: bands, minHz: minHz, maxHz: maxHz, compression: compression),
                        sampleRate: sampleRate, hop: hop)
    }

    /// Pitch: CREPE's 1024 raw samples at 16 kHz, hop 160 (10 ms) to 256 (16 ms).
    public static func frames(size: Int = 1024, sampleRate: Int = 16000, hop: Int = 160) -> FeatureSettings {
        FeatureSettings(kind: .frames(size: size), sampleRate: sampleRate, hop: hop)
    }

    /// Pitch: harmonic log-frequency spectrum on CREPE's axis (360 bins of 20 cents from 31.7 Hz),
    /// read at ½, 1, 2, 3, 4 and 5 times each bin's frequency; a 1024-sample (64 ms) Hann frame at
    /// 16 kHz zero-padded to 2048. The stacked harmonics line up a note's partials in one column,
    /// so a small convolution along frequency finds f0 wherever it lies (shift equivariance).
    public static func harmonicSpectrum(sampleRate: Int = 16000, hop: Int = 160, window: Int = 1024, fftSize: Int = 2048,
                                        minHz: Double = PitchBins.hertz(cents: PitchBins.firstCents), bins: Int = 360, binsPerOctave: Int = 60,
                                        harmonics: [Double] = [0.5, 1, 2, 3, 4, 5], compression: Float = 1) -> FeatureSettings {
        FeatureSettings(kind: .harmonicSpectrum(window: window, fftSize: fftSize, minHz: minHz, bins: bins, binsPerOctave: binsPerOctave,
                                                harmonics: harmonics, compression: compression),
                        sampleRate: sampleRate, hop: hop)
    }

    /// The `features` metadata value.
    public static func json(_ s: FeatureSettings) -> String {
        switch s.kind {
        case .logMel(let n, let bands, let lo, let hi, let c):
            var pcen = ""
            if let p = s.pcen {
                pcen = ",\"pcen\":{\"time_constant\":\(p.timeConstant),\"alpha\":\(p.alpha),\"delta\":\(p.delta),\"root\":\(p.root),\"floor\":\(p.floor)\(p.stack ? ",\"stack\":true" : "")}"
            }
            return "{\"type\":\"logmel\",\"n_fft\":\(n),\"bands\":\(bands),\"fmin\":\(lo),\"fmax\":\(hi),\"compression\":\(c)\(pcen)}"
        case .frames(let size):
            return "{\"type\":\"frames\",\"size\":\(size)}"
        case .harmonicSpectrum(let w, let n, let lo, let bins, let perOctave, let h, let c):
            let hs = h.map { "\($0)" }.joined(separator: ",")
            return "{\"type\":\"harmonic_spectrum\",\"window\":\(w),\"n_fft\":\(n),\"fmin\":\(lo),\"bins\":\(bins),\"bins_per_octave\":\(perOctave),\"harmonics\":[\(hs)],\"compression\":\(c)}"
        }
    }

    /// Reads a `features` metadata value back (for evaluating a model file offline).
    public static func parse(_ json: String, sampleRate: Int, hop: Int) throws -> FeatureSettings {
        guard let o = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw CorpusError(description: "features metadata is not a JSON object: \(json)")
        }
        func num(_ k: String, _ d: Double) -> Double { (o[k] as? Double) ?? (o[k] as? Int).map(Double.init) ?? d }
        switch o["type"] as? String {
        case "logmel":
            var f = logMel(sampleRate: sampleRate, hop: hop, fftSize: Int(num("n_fft", 1024)), bands: Int(num("bands", 64)),
                           minHz: num("fmin", 30), maxHz: num("fmax", Double(sampleRate) / 2), compression: Float(num("compression", 1)))
            do { f.pcen = try NeuralDetectorSettings.pcen(o["pcen"], path: "model metadata") } catch {
                throw CorpusError(description: error.description)
            }
            return f
        case "frames":
            return frames(size: Int(num("size", 1024)), sampleRate: sampleRate, hop: hop)
        case "harmonic_spectrum":
            let list: [Any] = (o["harmonics"] as? [Any]) ?? [0.5, 1, 2, 3, 4, 5]
            let h: [Double] = list.compactMap { v -> Double? in (v as? Double) ?? (v as? Int).map(Double.init) }
            return harmonicSpectrum(sampleRate: sampleRate, hop: hop, window: Int(num("window", 1024)), fftSize: Int(num("n_fft", 2048)),
                                    minHz: num("fmin", PitchBins.hertz(cents: PitchBins.firstCents)), bins: Int(num("bins", 360)),
                                    binsPerOctave: Int(num("bins_per_octave", 60)), harmonics: h, compression: Float(num("compression", 1)))
        default:
            throw CorpusError(description: "features type must be logmel, frames or harmonic_spectrum: \(json)")
        }
    }
}

/// The log-mel value of the same audio at another level: v = log(1 + c·m) and the mel magnitude m
/// is linear in the signal, so gain g gives log(1 + g·(e^v − 1)) exactly.
@inlinable
public func logMelAtGain(_ v: Float, _ gain: Float) -> Float {
    Float(log1p(Double(gain) * expm1(Double(v))))
}
