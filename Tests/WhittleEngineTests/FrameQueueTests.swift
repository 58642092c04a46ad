import Foundation
import Testing
import WhittleDSP
@testable import WhittleEngine
@testable import WhittleProcessors
import WhittleIO

/// The frame queue: with several models, a block computes at most one model frame, a waiting
/// hop computes within (models − 1) blocks, and no event changes.
@Suite struct FrameQueueTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models")
    static let three = ["onset", "drums", "pitch"].map { "model=" + models.appendingPathComponent("\($0).safetensors").path }
        .joined(separator: ",")

    final class Collector: EventWriter {
        var events: [Event] = []
        func write(_ event: Event, seconds: Double) { events.append(event) }
        func finish() throws {}
    }

    @Test func appliesOnlyWhenEveryHopSpansAsManyBlocksAsThereAreModels() {
        let shipped = [(hop: 220, modelRate: 22050), (hop: 220, modelRate: 22050), (hop: 160, modelRate: 16000)]
        #expect(FrameQueue.applies(hops: shipped, hostRate: 48000, block: 128))
        #expect(FrameQueue.applies(hops: shipped, hostRate: 48000, block: 64))
        #expect(!FrameQueue.applies(hops: shipped, hostRate: 48000, block: 256))   // 1.9 blocks per pitch hop
        #expect(!FrameQueue.applies(hops: Array(shipped.prefix(1)), hostRate: 48000, block: 128))   // one model: nothing to queue
        #expect(FrameQueue.applies(hops: Array(shipped.prefix(2)), hostRate: 48000, block: 192))   // two models: two blocks per hop suffice
    }

    /// The shipped three detectors at 48 kHz / 128: the pitch model's 480-frame hops drift through
    /// the others' 478.9-frame hops, so hops do complete in the same block; yet no block computes two
    /// frames, and no hop waits more than two blocks.
    @Test func oneModelFramePerBlock() throws {
        let engine = Engine(chain: try ChainSpec.parse(Self.three))
        try engine.prepare(sampleRate: 48000, maxBlock: 128)
        let chain = try #require(engine.chain)
        var nodes: [ModelNode] = []
        for i in 0..<chain.rt.pointee.count { if case .model(let n) = chain.rt.pointee.nodes[i] { nodes.append(n) } }
        #expect(nodes.count == 3 && nodes.allSatisfy { $0.maxWait == 2 })
        let clip = TestSignals.notes(rate: 48000, seconds: 20)
        let output = UnsafeMutablePointer<Float>.allocate(capacity: 128)
        defer { output.deallocate() }
        var sharedHops = 0, twoFrames = 0, computing = 0, longestWait = 0
        let blocks = clip.samples.count / 128
        clip.samples.withUnsafeBufferPointer { x in
            for b in 0..<blocks {
                let hopsBefore = nodes.map { $0.adapter.fill[1] }, framesBefore = nodes.map { $0.detector.counters[0] }
                engine.realtime.render(input: x.baseAddress! + b * 128, output: output, frames: 128)
                let hops = zip(nodes, hopsBefore).filter { $0.0.adapter.fill[1] > $0.1 }.count
                let frames = zip(nodes, framesBefore).map { $0.0.detector.counters[0] - $0.1 }.reduce(0, +)
                if hops > 1 { sharedHops += 1 }
                if frames > 1 { twoFrames += 1 }
                if frames > 0 { computing += 1 }
                longestWait = max(longestWait, nodes.map { $0.wait[0] != 0 ? $0.wait[1] + 1 : 0 }.max() ?? 0)
            }
        }
        #expect(sharedHops > 20, "only \(sharedHops) blocks completed two hops: the test would not exercise the queue")
        #expect(twoFrames == 0, "\(twoFrames) blocks computed two model frames")
        #expect(longestWait <= 2)
        #expect(computing > blocks * 3 / 4 * 3 / 4, "\(computing) of \(blocks) blocks computed a frame")   // 0.8 frames per block
        #expect(engine.stats().bypasses == 0)
    }

    /// The bound behind the latency: when other models take every turn, a queued hop still
    /// computes in the `maxWait`-th block after the one it completed in, never later.
    @Test func aQueuedHopComputesWithinMaxWaitBlocks() throws {
        let chain = try Chain(spec: ChainSpec.parse(Self.three), sampleRate: 48000, maxBlock: 128)
        let sink = EventSink(capacity: 256, ringCapacity: 64)
        defer { sink.deallocate() }
        let input = UnsafeMutablePointer<Float>.allocate(capacity: 128)
        input.initialize(repeating: 0, count: 128)
        defer { input.deallocate() }
        guard case .model(let node) = chain.rt.pointee.nodes[0] else { Issue.record("no model node"); return }
        #expect(node.maxWait == 2)
        let noTurn = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        defer { noTurn.deallocate() }
        var queuedAt: Int? = nil, delays: [Int] = []
        for b in 0..<200 {
            noTurn.pointee = 0   // another model always took this block's turn
            let before = node.detector.counters[0]
            node.runQueued(turns: noTurn, chainStart: 0, sink: sink, publish: false, bypass: false)
            if node.detector.counters[0] > before, let q = queuedAt { delays.append(b - q); queuedAt = nil }
            noTurn.pointee = 0
            node.run(input, frames: 128, chainStart: 0, sink: sink, publish: false, bypass: false, turns: noTurn)
            if node.wait[0] != 0 && queuedAt == nil { queuedAt = b }
        }
        withExtendedLifetime(chain) {}
        #expect(delays.count > 40, "\(delays.count) queued hops")   // one hop per 3.75 blocks
        #expect(delays.allSatisfy { $0 == node.maxWait }, "delays \(Set(delays))")
    }

    /// The same events with and without the queue (every block size, so also where it does not
    /// apply), and the latency grows by two blocks exactly where it applies.
    @Test(arguments: [64, 128, 256])
    func eventsAreUnchanged(block: Int) throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TestSignals.write(TestSignals.notes(rate: 48000, seconds: 5), to: dir + "/in.wav")
        func run(queue: Bool) throws -> (events: [Event], latency: Int) {
            let collector = Collector()
            let engine = Engine(chain: try ChainSpec.parse(Self.three), frameQueue: queue)
            _ = try FileBackend(block: block).process(input: dir + "/in.wav", output: nil, engine: engine, writers: [collector])
            let sorted = collector.events.sorted { ($0.frame, $0.kind.rawValue, $0.label) < ($1.frame, $1.kind.rawValue, $1.label) }
            return (sorted, engine.latencyFrames)
        }
        let free = try run(queue: false), queued = try run(queue: true)
        #expect(free.events.contains { $0.kind == .onset } && free.events.contains { $0.kind == .drum } && free.events.contains { $0.kind == .pitch })
        // The longer flush at the end of the file (more latency) may complete a few more frames.
        let firstDifference = free.events.indices.first { $0 >= queued.events.count || queued.events[$0] != free.events[$0] }
        #expect(firstDifference == nil, "first differing event \(firstDifference.map { "\(free.events[$0])" } ?? "")")
        #expect(queued.events.dropFirst(free.events.count).allSatisfy { $0.frame > free.events.last!.frame })
        #expect(queued.latency == free.latency + (block <= 128 ? 2 * block : 0))
    }
}
