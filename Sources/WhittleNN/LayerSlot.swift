// How a built model stores its layers for the forward pass: one pointer per layer, so dispatch
// copies a word instead of the whole layer struct (Layer's payloads are up to ~200 bytes, and
// copying them cost ~20 ns per node per frame).

@usableFromInline
enum LayerSlot {
    case dense(UnsafeMutablePointer<Dense>)
    case conv1d(UnsafeMutablePointer<Conv1D>)
    case conv2d(UnsafeMutablePointer<Conv2D>)
    case convTranspose1d(UnsafeMutablePointer<ConvTranspose1D>)
    case gru(UnsafeMutablePointer<GRU>)
    case lstm(UnsafeMutablePointer<LSTM>)
    case channelAffine(UnsafeMutablePointer<ChannelAffine>)
    case layerNorm(UnsafeMutablePointer<LayerNorm>)
    case frequencyPool(UnsafeMutablePointer<FrequencyPool>)
    case add(UnsafeMutablePointer<Add>)
    case concat(UnsafeMutablePointer<Concat>)
    case activation(UnsafeMutablePointer<ActivationLayer>)

    /// Moves a layer into arena storage.
    init(_ layer: Layer, arena: Arena) {
        switch layer {
        case .dense(let l): self = .dense(arena.values(1, initial: l))
        case .conv1d(let l): self = .conv1d(arena.values(1, initial: l))
        case .conv2d(let l): self = .conv2d(arena.values(1, initial: l))
        case .convTranspose1d(let l): self = .convTranspose1d(arena.values(1, initial: l))
        case .gru(let l): self = .gru(arena.values(1, initial: l))
        case .lstm(let l): self = .lstm(arena.values(1, initial: l))
        case .channelAffine(let l): self = .channelAffine(arena.values(1, initial: l))
        case .layerNorm(let l): self = .layerNorm(arena.values(1, initial: l))
        case .frequencyPool(let l): self = .frequencyPool(arena.values(1, initial: l))
        case .add(let l): self = .add(arena.values(1, initial: l))
        case .concat(let l): self = .concat(arena.values(1, initial: l))
        case .activation(let l): self = .activation(arena.values(1, initial: l))
        }
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    func run(step: Int) {
        switch self {
        case .dense(let p): p.pointee.run()
        case .conv1d(let p): p.pointee.run(step: step)
        case .conv2d(let p): p.pointee.run(step: step)
        case .convTranspose1d(let p): p.pointee.run()
        case .gru(let p): p.pointee.run()
        case .lstm(let p): p.pointee.run()
        case .channelAffine(let p): p.pointee.run()
        case .layerNorm(let p): p.pointee.run()
        case .frequencyPool(let p): p.pointee.run()
        case .add(let p): p.pointee.run()
        case .concat(let p): p.pointee.run()
        case .activation(let p): p.pointee.run()
        }
    }

    func reset() {
        switch self {
        case .conv1d(let p): p.pointee.reset()
        case .conv2d(let p): p.pointee.reset()
        case .convTranspose1d(let p): p.pointee.reset()
        case .gru(let p): p.pointee.reset()
        case .lstm(let p): p.pointee.reset()
        case .dense, .channelAffine, .layerNorm, .frequencyPool, .add, .concat, .activation: break
        }
    }
}

/// A scheduled layer: runs once every `period` model frames.
@usableFromInline
struct ScheduledLayer {
    @usableFromInline let slot: LayerSlot
    @usableFromInline let period: Int
}
