import CRealtime
import Glibc
import WhittleNN

/// What a model's front end computes from audio, as stated in its file's metadata.
public struct FeatureSettings: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Mel bands of the STFT magnitude, value log(1 + compression · mel).
        case logMel(fftSize: Int, bands: Int, minHz: Double, maxHz: Double, compression: Float)
        /// The last `size` raw samples, normalised to zero mean and unit variance (CREPE).
        case frames(size: Int)
        /// Harmonic log-frequency spectrum (pitch; Bittner et al.'s harmonic CQT from one STFT):
        /// `bins` rows spaced `binsPerOctave` per octave from `minHz`; column h holds the row's
        /// spectrum at harmonic h of its frequency, i.e. the same log-frequency spectrum shifted by
        /// round(binsPerOctave · log2 h) rows (exact for ½, 2, 4; within 6 cents for 3 and 5 at 60
        /// per octave), so one spectrum of a few hundred bands serves every column. A `window`-sample
        /// Hann frame zero-padded to `fftSize`; value log(1 + compression · mean magnitude).
        /// Laid out [bin][harmonic], i.e. a (frequency × channel) image with one channel per harmonic.
        case harmonicSpectrum(window: Int, fftSize: Int, minHz: Double, bins: Int, binsPerOctave: Int,
                              harmonics: [Double], compression: Float)
    }
    public var kind: Kind
    public var sampleRate: Int
    public var hop: Int
    /// Log-mel only: per-channel energy normalisation after the log (nil: plain log-mel).
    public var pcen: PCENSettings?

    public init(kind: Kind, sampleRate: Int, hop: Int, pcen: PCENSettings? = nil) {
        self.kind = kind
        self.sampleRate = sampleRate
        self.hop = hop
        self.pcen = pcen
    }

    public var hopSeconds: Double { Double(hop) / Double(sampleRate) }

    /// The same front end without PCEN: the log-mel frames training augments before normalising.
    public var withoutPCEN: FeatureSettings { var s = self; s.pcen = nil; return s }

    /// Samples each feature frame looks at.
    public var frameLength: Int {
        switch kind {
        case .logMel(let n, _, _, _, _): return n
        case .frames(let size): return size
        case .harmonicSpectrum(let window, _, _, _, _, _, _): return window
        }
    }

    /// Values per feature frame.
    public var count: Int {
        switch kind {
        case .logMel(_, let bands, _, _, _): return pcen?.stack == true ? 2 * bands : bands
        case .frames(let size): return size
        case .harmonicSpectrum(_, _, _, let bins, _, let harmonics, _): return bins * harmonics.count
        }
    }

    /// Row shift of each harmonic column: round(binsPerOctave · log2 h).
    public static func harmonicShifts(_ harmonics: [Double], binsPerOctave: Int) -> [Int] {
        harmonics.map { Int((Double(binsPerOctave) * log2($0)).rounded()) }
    }
}

/// Streaming front end: one feature frame per hop. The same code computes training features
/// offline and live features on the audio thread, so the two cannot drift apart.
public struct FeatureExtractor {
    /// Samples per feature frame step. (The settings themselves are not kept: with the harmonic
    /// list they are reference-counted, and this struct is copied on the audio thread.)
    public let hop: Int
    let stft: STFTFrame
    /// Mel or log-frequency bands; nil for raw frames.
    let bands: SparseFilterbank?
    let compression: Float
    let count: Int
    /// Log band values before the harmonic columns are gathered from them (`bands.bandCount`).
    let bandValues: UnsafeMutablePointer<Float>
    /// Harmonic spectrum: rows, columns and each column's offset into `bandValues`; 0 columns
    /// means the bands are the features.
    let rows: Int
    let columns: Int
    let columnOffsets: UnsafeMutablePointer<Int32>
    /// `settings.count` values, valid after `push`.
    public let features: UnsafeMutablePointer<Float>
    /// Log-mel with PCEN: the normaliser's state, and whether the plain values stay beside it.
    let pcen: PCEN?
    let pcenStacked: Bool

