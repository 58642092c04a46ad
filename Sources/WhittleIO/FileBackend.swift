import CRealtime
import WhittleDSP
import WhittleEngine

/// Runs a sound file through the engine block by block, through exactly the render call
/// a live backend makes, and writes the output with the input's rate and length
/// (the engine's latency is compensated by running on past the end and dropping the
/// first `latencyFrames` output frames).
public struct FileBackend {
    public struct Summary: Sendable {
        public var frames: Int
        public var sampleRate: Int
        public var seconds: Double
        public var wallSeconds: Double
        public var events: Int
        public var stats: EngineStats
        public var realTimeFactor: Double { wallSeconds > 0 ? seconds / wallSeconds : 0 }
    }

    public let block: Int

    public init(block: Int) { self.block = block }

    public func process(input: String, output: String?, engine: Engine, writers: [EventWriter]) throws -> Summary {
        let reader = try SoundFileReader(path: input)
        try engine.prepare(sampleRate: Double(reader.sampleRate), maxBlock: block)
        let writer = try output.map { path throws(SoundFileError) in try SoundFileWriter(path: path, sampleRate: reader.sampleRate) }
        let pump = EventPump(engine: engine, writers: writers)
        let rt = engine.realtime
        let latency = engine.latencyFrames
        let inBuffer = RawBuffer.floats(block), outBuffer = RawBuffer.floats(block)
        defer { inBuffer.deallocate(); outBuffer.deallocate() }

        var toSkip = latency          // output frames that precede the aligned output
        var toWrite = reader.frames   // output frames still owed
        var tail = latency            // zero frames fed after the end of the file
        var inputDone = false
        let wallStart = whittle_now_ns()
        while toWrite > 0 {
            var n = 0
            if !inputDone {
                n = try reader.read(into: inBuffer, count: block)
                if n < block { inputDone = true }
            }
            if n < block && tail > 0 {   // pad with zeros to flush the latency
                let pad = min(block - n, tail)
                for i in n..<(n + pad) { inBuffer[i] = 0 }
                n += pad
                tail -= pad
            }
            if n == 0 { break }
            rt.render(input: inBuffer, output: outBuffer, frames: n)
            pump.pumpOnce()
            let skip = min(toSkip, n)
            toSkip -= skip
            let count = min(n - skip, toWrite)
            if count > 0 { try writer?.write(outBuffer + skip, count: count) }
            toWrite -= count
        }
        let wall = Double(whittle_now_ns() &- wallStart) / 1e9
        try pump.stop()
        return Summary(frames: reader.frames, sampleRate: reader.sampleRate,
                       seconds: Double(reader.frames) / Double(reader.sampleRate), wallSeconds: wall,
                       events: pump.delivered, stats: engine.stats())
    }
}
