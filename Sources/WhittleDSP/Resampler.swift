import Glibc

/// Streaming rational resampler (polyphase windowed sinc, Kaiser window).
///
/// Output sample `j` is the band-limited input signal at input time `j * inRate / outRate`
/// exactly (zero phase); it is emitted as soon as the input it needs has arrived, i.e.
/// `latencyInInputSamples` later. Samples are consumed one by one internally, so the
/// output never depends on how the input is split into blocks.
@frozen
public struct Resampler {
    public let inRate: Int
    public let outRate: Int
    /// Reduced ratio: outRate/inRate = up/down.
    public let up: Int
    public let down: Int
    /// Input samples on each side of the interpolation point.
    public let halfWidth: Int
    @usableFromInline let taps: Int
    @usableFromInline let table: UnsafeMutablePointer<Float>
    /// Input history, written twice (at i and i + historySize) so any window is contiguous.
    @usableFromInline let history: UnsafeMutablePointer<Float>
    @usableFromInline let historyMask: Int
    /// [0] inputs received, [1] next output index.
    @usableFromInline let counters: UnsafeMutablePointer<Int>

    /// Input samples between an input instant and the moment its output is emitted.
    public var latencyInInputSamples: Int { halfWidth + 1 }

    public init(inRate: Int, outRate: Int, zeroCrossings: Int = 16, rolloff: Double = 0.92, beta: Double = 8.0) {
        precondition(inRate > 0 && outRate > 0)
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let g = gcd(inRate, outRate)
        self.inRate = inRate
        self.outRate = outRate
        up = outRate / g
        down = inRate / g
        let scale = min(1.0, Double(outRate) / Double(inRate))
        let cutoff = rolloff * scale
        let hw = Int((Double(zeroCrossings) / scale).rounded(.up))
        halfWidth = hw
        taps = 2 * hw
        table = RawBuffer.floats(up * taps)
        let i0beta = Resampler.besselI0(beta)
        for phase in 0..<up {
            let frac = Double(phase) / Double(up)
            var sum = 0.0
            for k in 0..<taps {
                // Tap k reads input (i - hw + 1 + k); its distance from the output instant i + frac:
                let x = Double(k - hw + 1) - frac
                let sinc = x == 0 ? 1.0 : sin(Double.pi * cutoff * x) / (Double.pi * cutoff * x)
                let r = x / Double(hw)
                let window = abs(r) >= 1 ? 0.0 : Resampler.besselI0(beta * (1 - r * r).squareRoot()) / i0beta
                let h = cutoff * sinc * window
                table[phase * taps + k] = Float(h)
                sum += h
            }
            // Unity gain at DC for every phase.
            for k in 0..<taps { table[phase * taps + k] = Float(Double(table[phase * taps + k]) / sum) }
        }
        var size = 1
        while size < taps + 1 { size <<= 1 }
        historyMask = size - 1
        history = RawBuffer.floats(2 * size)
        counters = .allocate(capacity: 2)
        counters.initialize(repeating: 0, count: 2)
    }

    private static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0, k = 1.0
        while term > 1e-12 * sum {
            term *= (x / (2 * k)) * (x / (2 * k))
            sum += term
            k += 1
        }
        return sum
    }

    public func deallocate() {
        table.deallocate(); history.deallocate(); counters.deallocate()
    }

    public func reset() {
        history.update(repeating: 0, count: 2 * (historyMask + 1))
        counters[0] = 0
        counters[1] = 0
    }

    /// Most output samples `inputCount` input samples can produce.
    public func maxOutput(forInput inputCount: Int) -> Int {
        (inputCount * up + down - 1) / down + 1
    }

    /// Consumes `count` input samples; writes the outputs that became available and returns how many.
    @_noLocks @_noAllocation
    public func process(_ input: UnsafePointer<Float>, count: Int, into output: UnsafeMutablePointer<Float>) -> Int {
        var received = counters[0]
        var next = counters[1]
        let size = historyMask + 1
        var written = 0
        for n in 0..<count {
            let slot = received & historyMask
            history[slot] = input[n]
            history[slot + size] = input[n]
            received += 1
            // Emit every output whose rightmost tap (input i + hw) has now arrived.
            while true {
                let position = next * down
                let i = position / up
                if i + halfWidth >= received { break }
                let phase = position - i * up
                let start = (i - halfWidth + 1) & historyMask
                let coefficients = table + phase * taps
                let window = history + start
                var acc: Float = 0
                for k in 0..<taps { acc += window[k] * coefficients[k] }
                output[written] = acc
                written += 1
                next += 1
            }
        }
        counters[0] = received
        counters[1] = next
        return written
    }
}
