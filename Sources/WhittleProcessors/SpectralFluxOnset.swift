import CRealtime
import Glibc
import WhittleDSP

/// Spectral-flux onset detector (SuperFlux-style), the classic baseline the neural
/// detectors must beat. Runs at its own rate on a fixed hop:
/// Hann-windowed STFT → log-frequency filterbank → log(1 + λ·x) → positive difference
/// against a frequency-max-filtered earlier frame → online peak picking.
public struct SpectralFluxOnset {
    public struct Settings: Sendable {
        public var sampleRate = 22050
        public var frameSize = 1024
        public var hop = 220               // ≈ 10 ms
        public var bandsPerOctave = 24.0
        public var minHz = 30.0
        public var maxHz = 11000.0
        public var compression: Float = 100
        public var diffFrames = 2
        public var maxFilterBands = 3
        public var peaks = OnlinePeakPicker.Parameters(preMax: 5, preAvg: 6, delta: 5.0, combine: 3)
        /// Where the onset lies relative to the end of its frame, in samples (calibrated on training renders).
        public var timeOffset = -620
        public init() {}
    }

    struct State {
        var hops = 0
        /// First hop whose reference frame is real (after the start, or after skipped hops).
        var validFrom = 0
    }

    public let settings: Settings
    let stft: STFTFrame
    let filterbank: SparseFilterbank
    let spectra: UnsafeMutablePointer<Float>    // ring of diffFrames + 1 band spectra
    let filtered: UnsafeMutablePointer<Float>
    let picker: OnlinePeakPicker
    let state: UnsafeMutablePointer<State>

    /// Samples (at the detector's rate) between an onset and the moment it is reported, at most.
    public var maxReportDelay: Int {
        settings.hop * (OnlinePeakPicker.lookAhead + 1) - settings.timeOffset
    }

    public init(settings: Settings = Settings()) {
        self.settings = settings
        stft = STFTFrame(size: settings.frameSize, hop: settings.hop)
        filterbank = .logarithmic(fftSize: settings.frameSize, sampleRate: Double(settings.sampleRate),
                                  bandsPerOctave: settings.bandsPerOctave, minHz: settings.minHz, maxHz: settings.maxHz)
        spectra = RawBuffer.floats((settings.diffFrames + 1) * filterbank.bandCount)
        filtered = RawBuffer.floats(filterbank.bandCount)
        picker = OnlinePeakPicker(settings.peaks)
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    public func deallocate() {
        stft.deallocate(); filterbank.deallocate(); spectra.deallocate(); filtered.deallocate()
        picker.deallocate(); state.deallocate()
    }

    public func reset() {
        stft.reset()
        spectra.update(repeating: 0, count: (settings.diffFrames + 1) * filterbank.bandCount)
        picker.reset()
        state.pointee = State()
    }

    @_noLocks @_noAllocation
    public func setThreshold(_ delta: Float) { picker.setDelta(delta) }

    /// A hop the engine had no time for (deadline bypass): the clock moves on with a flux of 0, and
    /// the frames whose reference was skipped stay quiet. Returns a confirmed onset as `process` does.
    @_noLocks @_noAllocation
    public func skip(strength: inout Float) -> Int {
        let t = state.pointee.hops
        state.pointee.hops = t + 1
        state.pointee.validFrom = t + 1 + settings.diffFrames
        return pick(0, strength: &strength)
    }

    /// Consumes one hop of samples. Returns the sample position (at the detector's rate, from the
    /// detector's first sample) of a confirmed onset, or -1; its strength in 0...1 in `strength`.
    @_noLocks @_noAllocation
    public func process(hop input: UnsafePointer<Float>, strength: inout Float) -> Int {
        stft.push(input)
        let bands = filterbank.bandCount
        let t = state.pointee.hops
        let current = spectra + (t % (settings.diffFrames + 1)) * bands
        filterbank.apply(stft.magnitude, into: current)
        for b in 0..<bands { current[b] = whittle_log1pf(settings.compression * current[b]) }
        // Maximum filter along frequency on the reference frame suppresses vibrato.
        let reference = spectra + ((t + 1) % (settings.diffFrames + 1)) * bands
        let radius = settings.maxFilterBands / 2
        for b in 0..<bands {
            var m = reference[b]
            let lo = max(0, b - radius), hi = min(bands - 1, b + radius)
            for k in lo...hi { m = max(m, reference[k]) }
            filtered[b] = m
        }
        var flux: Float = 0
        for b in 0..<bands { flux += max(0, current[b] - filtered[b]) }
        state.pointee.hops = t + 1
        // Until the reference frame exists the difference is meaningless.
        if t < max(settings.diffFrames, state.pointee.validFrom) { flux = 0 }
        return pick(flux, strength: &strength)
    }

    /// Online peak picking on this hop's flux: a confirmed onset's position and strength, or -1.
    @_noLocks @_noAllocation
    func pick(_ flux: Float, strength: inout Float) -> Int {
        var excess: Float = 0
        let onsetFrame = picker.push(flux, excess: &excess)
        if onsetFrame < 0 { return -1 }
        strength = min(1, excess / (4 * settings.peaks.delta + 1e-6))
        return (onsetFrame + 1) * settings.hop + settings.timeOffset
    }
}
