import Foundation
import Testing
import WhittleDSP
import WhittleEngine
import WhittleIO

@Suite struct FileBackendTests {
    final class Collector: EventWriter {
        var times: [Double] = []
        func write(_ event: Event, seconds: Double) { times.append(seconds) }
        func finish() throws {}
    }

    func run(_ path: String, block: Int, chain: String = "flux,click") throws -> (output: [Float], onsets: [Double]) {
        let dir = (path as NSString).deletingLastPathComponent
        let out = dir + "/out-\(block).wav"
        let collector = Collector()
        _ = try FileBackend(block: block).process(input: path, output: out, engine: Engine(chain: ChainSpec.parse(chain)),
                                                  writers: [collector])
        return (try TestSignals.read(out), collector.times)
    }

    /// Acceptance 4 of issue 2: identical output for every block size, at 44.1, 48 and 96 kHz.
    @Test(arguments: [44100, 48000, 96000])
    func blockSizeDoesNotChangeAnything(rate: Int) throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clip = TestSignals.notes(rate: rate)
        let path = dir + "/in.wav"
        try TestSignals.write(clip, to: path)
        let reference = try run(path, block: 64)
        #expect(reference.output.count == clip.samples.count, "output keeps the input's length")
        #expect(reference.onsets.count > 10)
        for block in [16, 37, 128, 1000, 4096] {
            let other = try run(path, block: block)
            #expect(other.output == reference.output, "block \(block) at \(rate) Hz")
            #expect(other.onsets == reference.onsets, "block \(block) at \(rate) Hz")
        }
    }

    /// The detector finds the synthetic notes at every host rate (its own rate is fixed).
    @Test(arguments: [44100, 48000, 96000])
    func detectsKnownOnsets(rate: Int) throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clip = TestSignals.notes(rate: rate, seconds: 12)
        try TestSignals.write(clip, to: dir + "/in.wav")
        let result = try run(dir + "/in.wav", block: 256)
        let f = TestSignals.fMeasure(reference: clip.onsets, estimate: result.onsets)
        #expect(f > 0.9, "F = \(f) at \(rate) Hz, \(result.onsets.count) found, \(clip.onsets.count) true")
    }

    /// The output is the dry input, aligned (latency compensated), plus clicks at the onsets.
    @Test func outputIsAlignedDryPlusClicks() throws {
        let dir = TestSignals.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clip = TestSignals.notes(rate: 48000)
        try TestSignals.write(clip, to: dir + "/in.wav")
        let dryOnly = try run(dir + "/in.wav", block: 100, chain: "flux")
        #expect(dryOnly.output == clip.samples, "without a generator the output is the input, sample for sample")
        let withClicks = try run(dir + "/in.wav", block: 100, chain: "flux,click")
        let rate = 48000.0
        for t in withClicks.onsets {
            let start = Int(t * rate)
            let segment = (start..<min(start + 400, clip.samples.count)).map { withClicks.output[$0] - clip.samples[$0] }
            #expect(segment.map(abs).max()! > 0.05, "a click sounds at \(t) s")
        }
    }

    @Test func missingFileNamesIt() throws {
        #expect(throws: SoundFileError.self) {
            _ = try FileBackend(block: 64).process(input: "/nonexistent/x.wav", output: nil,
                                                   engine: Engine(chain: ChainSpec.parse("flux")), writers: [])
        }
        do {
            _ = try SoundFileReader(path: "/nonexistent/x.wav")
        } catch {
            #expect(error.description.contains("/nonexistent/x.wav"))
        }
    }
}
