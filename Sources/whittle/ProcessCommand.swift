import ArgumentParser
import Foundation
import WhittleEngine
import WhittleIO

struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Run a sound file through the engine, block by block, as a live backend would.")

    @Argument(help: "Input sound file (any format libsndfile reads).")
    var input: String

    @Option(name: .shortAndLong, help: "Output sound file (mono, input's rate and length; WAV float unless .flac/.ogg/.aiff).")
    var output: String?

    @Option(help: "Host block size in frames (1...16384).")
    var block: Int = 256

    @Option(help: "Processor chain, comma-separated: flux, click, model=PATH.")
    var chain: String = "flux,click"

    @Option(help: "Write onset times (seconds, one per line).")
    var onsets: String?

    @Option(help: "Write drum hits (time<TAB>KD|SD|HH per line).")
    var drums: String?

    @Option(help: "Write pitch as CSV time,frequency,confidence.")
    var pitch: String?

    @Option(help: "Write all events as JSON lines ('-' for standard output).")
    var events: String?

    @Flag(help: "Run each model's network one block after its front end (hops ≥ 2 blocks apart only): a lower worst block for one more block of latency.")
    var splitFrames = false

    @Flag(help: "Let several models compute their frames in the same block (by default a block computes one model frame and the others wait up to (models − 1) blocks, counted in the latency).")
    var noFrameQueue = false

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        guard block >= 1 && block <= Engine.maxBlockLimit else {
            throw ValidationError("--block must be between 1 and \(Engine.maxBlockLimit), got \(block)")
        }
    }

    func run() throws {
        do {
            let spec = try ChainSpec.parse(chain)
            let engine = Engine(chain: spec, splitFrames: splitFrames, frameQueue: !noFrameQueue)
            var writers: [EventWriter] = []
            if let onsets { writers.append(OnsetListWriter(path: onsets)) }
            if let drums { writers.append(DrumListWriter(path: drums)) }
            if let pitch { writers.append(PitchCSVWriter(path: pitch)) }
            if let events { writers.append(try JSONLWriter(path: events)) }
            let summary = try FileBackend(block: block).process(input: input, output: output, engine: engine, writers: writers)
            if !quiet { print(Self.describe(summary, block: block, chain: spec, latency: engine.latencyFrames)) }
        } catch {
            throw Failure.from(error)
        }
    }

    static func describe(_ s: FileBackend.Summary, block: Int, chain: ChainSpec, latency: Int) -> String {
        let period = Double(block) / Double(s.sampleRate) * 1e9
        func us(_ ns: UInt64) -> String { String(format: "%.1f µs", Double(ns) / 1000) }
        func pct(_ ns: UInt64) -> String { String(format: "%.2f %%", Double(ns) / period * 100) }
        return """
        whittle process: \(String(format: "%.2f", s.seconds)) s at \(s.sampleRate) Hz, chain \(chain), block \(block)
          events        \(s.events) (dropped \(s.stats.droppedEvents))
          latency       \(latency) frames (\(String(format: "%.1f", Double(latency) / Double(s.sampleRate) * 1000)) ms, compensated in the output)
          speed         \(String(format: "%.0f", s.realTimeFactor))× real time
          render time   p50 \(us(s.stats.renderP50))  p99.9 \(us(s.stats.renderP999))  max \(us(s.stats.renderMax))
          of the block  p50 \(pct(s.stats.renderP50))  p99.9 \(pct(s.stats.renderP999))  max \(pct(s.stats.renderMax)) of \(String(format: "%.2f", period / 1e6)) ms
          non-finite input samples \(s.stats.nonFiniteInputs), bypasses \(s.stats.bypasses)
        """
    }
}
