import CRealtime
import Glibc

/// Per-channel energy normalisation (Wang et al. 2017; Lostanlen et al. 2019) of log-mel frames:
/// each band divided by its own slowly smoothed energy, so a held chord or a louder mix flattens
/// out and what changes (a hit's attack, its body under the chord) stands out at any level.
/// On a log-mel value v = log(1 + c·m) the band energy is E = e^v − 1 and
///     M ← (1 − s)·M + s·E,     out = (E / (ε + M)^α + δ)^r − δ^r.
public struct PCENSettings: Sendable, Equatable {
    /// Smoothing time constant in seconds (s = 1 − e^(−hop/T) per frame).
    public var timeConstant: Double
    public var alpha: Float
    public var delta: Float
    public var root: Float
    public var floor: Float
    /// Keep the plain log-mel beside it: two values per band (plain, normalised), a [bands, 2] input.
    public var stack: Bool

    /// Librosa's defaults for the exponents (α 0.98, δ 2, r 0.5); T 0.4 s outlasts a drum hit and
    /// follows a chord change within half a second.
    public init(timeConstant: Double = 0.4, alpha: Float = 0.98, delta: Float = 2, root: Float = 0.5, floor: Float = 1e-6,
                stack: Bool = false) {
        self.timeConstant = timeConstant; self.alpha = alpha; self.delta = delta; self.root = root; self.floor = floor
        self.stack = stack
    }

    /// The smoother's weight of a new frame at `hopSeconds` per frame.
    public func smoothing(hopSeconds: Double) -> Float { Float(1 - exp(-hopSeconds / timeConstant)) }
}

/// Streaming PCEN over `bands` values a frame; the smoother starts on the first frame after
/// `reset` (no start-up transient). Raw pointers only: copied and run on the audio thread.
public struct PCEN {
    let bands: Int
    let s: Float, alpha: Float, delta: Float, root: Float, floor: Float, offset: Float
    /// Smoothed energy per band, then one flag: 0 until the first frame.
    let state: UnsafeMutablePointer<Float>

    public init(_ settings: PCENSettings, bands: Int, hopSeconds: Double) {
        self.bands = bands
        s = settings.smoothing(hopSeconds: hopSeconds)
        alpha = settings.alpha; delta = settings.delta; root = settings.root; floor = settings.floor
        offset = Float(pow(Double(settings.delta), Double(settings.root)))
        state = RawBuffer.floats(bands + 1)
    }

    public func deallocate() { state.deallocate() }
    public func reset() { state[bands] = 0 }

    /// Replaces the log-mel values of one frame by their normalised values.
    @_noLocks @_noAllocation
    public func apply(_ v: UnsafeMutablePointer<Float>) {
        let started = state[bands] != 0
        for b in 0..<bands {
            let e = max(whittle_expf(v[b]) - 1, 0)
            let m = started ? state[b] + s * (e - state[b]) : e
            // An infinite band (a finite but absurd input overflowing the mel sum) must not leave the
            // smoother at inf or NaN for good: that band's smoother starts again from zero.
            state[b] = m.isFinite ? m : 0
            v[b] = whittle_powf(e / whittle_powf(floor + m, alpha) + delta, root) - offset
        }
        state[bands] = 1
    }

    /// Offline: rows of `bands` plain log-mel values as the engine's front end gives them from a
    /// reset (training crops, whole stems): normalised, or with `stack` interleaved (plain, normalised).
    public static func frames(_ plain: [Float], bands: Int, settings: PCENSettings, hopSeconds: Double) -> [Float] {
        let p = PCEN(settings, bands: bands, hopSeconds: hopSeconds)
        defer { p.deallocate() }
        p.reset()
        var normalised = plain
        normalised.withUnsafeMutableBufferPointer { v in
            for f in stride(from: 0, to: v.count - bands + 1, by: bands) { p.apply(v.baseAddress! + f) }
        }
        guard settings.stack else { return normalised }
        var out = [Float](repeating: 0, count: 2 * plain.count)
        for i in plain.indices { out[2 * i] = plain[i]; out[2 * i + 1] = normalised[i] }
        return out
    }
}
