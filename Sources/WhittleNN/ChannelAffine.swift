// Per-channel y = x·scale + shift over the last axis: what a BatchNorm becomes when it cannot be
// folded into the layer before it (its input is a graph input, an activation, a pooled value...).
// File tensors (torch.nn.BatchNorm1d/2d): `<name>.weight` (γ), `<name>.bias` (β),
// `<name>.running_mean`, `<name>.running_var`, each [channels]; attribute `eps` (default 1e-5).

public struct ChannelAffine {
    public let channels: Int
    public let count: Int
    @usableFromInline let scale: UnsafeMutablePointer<Float>
    @usableFromInline let shift: UnsafeMutablePointer<Float>
    @usableFromInline let input: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    /// `count` is the frame size, a multiple of `channels`.
    public init(channels: Int, count: Int, scale: [Float], shift: [Float],
                input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, arena: Arena) {
        precondition(scale.count == channels && shift.count == channels && count % channels == 0)
        self.channels = channels
        self.count = count
        self.scale = arena.floats(channels)
        self.shift = arena.floats(channels)
        for c in 0..<channels {
            self.scale[c] = scale[c]
            self.shift[c] = shift[c]
        }
        self.input = input
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run() {
        var base = 0
        while base < count {
            for c in 0..<channels { output[base + c] = input[base + c] * scale[c] + shift[c] }
            base += channels
        }
    }
}
