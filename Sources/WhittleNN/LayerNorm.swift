// Layer normalisation over the last axis (torch.nn.LayerNorm(channels)), each group of
// `channels` floats normalised on its own (biased variance).
// File tensors: `<name>.weight` (γ) and `<name>.bias` (β), each [channels]; attribute `eps` (default 1e-5).

public struct LayerNorm {
    public let channels: Int
    public let count: Int
    public let epsilon: Float
    @usableFromInline let gamma: UnsafeMutablePointer<Float>
    @usableFromInline let beta: UnsafeMutablePointer<Float>
    @usableFromInline let input: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    public init(channels: Int, count: Int, epsilon: Float, gamma: [Float], beta: [Float],
                input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, arena: Arena) {
        precondition(gamma.count == channels && beta.count == channels && count % channels == 0)
        self.channels = channels
        self.count = count
        self.epsilon = epsilon
        self.gamma = arena.floats(channels)
        self.beta = arena.floats(channels)
        for c in 0..<channels {
            self.gamma[c] = gamma[c]
            self.beta[c] = beta[c]
        }
        self.input = input
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run() {
        let n = Float(channels)
        var base = 0
        while base < count {
            let x = input + base
            var sum: Float = 0
            for c in 0..<channels { sum += x[c] }
            let mean = sum / n
            var squares: Float = 0
            for c in 0..<channels {
                let d = x[c] - mean
                squares += d * d
            }
            let inv = nnInverseSquareRoot(squares / n + epsilon)
            for c in 0..<channels { output[base + c] = (x[c] - mean) * inv * gamma[c] + beta[c] }
            base += channels
        }
    }
}
