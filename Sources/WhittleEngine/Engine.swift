import CRealtime
import WhittleDSP

/// API CONTRACT (stub being replaced by the real engine):
///
///     let engine = try Engine(chain: ChainSpec.parse("flux,click"))
///     try engine.prepare(sampleRate: 48000, maxBlock: 4096)   // allocates everything, warms the path
///     let rt = engine.realtime                                 // trivial struct: copy into your C context
///     rt.render(input: inPtr, output: outPtr, frames: n)       // audio thread: @_noLocks @_noAllocation
///     rt.noteXrun()                                            // audio/any thread: count a host xrun
///     engine.latencyFrames                                     // report to JACK (host frames)
///     engine.stats()                                           // EngineStats snapshot, non-RT
///     engine.drainEvents { (event: Event) in ... }             // non-RT thread
public final class Engine {
    public private(set) var sampleRate: Double = 0
    public private(set) var maxBlock: Int = 0
    public private(set) var latencyFrames: Int = 0
    public init() {}
    public func prepare(sampleRate: Double, maxBlock: Int) throws {
        self.sampleRate = sampleRate
        self.maxBlock = maxBlock
    }
    public var realtime: EngineRT { EngineRT() }
}

@frozen
public struct EngineRT {
    @_noLocks @_noAllocation
    public func render(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, frames: Int) {
        for i in 0..<frames { output[i] = input[i] }
    }
    @_noLocks @_noAllocation
    public func noteXrun() {}
}
