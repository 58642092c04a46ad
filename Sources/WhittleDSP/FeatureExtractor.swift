import CRealtime

/// What a model's front end computes from audio, as stated in its file's metadata.
public struct FeatureSettings: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Mel bands of the STFT magnitude, value log(1 + compression · mel).
        case logMel(fftSize: Int, bands: Int, minHz: Double, maxHz: Double, compression: Float)
        /// The last `size` raw samples, normalised to zero mean and unit variance (CREPE).
        case frames(size: Int)
    }
    public var kind: Kind
    public var sampleRate: Int
    public var hop: Int

    public init(kind: Kind, sampleRate: Int, hop: Int) {
        self.kind = kind
        self.sampleRate = sampleRate
        self.hop = hop
    }

    /// Samples each feature frame looks at.
    public var frameLength: Int {
        switch kind {
        case .logMel(let n, _, _, _, _): return n
        case .frames(let size): return size
        }
    }

    /// Values per feature frame.
    public var count: Int {
        switch kind {
        case .logMel(_, let bands, _, _, _): return bands
        case .frames(let size): return size
        }
    }
}

/// Streaming front end: one feature frame per hop. The same code computes training features
/// offline and live features on the audio thread, so the two cannot drift apart.
public struct FeatureExtractor {
    public let settings: FeatureSettings
    let stft: STFTFrame
    let mel: SparseFilterbank?
    let compression: Float
    /// `settings.count` values, valid after `push`.
    public let features: UnsafeMutablePointer<Float>

    public init(_ settings: FeatureSettings) {
        self.settings = settings
        stft = STFTFrame(size: settings.frameLength, hop: settings.hop)
        features = RawBuffer.floats(settings.count)
        switch settings.kind {
        case .logMel(let n, let bands, let lo, let hi, let c):
            mel = .mel(fftSize: n, sampleRate: Double(settings.sampleRate), bands: bands, minHz: lo, maxHz: hi)
            compression = c
        case .frames:
            mel = nil
            compression = 1
        }
    }

    public func deallocate() { stft.deallocate(); mel?.deallocate(); features.deallocate() }
    public func reset() { stft.reset() }

    /// Consumes one hop and computes the features of the frame ending with it.
    @_noLocks @_noAllocation
    public func push(_ hop: UnsafePointer<Float>) {
        if let mel {
            stft.push(hop)
            mel.apply(stft.magnitude, into: features)
            for b in 0..<settings.count { features[b] = whittle_log1pf(compression * features[b]) }
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
            while i + settings.hop <= x.count {
                push(x.baseAddress! + i)
                rows.append(Array(UnsafeBufferPointer(start: features, count: settings.count)))
                i += settings.hop
            }
        }
        return rows
    }
}
