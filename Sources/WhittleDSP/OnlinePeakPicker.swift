/// Online peak picking over a detection function, one value per frame.
///
/// Frame `t` is an onset when, once frame `t + 1` is known (one frame of look-ahead):
/// it is the maximum of the last `preMax` frames and of frame `t + 1`, it exceeds the mean of
/// the last `preAvg` frames by `delta` (or `delta` itself when `preAvg` is 0), and at least `combine` frames have passed since
/// the previous onset. This is the online rule of Böck et al. (2012) with a bounded look-ahead.
@frozen
public struct OnlinePeakPicker {
    public struct Parameters: Sendable {
        public var preMax: Int
        public var preAvg: Int
        public var delta: Float
        public var combine: Int
        public init(preMax: Int, preAvg: Int, delta: Float, combine: Int) {
            self.preMax = preMax; self.preAvg = preAvg; self.delta = delta; self.combine = combine
        }
    }

    @usableFromInline struct State {
        var frames: Int = 0          // values pushed so far
        var lastOnset: Int = -1_000_000
        var delta: Float = 0
    }

    public let parameters: Parameters
    @usableFromInline let history: UnsafeMutablePointer<Float>  // ring of the last `length` values
    @usableFromInline let length: Int
    @usableFromInline let state: UnsafeMutablePointer<State>

    /// Frames between a frame and the moment it can be confirmed.
    public static let lookAhead = 1

    public init(_ parameters: Parameters) {
        precondition(parameters.preMax >= 1 && parameters.preAvg >= 0 && parameters.combine >= 0)
        self.parameters = parameters
        length = max(parameters.preMax, parameters.preAvg) + 2
        history = RawBuffer.floats(length)
        state = .allocate(capacity: 1)
        state.initialize(to: State(delta: parameters.delta))
    }

    public func deallocate() { history.deallocate(); state.deallocate() }

    public func reset() {
        history.update(repeating: 0, count: length)
        state.pointee = State(delta: state.pointee.delta)
    }

    /// Changes the threshold (from the control ring).
    @_noLocks @_noAllocation
    public func setDelta(_ delta: Float) { state.pointee.delta = delta }

    func value(_ frame: Int) -> Float {
        frame < 0 ? 0 : history[frame % length]
    }

    /// Pushes the value of the newest frame. Returns the index of the frame confirmed as an
    /// onset (the one before it), or -1, and its height above the threshold in `excess`.
    @_noLocks @_noAllocation
    public func push(_ value: Float, excess: inout Float) -> Int {
        let t = state.pointee.frames
        history[t % length] = value
        state.pointee.frames = t + 1
        let candidate = t - 1
        if candidate < 0 { return -1 }
        let c = self.value(candidate)
        if c < value { return -1 }
        var peak: Float = 0
        var sum: Float = 0
        for k in 1..<parameters.preMax { peak = max(peak, self.value(candidate - k)) }
        if c < peak { return -1 }
        for k in 0..<parameters.preAvg { sum += self.value(candidate - k) }
        // preAvg 0: a fixed threshold (probabilities from a network); otherwise adaptive.
        let threshold = (parameters.preAvg > 0 ? sum / Float(parameters.preAvg) : 0) + state.pointee.delta
        if c < threshold { return -1 }
        if candidate - state.pointee.lastOnset < parameters.combine { return -1 }
        state.pointee.lastOnset = candidate
        excess = c - threshold
        return candidate
    }
}
