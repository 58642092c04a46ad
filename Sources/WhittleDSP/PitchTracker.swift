import WhittleNN

/// Online pitch tracking over a salience vector per frame (a causal Viterbi filter, no look-ahead).
///
/// In a mix the model's salience has a peak for the melody and others for the chord tones; the
/// plain argmax hops between them frame by frame. The tracker keeps a score per bin: each frame,
/// the best previous score within reach, less `step` per bin moved (a glide costs little) and at
/// most `jump` (a leap), plus the log-salience; the tracked bin has the best score. A chord tone
/// beside the melody does not take over for a frame. A new note is taken at once when the model is
/// confident (`trust`), else as soon as its salience has outweighed the leap (at a note change the
/// old note's salience falls fast: a few frames; slow strings under a long release lose most).
/// All buffers are allocated in `init`; `push` is a few plain passes over the bins.
@frozen
public struct PitchTracker {
    public struct Parameters: Sendable, Equatable {
        /// Score (nats) per bin moved between frames.
        public var step: Float
        /// Most a move between frames can cost, however far (nats).
        public var jump: Float
        /// A frame whose strongest bin has at least this salience is taken as it is (the tracker
        /// then follows from there): a confident model needs no help. Above 1: never.
        public var trust: Float
        /// Below this salience the line followed has ended: moving away costs that much less
        /// (nothing at silence), so the next note is taken at once however far it is. 0: never.
        public var hold: Float
        public init(step: Float, jump: Float, trust: Float = 2, hold: Float = 0) {
            self.step = step; self.jump = jump; self.trust = trust; self.hold = hold
        }

        /// Chosen on the development items of both training fonts (rendered and lead-balanced mixes,
        /// melody stems; scripts/pitch-tracking-grid): the most mix RPA that kept the melody-stem
        /// RPA of argmax decoding (docs/detector-experiments.md, session 12).
        public static let standard = Parameters(step: 0.15, jump: 15, trust: 0.8)

        /// `STEP:JUMP:TRUST[:HOLD]` (metadata `pitch_tracking`, `whittle eval --pitch-tracking`); nil if malformed.
        public init?(text: String) {
            let v = text.split(separator: ":", omittingEmptySubsequences: false).map { Float($0) }
            guard (3...4).contains(v.count), v.allSatisfy({ $0 != nil && $0!.isFinite && $0! >= 0 }) else { return nil }
            self.init(step: v[0]!, jump: v[1]!, trust: v[2]!, hold: v.count == 4 ? v[3]! : 0)
        }

        public var text: String { "\(step):\(jump):\(trust):\(hold)" }
    }

    public let parameters: Parameters
    public let bins: Int
    @usableFromInline let score: UnsafeMutablePointer<Float>
    /// [0]: frames pushed since the last reset.
    @usableFromInline let frames: UnsafeMutablePointer<Int>
    /// [0]: the salience of the bin tracked in the previous frame.
    @usableFromInline let followed: UnsafeMutablePointer<Float>

    public init(bins: Int, _ parameters: Parameters) {
        precondition(bins >= 1 && parameters.step >= 0 && parameters.jump >= 0)
        self.bins = bins
        self.parameters = parameters
        score = RawBuffer.floats(bins)
        frames = .allocate(capacity: 1)
        frames.initialize(to: 0)
        followed = .allocate(capacity: 1)
        followed.initialize(to: 0)
    }

    public func deallocate() { score.deallocate(); frames.deallocate(); followed.deallocate() }

    public func reset() {
        score.update(repeating: 0, count: bins)
        frames[0] = 0
        followed[0] = 0
    }

    /// Pushes one frame's salience (values in [0, 1]; non-finite ones count as 0) and returns
    /// the tracked bin.
    @_noLocks @_noAllocation
    public func push(_ salience: UnsafePointer<Float>) -> Int {
        let n = bins, hold = parameters.hold
        let grip = hold > 0 ? min(1, followed[0] / hold) : 1
        let step = parameters.step * grip, floor = -parameters.jump * grip
        if frames[0] > 0 {
            // Reach: the best previous score within |i - j| bins less step per bin (two sweeps),
            // never below the cost of a jump (the previous maximum is 0).
            for j in 1..<n { score[j] = max(score[j], score[j - 1] - step) }
            var j = n - 2
            while j >= 0 { score[j] = max(score[j], score[j + 1] - step); j -= 1 }
            for j in 0..<n { score[j] = max(score[j], floor) }
        }
        frames[0] += 1
        for j in 0..<n {
            let v = salience[j]
            score[j] += nnLog(v.isFinite ? max(v, 1e-4) : 1e-4)
        }
        var best = 0, top = score[0], peak = 0, peakValue: Float = -1
        for j in 0..<n {
            if score[j] > top { top = score[j]; best = j }
            let v = salience[j]
            if v.isFinite && v > peakValue { peakValue = v; peak = j }
        }
        for j in 0..<n { score[j] -= top }   // the best stays at 0: no drift, no overflow
        if peakValue >= parameters.trust && peak != best {
            score[peak] = 0
            best = peak
        }
        followed[0] = salience[best].isFinite ? max(0, salience[best]) : 0
        return best
    }
}