    public init(_ settings: FeatureSettings) {
        hop = settings.hop
        count = settings.count
        pcenStacked = settings.pcen?.stack == true
        features = RawBuffer.floats(count)
        let rate = Double(settings.sampleRate)
        var offsets: [Int] = []
        switch settings.kind {
        case .logMel(let n, let b, let lo, let hi, let c):
            stft = STFTFrame(size: n, hop: settings.hop)
            bands = .mel(fftSize: n, sampleRate: rate, bands: b, minHz: lo, maxHz: hi)
            compression = c
            pcen = settings.pcen.map { PCEN($0, bands: b, hopSeconds: settings.hopSeconds) }
        case .frames(let size):
            stft = STFTFrame(size: size, hop: settings.hop)
            bands = nil
            compression = 1
            pcen = nil
        case .harmonicSpectrum(let window, let n, let lo, let bins, let perOctave, let harmonics, let c):
            stft = STFTFrame(size: window, hop: settings.hop, fftSize: n)
            // One log-frequency axis from the lowest to the highest row any column reads.
            let shifts = FeatureSettings.harmonicShifts(harmonics, binsPerOctave: perOctave)
            let low = shifts.min()!, high = bins - 1 + shifts.max()!
            bands = .logFrequency(fftSize: n, sampleRate: rate,
                                  centresHz: (low...high).map { lo * pow(2, Double($0) / Double(perOctave)) },
                                  binsPerOctave: Double(perOctave))
            offsets = shifts.map { $0 - low }
            compression = c
            pcen = nil
        }
        columns = offsets.count
        rows = columns > 0 ? count / columns : count
        columnOffsets = .allocate(capacity: max(columns, 1))
        for (i, o) in offsets.enumerated() { columnOffsets[i] = Int32(o) }
        bandValues = RawBuffer.floats(bands?.bandCount ?? 1)
    }

    public func deallocate() {
        stft.deallocate(); bands?.deallocate(); features.deallocate(); bandValues.deallocate(); columnOffsets.deallocate()
        pcen?.deallocate()
    }
    public func reset() { stft.reset(); pcen?.reset() }

    /// Consumes one hop and computes the features of the frame ending with it.
    @_noLocks @_noAllocation
    public func push(_ hop: UnsafePointer<Float>) {
        if let bands, columns > 0 {
            stft.push(hop)
            bands.apply(stft.magnitude, into: bandValues)
            for b in 0..<bands.bandCount { bandValues[b] = nnLog1p(compression * bandValues[b]) }
            for k in 0..<rows {
                for h in 0..<columns { features[k * columns + h] = bandValues[k + Int(columnOffsets[h])] }
            }
        } else if let bands, let pcen, pcenStacked {
            // Two values per band: the plain log-mel, then its normalised copy.
            stft.push(hop)
            bands.apply(stft.magnitude, into: bandValues)
            for b in 0..<bands.bandCount {
                bandValues[b] = nnLog1p(compression * bandValues[b])
                features[2 * b] = bandValues[b]
            }
            pcen.apply(bandValues)
            for b in 0..<bands.bandCount { features[2 * b + 1] = bandValues[b] }
        } else if let bands {
            stft.push(hop)
            bands.apply(stft.magnitude, into: features)
            for b in 0..<count { features[b] = nnLog1p(compression * features[b]) }
            if let pcen { pcen.apply(features) }
        } else {
            stft.append(hop)
            let n = stft.size
            let x = stft.samples
            var mean: Float = 0
            for k in 0..<n { mean += x[k] }
            mean /= Float(n)
            var variance: Float = 0
            for k in 0..<n { variance += (x[k] - mean) * (x[k] - mean) }
            let scale = 1 / max(whittle_sqrtf(variance / Float(n)), 1e-8)
            for k in 0..<n { features[k] = (x[k] - mean) * scale }
        }
    }

    /// Offline helper: features of a whole signal, one row per hop (frames end at hop, 2·hop, ...).
    public func featureMatrix(of signal: [Float]) -> [[Float]] {
        reset()
        var rows: [[Float]] = []
        var i = 0
        signal.withUnsafeBufferPointer { x in
            while i + hop <= x.count {
                push(x.baseAddress! + i)
                rows.append(Array(UnsafeBufferPointer(start: features, count: count)))
                i += hop
            }
        }
        return rows
    }
}
