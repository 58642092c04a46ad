import Foundation
import Testing
import WhittleDSP
@testable import WhittleEngine
import WhittleIO

/// Hop staggering: several model processors of one chain compute their hops in different host
/// blocks, and the event frames they report still refer to the right input samples.
@Suite struct HopStaggerTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models")
    static let onset = models.appendingPathComponent("onset.safetensors").path
    static let drums = models.appendingPathComponent("drums.safetensors").path

    /// A ramp (value = input index) through a staggered adapter: hop k holds inputs
    /// k·hop − phase …, and hostFrame takes processor positions back to those inputs exactly.
    @Test(arguments: [0, 1, 159])
    func phaseShiftsTheGridAndIsCompensated(phase: Int) {
        let adapter = HopAdapter(hostRate: 16000, processorRate: 16000, hop: 160, maxBlock: 128, phase: phase)
        defer { adapter.deallocate() }
        let input = UnsafeMutablePointer<Float>.allocate(capacity: 128)
        defer { input.deallocate() }
        var next = 0, hops = 0
        for _ in 0..<20 {
            for i in 0..<128 { input[i] = Float(next + i) }
            next += 128
            let available = adapter.convert(input, frames: 128)
            var cursor = 0
            while adapter.nextHop(cursor: &cursor, available: available) {
                for j in 0..<160 {
                    let position = hops * 160 + j
                    let source = position - phase
                    #expect(adapter.hopBuffer[j] == (source < 0 ? 0 : Float(source)))
                    if source >= 0 { #expect(adapter.hostFrame(ofProcessorSample: position) == Int64(source)) }
                }
                hops += 1
            }
        }
        #expect(hops == (20 * 128 + phase) / 160)
        // After a reset the stagger is back.
        adapter.reset()
        #expect(adapter.fill[0] == phase)
    }

    /// At 48 kHz in 128-frame blocks, two (three) models with the same hop (220 samples at 22.05 kHz:
    /// the shipped onset and drum models) never complete a hop in the same block. Models whose hops
    /// last differently (the 16 kHz pitch model's 160 samples are 480 host frames, the others' 478.9)
    /// drift through each other's grids: staggering cannot keep them apart.
    @Test(arguments: [2, 3])
    func modelsComputeInDifferentBlocks(count: Int) throws {
        let spec = try ChainSpec.parse(([Self.onset, Self.drums, Self.onset].prefix(count)).map { "model=\($0)" }.joined(separator: ","))
        let chain = try Chain(spec: spec, sampleRate: 48000, maxBlock: 128)
        let sink = EventSink(capacity: 64, ringCapacity: 64)
        defer { sink.deallocate() }
        let input = UnsafeMutablePointer<Float>.allocate(capacity: 128)
        input.initialize(repeating: 0, count: 128)
        defer { input.deallocate() }
        var shared = 0, computing = 0
        for _ in 0..<400 {
            var done = 0
            for i in 0..<chain.rt.pointee.count {
                guard case .model(let node) = chain.rt.pointee.nodes[i] else { continue }
                let before = node.adapter.fill[1]
                node.run(input, frames: 128, chainStart: 0, sink: sink, publish: false, bypass: true, turns: chain.rt.pointee.turns)
                if node.adapter.fill[1] > before { done += 1 }
            }
            if done > 1 { shared += 1 }
            if done > 0 { computing += 1 }
        }
        withExtendedLifetime(chain) {}   // the nodes point into the chain's storage: keep it to the end
        #expect(shared == 0, "\(shared) blocks computed more than one model")
        #expect(computing > 400 * count / 4, "\(computing) blocks computed a model")   // 1 hop per 3.75 blocks each
    }

    final class Collector: EventWriter {
        var events: [Event] = []
        func write(_ event: Event, seconds: Double) { events.append(event) }
        func finish() throws {}
    }

    /// The shipped onset and drum models together (staggered) give the same output and events
    /// at every block size.
    @Test func twoModelsAreBlockSizeIndependent() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clip = TestSignals.notes(rate: 48000, seconds: 4)
        try TestSignals.write(clip, to: dir + "/in.wav")
        func run(_ block: Int) throws -> (output: [Float], events: [Event]) {
            let collector = Collector()
            let out = dir + "/out-\(block).wav"
            _ = try FileBackend(block: block).process(input: dir + "/in.wav", output: out,
                                                      engine: Engine(chain: ChainSpec.parse("model=\(Self.onset),model=\(Self.drums),click")),
                                                      writers: [collector])
            return (try TestSignals.read(out), collector.events)
        }
        let reference = try run(64)
        #expect(reference.events.contains { $0.kind == .onset } && reference.events.contains { $0.kind == .drum })
        // Two detectors' events arrive in a block-size-dependent order: compare them sorted.
        func sorted(_ e: [Event]) -> [Event] {
            e.sorted { ($0.frame, $0.kind.rawValue, $0.label) < ($1.frame, $1.kind.rawValue, $1.label) }
        }
        for block in [16, 37, 128, 1000, 4096] {
            let other = try run(block)
            let same = other.output == reference.output
            let firstDiff = same ? -1 : (zip(other.output, reference.output).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -2)
            #expect(same, "block \(block): outputs differ first at \(firstDiff)")
            #expect(sorted(other.events) == sorted(reference.events), "block \(block): \(other.events.count) vs \(reference.events.count) events")
        }
    }

    /// Staggering moves the second model's grid, not its events: an onset it reports lies at the
    /// same input instant (within one 10 ms hop) as when it runs alone, unstaggered.
    @Test func staggeredEventsStayInPlace() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clip = TestSignals.notes(rate: 48000, seconds: 6)
        try TestSignals.write(clip, to: dir + "/in.wav")
        func onsets(_ chain: String) throws -> [Int64] {
            let collector = Collector()
            _ = try FileBackend(block: 128).process(input: dir + "/in.wav", output: nil, engine: Engine(chain: ChainSpec.parse(chain)),
                                                    writers: [collector])
            return collector.events.filter { $0.kind == .onset }.map(\.frame)
        }
        let alone = try onsets("model=\(Self.onset)")
        let second = try onsets("model=\(Self.drums),model=\(Self.onset)")   // phase = hop/2
        #expect(alone.count > 5)
        #expect(alone.count == second.count, "\(alone.count) vs \(second.count)")
        let worst = zip(alone, second).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 480, "an onset moved by \(worst) frames")
        print("stagger: \(alone.count) onsets, largest move \(worst) frames")
    }
}
