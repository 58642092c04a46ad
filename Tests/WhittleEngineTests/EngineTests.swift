import Foundation
import Testing
import WhittleDSP
import WhittleEngine
import WhittleProcessors

@Suite struct EngineTests {
    func render(_ engine: Engine, _ x: [Float], block: Int, between: ((Int) -> Void)? = nil) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        var i = 0, index = 0
        while i < x.count {
            let n = min(block, x.count - i)
            between?(index)
            x.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { output in
                    engine.realtime.render(input: input.baseAddress! + i, output: output.baseAddress! + i, frames: n)
                }
            }
            i += n
            index += 1
        }
        return out
    }

    @Test func unsupportedRateAndBlockAreRejected() throws {
        let engine = Engine(chain: try ChainSpec.parse("flux,click"))
        #expect(throws: EngineError.self) { try engine.prepare(sampleRate: 44100.5, maxBlock: 256) }
        #expect(throws: EngineError.self) { try engine.prepare(sampleRate: 8000, maxBlock: 256) }
        #expect(throws: EngineError.self) { try engine.prepare(sampleRate: 48000, maxBlock: 0) }
        do { try engine.prepare(sampleRate: 8000, maxBlock: 256) } catch {
            #expect(error.description.contains("8000"))
        }
    }

    @Test func chainParsing() throws {
        let parsed = try ChainSpec.parse("flux, click")
        #expect(parsed.processors == [.flux, .click])
        #expect(throws: EngineError.self) { try ChainSpec.parse("flux,reverb") }
        #expect(throws: EngineError.self) { try ChainSpec.parse("flux,,click") }
        do { _ = try ChainSpec.parse("flux,reverb") } catch { #expect(error.description.contains("reverb")) }
    }

    /// Model options trail the path (":threshold=T", ":voicing=V"); a ':' elsewhere stays in the path.
    @Test func modelOptionsParse() throws {
        let spec = try ChainSpec.parse("model=/a/b:c.safetensors:threshold=0.3:voicing=0.6,click")
        guard case .model(let path, let o) = spec.processors[0] else { Issue.record("not a model"); return }
        #expect(path == "/a/b:c.safetensors")
        #expect(o == DetectorOverrides(threshold: 0.3, voicingThreshold: 0.6))
        #expect(try ChainSpec.parse(spec.description) == spec, "description round-trips: \(spec)")
        #expect(try ChainSpec.parse("model=m.safetensors").processors == [.model(path: "m.safetensors")])
        let drums = try ChainSpec.parse("model=d.safetensors:hh=0.3:kd=0.6")
        #expect(drums.processors == [.model(path: "d.safetensors", overrides: DetectorOverrides(classThresholds: [.kd: 0.6, .hh: 0.3]))])
        #expect(try ChainSpec.parse(drums.description) == drums, "description round-trips: \(drums)")
        for (bad, named) in [("model=m:loudness=0.3", "loudness"), ("model=m:threshold=2", "threshold=2"),
                             ("model=m:voicing=x", "voicing=x"), ("model=m:threshold=0.2:threshold=0.3", "twice"), ("model=m:sd=0.2:sd=0.3", "'sd' given twice"),
                             ("model=m:sd=1.5", "sd=1.5")] {
            do { _ = try ChainSpec.parse(bad); Issue.record("\(bad) must fail") }
            catch { #expect(error.description.contains(named), "\(bad): \(error)") }
        }
    }

    @Test func nonFiniteInputNeverReachesTheOutput() throws {
        let engine = Engine(chain: try ChainSpec.parse("flux,click"))
        try engine.prepare(sampleRate: 48000, maxBlock: 256)
        var x = TestSignals.notes(rate: 48000, seconds: 2).samples
        for i in stride(from: 100, to: x.count, by: 997) { x[i] = i % 2 == 0 ? .nan : .infinity }
        let y = render(engine, x, block: 256)
        #expect(y.allSatisfy { $0.isFinite })
        let planted = stride(from: 100, to: x.count, by: 997).map { $0 }.count
        #expect(engine.stats().nonFiniteInputs == UInt64(planted))
    }

    @Test func blocksLargerThanPreparedAreSplit() throws {
        let x = TestSignals.notes(rate: 48000, seconds: 2).samples
        let a = Engine(chain: try ChainSpec.parse("flux,click")), b = Engine(chain: try ChainSpec.parse("flux,click"))
        try a.prepare(sampleRate: 48000, maxBlock: 64)
        try b.prepare(sampleRate: 48000, maxBlock: 64)
        #expect(render(a, x, block: 1000) == render(b, x, block: 64))
    }

    @Test func statsCountBlocksAndTimes() throws {
        let engine = Engine(chain: try ChainSpec.parse("flux,click"))
        try engine.prepare(sampleRate: 48000, maxBlock: 128)
        #expect(engine.stats().blocks == 0, "warm-up is not counted")
        _ = render(engine, TestSignals.notes(rate: 48000, seconds: 1).samples, block: 128)
        let s = engine.stats()
        #expect(s.blocks == UInt64((48000 + 127) / 128))
        #expect(s.frames == 48000)
        #expect(s.renderP50 > 0 && s.renderP50 <= s.renderP999 && s.renderP999 <= s.renderMax)
    }

    @Test func controlChangesDryGain() throws {
        let engine = Engine(chain: try ChainSpec.parse("flux"))
        try engine.prepare(sampleRate: 48000, maxBlock: 128)
        #expect(engine.send(ControlMessage(.dryGain, value: 0)))
        let y = render(engine, TestSignals.notes(rate: 48000, seconds: 1).samples, block: 128)
        #expect(y.allSatisfy { $0 == 0 })
    }

    @Test func deadlineMissesAreCounted() throws {
        let engine = Engine(chain: try ChainSpec.parse("flux,click"))
        try engine.prepare(sampleRate: 48000, maxBlock: 128)
        // A deadline no render can meet: every block is a miss and later processors are bypassed.
        engine.send(ControlMessage(.deadline, value: 1e-9))
        let y = render(engine, TestSignals.notes(rate: 48000, seconds: 1).samples, block: 128)
        let s = engine.stats()
        #expect(s.deadlineMisses == s.blocks)
        #expect(s.bypasses >= s.blocks)
        #expect(y.allSatisfy { $0.isFinite })
    }

    /// Hot swap: the dry path never drops out, the new chain keeps detecting, the old one is freed.
    @Test func hotSwapWithoutDropout() throws {
        let x = TestSignals.notes(rate: 48000, seconds: 8).samples
        let plain = Engine(chain: try ChainSpec.parse("flux"))
        try plain.prepare(sampleRate: 48000, maxBlock: 256)
        let expected = render(plain, x, block: 256)

        let engine = Engine(chain: try ChainSpec.parse("flux"))
        try engine.prepare(sampleRate: 48000, maxBlock: 256)
        var swapped = false
        let y = render(engine, x, block: 256) { index in
            if index == 300 { try? engine.swap(to: ChainSpec([.flux])); swapped = true }
        }
        #expect(swapped)
        #expect(y == expected, "a swap between identical chains leaves the output untouched")
        #expect(engine.swapInProgress == false, "the old chain was retired and freed")
        // After a second to settle, the new chain detects what an unswapped engine detects.
        let settled = Int64(300 * 256 + 48000)
        var late = 0, plainLate = 0
        engine.drainEvents { e in if e.frame > settled { late += 1 } }
        plain.drainEvents { e in if e.frame > settled { plainLate += 1 } }
        #expect(plainLate >= 8)
        #expect(abs(late - plainLate) <= 1, "swapped \(late) vs plain \(plainLate)")
    }
}
