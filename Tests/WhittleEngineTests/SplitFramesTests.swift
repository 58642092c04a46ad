import Foundation
import Testing
import WhittleDSP
@testable import WhittleEngine
import WhittleIO

/// Split frames: a model's front end runs in the block that completes a hop and its network in
/// the next block. Events must not change (only the block that reports them, covered by one more
/// block of latency), and a late block (deadline bypass) must not shift later events.
@Suite struct SplitFramesTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models")
    static let chain = ["onset", "drums", "pitch"].map { "model=" + models.appendingPathComponent("\($0).safetensors").path }
        .joined(separator: ",") + ",click"

    final class Collector: EventWriter {
        var events: [Event] = []
        func write(_ event: Event, seconds: Double) { events.append(event) }
        func finish() throws {}
    }

    func run(_ input: String, block: Int, split: Bool) throws -> (output: [Float], events: [Event], latency: Int) {
        let collector = Collector()
        let out = input + ".out-\(block)-\(split).wav"
        let engine = Engine(chain: try ChainSpec.parse(Self.chain), splitFrames: split, frameQueue: false)
        _ = try FileBackend(block: block).process(input: input, output: out, engine: engine, writers: [collector])
        let sorted = collector.events.sorted { ($0.frame, $0.kind.rawValue, $0.label) < ($1.frame, $1.kind.rawValue, $1.label) }
        return (try TestSignals.read(out), sorted, engine.latencyFrames)
    }

    @Test func splitAppliesOnlyWhenHopsAreTwoBlocksApart() {
        // 10 ms hops at 16 kHz from 48 kHz: 480 host frames, 3.75 blocks of 128 but 1.9 of 256.
        #expect(FrameSplit.applies(hop: 160, modelRate: 16000, hostRate: 48000, block: 128))
        #expect(FrameSplit.applies(hop: 160, modelRate: 16000, hostRate: 48000, block: 64))
        #expect(FrameSplit.applies(hop: 160, modelRate: 16000, hostRate: 48000, block: 237))   // 80 samples per block at most
        #expect(!FrameSplit.applies(hop: 160, modelRate: 16000, hostRate: 48000, block: 238))
        #expect(!FrameSplit.applies(hop: 160, modelRate: 16000, hostRate: 48000, block: 256))
        #expect(!FrameSplit.applies(hop: 160, modelRate: 16000, hostRate: 16000, block: 80))
    }

    /// The shipped onset, drum and pitch models: identical events and output with and without
    /// split frames, one block more latency when it applies and none when it does not.
    @Test(arguments: [128, 256])
    func eventsAreUnchanged(block: Int) throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSignals.write(TestSignals.notes(rate: 48000, seconds: 4), to: dir + "/in.wav")
        let whole = try run(dir + "/in.wav", block: block, split: false)
        let split = try run(dir + "/in.wav", block: block, split: true)
        #expect(whole.events.contains { $0.kind == .onset } && whole.events.contains { $0.kind == .pitch })
        // Compared by first difference (the lists are long). The longer flush at the end of the
        // file (one more block of latency) may complete one more pitch frame: nothing else differs.
        let firstDifference = whole.events.indices.first { $0 >= split.events.count || split.events[$0] != whole.events[$0] }
        #expect(firstDifference == nil, "first differing event \(firstDifference.map { "\(whole.events[$0])" } ?? "")")
        let extra = split.events.dropFirst(whole.events.count)
        #expect(extra.count <= 1 && extra.allSatisfy { $0.kind == .pitch && $0.frame > whole.events.last!.frame })
        #expect(split.output == whole.output)
        #expect(split.latency == whole.latency + (block == 128 ? block : 0))
    }

    /// Live hosts prepare for large blocks (JACK: 4096, to survive buffer-size changes) but
    /// render their own size: split frames follow the block size given to prepare.
    @Test func splitFollowsTheHostsBlockNotTheCapacity() throws {
        func latency(split: Bool, block: Int) throws -> Int {
            let engine = Engine(chain: try ChainSpec.parse(Self.chain), splitFrames: split, frameQueue: false)
            try engine.prepare(sampleRate: 48000, maxBlock: 4096, blockSize: block)
            return engine.latencyFrames
        }
        #expect(try latency(split: true, block: 128) == latency(split: false, block: 128) + 128)
        #expect(try latency(split: true, block: 256) == latency(split: false, block: 256))
        #expect(throws: EngineError.self) {
            try Engine(chain: ChainSpec.parse(Self.chain)).prepare(sampleRate: 48000, maxBlock: 128, blockSize: 256)
        }
    }

    /// At 128 frames, the block that completes a hop leaves the network pending and the next
    /// block runs it, for every model of the chain.
    @Test func networkRunsOneBlockLater() throws {
        let chain = try Chain(spec: ChainSpec.parse(Self.chain), sampleRate: 48000, maxBlock: 128, splitFrames: true)
        let sink = EventSink(capacity: 256, ringCapacity: 64)
        defer { sink.deallocate() }
        let input = UnsafeMutablePointer<Float>.allocate(capacity: 128)
        input.initialize(repeating: 0, count: 128)
        defer { input.deallocate() }
        var hopBlocks = 0, pendingAfterHop = 0, pendingOtherwise = 0
        for _ in 0..<300 {
            for i in 0..<chain.rt.pointee.count {
                guard case .model(let node) = chain.rt.pointee.nodes[i] else { continue }
                #expect(node.split)
                let before = node.adapter.fill[1]
                node.run(input, frames: 128, chainStart: 0, sink: sink, publish: false, bypass: false, turns: chain.rt.pointee.turns)
                if node.adapter.fill[1] > before {
                    hopBlocks += 1
                    if node.pending.pointee { pendingAfterHop += 1 }
                } else if node.pending.pointee {
                    pendingOtherwise += 1
                }
            }
        }
        withExtendedLifetime(chain) {}
        #expect(hopBlocks > 3 * 300 / 4)
        #expect(pendingAfterHop == hopBlocks)
        #expect(pendingOtherwise == 0)
    }

    /// Blocks the engine had no time for: once the deadline is lifted, events come at the same
    /// frames as in a run that never missed one (the detectors' clocks kept counting hops).
    /// Whole frames run with the frame queue (the default), so queued hops are bypassed too.
    @Test(arguments: [(false, Self.chain), (true, Self.chain), (false, "flux,click")])
    func bypassedHopsKeepTheClock(split: Bool, chain: String) throws {
        let rate = 48000, block = 128
        let clip = TestSignals.notes(rate: rate, seconds: 5)
        func events(bypassing range: Range<Int>) throws -> [Event] {
            let engine = Engine(chain: try ChainSpec.parse(chain), splitFrames: split)
            try engine.prepare(sampleRate: Double(rate), maxBlock: block)
            let rt = engine.realtime
            let output = UnsafeMutablePointer<Float>.allocate(capacity: block)
            defer { output.deallocate() }
            var found: [Event] = []
            var b = 0
            clip.samples.withUnsafeBufferPointer { samples in
                while (b + 1) * block <= samples.count {
                    if b == range.lowerBound { _ = engine.send(ControlMessage(.deadline, value: 1e-9)) }
                    if b == range.upperBound { _ = engine.send(ControlMessage(.deadline, value: 0)) }
                    rt.render(input: samples.baseAddress! + b * block, output: output, frames: block)
                    _ = engine.drainEvents { found.append($0) }
                    b += 1
                }
            }
            return found.sorted { ($0.frame, $0.kind.rawValue, $0.label) < ($1.frame, $1.kind.rawValue, $1.label) }
        }
        let reference = try events(bypassing: 0..<0)
        let bypassed = try events(bypassing: 200..<400)   // 0.53 s … 1.07 s
        // Past the bypass and the models' memory of it (STFT frames and convolution context, < 0.5 s).
        let settled = Int64(400 * block + rate / 2)
        let after = { (e: [Event]) in e.filter { $0.frame >= settled && $0.kind != .pitch } }
        #expect(!after(reference).isEmpty)
        #expect(after(bypassed).map(\.frame) == after(reference).map(\.frame))
    }
}
