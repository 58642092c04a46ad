/// A snapshot of the engine's counters, read off the audio thread.
public struct EngineStats: Sendable, Equatable {
    public var blocks: UInt64
    public var frames: UInt64
    public var xruns: UInt64
    /// Blocks whose render took longer than the deadline (when one is set).
    public var deadlineMisses: UInt64
    /// Processor-blocks skipped because the deadline had passed or the output was not finite.
    public var bypasses: UInt64
    /// Input samples that were NaN or infinite (replaced by 0).
    public var nonFiniteInputs: UInt64
    /// Events lost because the ring to the writers or the block list was full.
    public var droppedEvents: UInt64
    public var events: UInt64
    public var renderP50: UInt64
    public var renderP99: UInt64
    public var renderP999: UInt64
    public var renderMax: UInt64
}

