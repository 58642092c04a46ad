// The closed set of layer kinds a model runs, dispatched with a switch (no existentials).
//
// Every layer reads its input and writes its output through raw pointers fixed when it is built.
// Kernels work in whole SIMD8 chunks, so a layer may read and write up to 7 floats past the end
// of its buffers: pass buffers from Arena.floats (16 floats of slack), never bare arrays.

public enum Layer {
    case dense(Dense)
    case conv1d(Conv1D)
    case conv2d(Conv2D)
    case convTranspose1d(ConvTranspose1D)
    case gru(GRU)
    case lstm(LSTM)
    case channelAffine(ChannelAffine)
    case layerNorm(LayerNorm)
    case frequencyPool(FrequencyPool)
    case add(Add)
    case concat(Concat)
    case activation(ActivationLayer)

    /// Runs on input frame number `step` of this layer's input stream.
    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run(step: Int) {
        switch self {
        case .dense(let l): l.run()
        case .conv1d(let l): l.run(step: step)
        case .conv2d(let l): l.run(step: step)
        case .convTranspose1d(let l): l.run()
        case .gru(let l): l.run()
        case .lstm(let l): l.run()
        case .channelAffine(let l): l.run()
        case .layerNorm(let l): l.run()
        case .frequencyPool(let l): l.run()
        case .add(let l): l.run()
        case .concat(let l): l.run()
        case .activation(let l): l.run()
        }
    }

    /// Clears streaming state (convolution histories, recurrent states).
    public func reset() {
        switch self {
        case .conv1d(let l): l.reset()
        case .conv2d(let l): l.reset()
        case .convTranspose1d(let l): l.reset()
        case .gru(let l): l.reset()
        case .lstm(let l): l.reset()
        case .dense, .channelAffine, .layerNorm, .frequencyPool, .add, .concat, .activation: break
        }
    }
}

/// A layer in a model, with the rate it runs at: once every `period` model frames.
public struct Node {
    public let layer: Layer
    public let period: Int
    public init(layer: Layer, period: Int) {
        self.layer = layer
        self.period = period
    }
}
