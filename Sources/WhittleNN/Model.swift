// A built model: layers in topological order over preallocated buffers. `process()` runs one
// frame and touches only those buffers; building (see ModelBuilder) did all the allocation.

/// A named graph input or output: a frame of `count` floats with shape `shape` (channels last).
public struct Port {
    public let name: String
    public let shape: [Int]
    public let count: Int
    /// Model frames per frame of this value (1 for inputs; strided layers raise it).
    public let period: Int
    public let buffer: UnsafeMutablePointer<Float>

    public init(name: String, shape: [Int], count: Int, period: Int, buffer: UnsafeMutablePointer<Float>) {
        self.name = name
        self.shape = shape
        self.count = count
        self.period = period
        self.buffer = buffer
    }
}

/// Built off the audio thread and then handed to it: one thread calls process()/reset() at a time
/// (the engine's swap protocol guarantees that), hence @unchecked Sendable.
public final class Model: @unchecked Sendable {
    public let inputs: [Port]
    public let outputs: [Port]
    public let metadata: ModelMetadata
    /// Number of layers the forward pass runs (BatchNorms folded away and flattens are not counted).
    public var layerCount: Int { nodeCount }

    /// Number of frames processed since the last reset.
    public private(set) var frame: Int = 0
    @usableFromInline let schedule: UnsafeMutablePointer<ScheduledLayer>
    @usableFromInline let nodeCount: Int
    let arena: Arena

    public init(nodes: [Node], inputs: [Port], outputs: [Port], metadata: ModelMetadata, arena: Arena) {
        self.arena = arena
        self.inputs = inputs
        self.outputs = outputs
        self.metadata = metadata
        nodeCount = nodes.count
        let placeholder = ScheduledLayer(slot: .add(arena.values(1, initial: Add(count: 0, a: arena.floats(0), b: arena.floats(0), output: arena.floats(0)))), period: 1)
        schedule = arena.values(nodes.count, initial: placeholder)
        for (i, node) in nodes.enumerated() {
            schedule[i] = ScheduledLayer(slot: LayerSlot(node.layer, arena: arena), period: max(node.period, 1))
        }
    }

    /// Runs one frame: reads every input buffer, writes the outputs that are due this frame.
    /// Real-time safe: no allocation, locks or calls out.
    @_noLocks @_noAllocation
    public func process() {
        let t = frame
        for i in 0..<nodeCount {
            let node = schedule[i]
            if node.period == 1 {
                node.slot.run(step: t)
            } else if t % node.period == 0 {
                node.slot.run(step: t / node.period)
            }
        }
        frame = t &+ 1
    }

    /// Counts a frame without running it (the engine had no time for it): strided layers stay on
    /// their frame grid; streaming histories simply miss the frame.
    @_noLocks @_noAllocation
    public func skipFrame() { frame = frame &+ 1 }

    /// Clears all streaming state, as if the model had just been built.
    public func reset() {
        for i in 0..<nodeCount { schedule[i].slot.reset() }
        frame = 0
    }

    /// The buffer to write an input frame into before `process()`.
    public func input(_ name: String) -> Port? { inputs.first { $0.name == name } }

    /// The buffer holding an output frame after `process()`.
    public func output(_ name: String) -> Port? { outputs.first { $0.name == name } }

    /// Whether `port` was written by the last `process()` call (always, unless a strided layer feeds it).
    @inlinable
    public func produced(_ port: Port) -> Bool { frame > 0 && (frame - 1) % port.period == 0 }
}
