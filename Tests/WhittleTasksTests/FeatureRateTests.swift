import Foundation
import Testing
import WhittleDSP
import WhittleEngine
import WhittleIO
import WhittleNN
import WhittleProcessors
import WhittleTrain
@testable import WhittleTasks

/// Onset/drum models with a log-mel front end at another rate than 16 kHz (`whittle train
/// --feature-rate 22050`): the settings training uses are the ones written into the file, read back
/// by `whittle eval` and by the engine, and the engine really runs them (it hears above 8 kHz).
@Suite struct FeatureRateTests {
    let wide = DetectorTasks.features("onset", logMel: LogMelChoice(sampleRate: 22050))

    /// The default is the shipped front end; 22.05 kHz gets a 10 ms hop (220) and bands up to 11025 Hz.
    @Test func choiceGivesTheFrontEnd() {
        #expect(DetectorTasks.features("onset") == DetectorFrontEnd.logMel())
        #expect(DetectorTasks.features("drums", logMel: LogMelChoice()) == DetectorFrontEnd.logMel())
        #expect(wide == DetectorFrontEnd.logMel(sampleRate: 22050, hop: 220, maxHz: 11025))
        let eighty = DetectorTasks.features("onset", hop: 256, logMel: LogMelChoice(sampleRate: 22050, bands: 80, maxHz: 10000))
        #expect(eighty == DetectorFrontEnd.logMel(sampleRate: 22050, hop: 256, bands: 80, maxHz: 10000))
        #expect(eighty.count == 80)
    }

    /// A hand-made "hi-hat detector" written with the metadata `whittle train` writes: it sums the
    /// top 4 of 64 bands (centres 9.2–10.6 kHz at 22.05 kHz), its bias set so that the loudest burst
    /// gives logit +2. In the engine at 44.1 kHz it fires once on each 10 kHz burst and never on the
    /// louder 220 Hz tone under them, whatever the block size; the same weights with the 16 kHz front
    /// end hear nothing (its top bands end at 8 kHz and the resampler removes everything above).
    @Test func engineRunsTheWrittenFrontEnd() throws {
        let dir = NSTemporaryDirectory() + "whittle-feature-rate-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let narrow = DetectorTasks.features("onset")

        // 44.1 kHz input: a 220 Hz tone throughout (faded in and out), 10 kHz bursts (2 ms attack,
        // 50 ms decay) every 0.5 s.
        let rate = 44100, seconds = 5.5, count = Int(seconds * Double(rate))
        let bursts = Array(stride(from: 0.3, to: seconds - 0.4, by: 0.5))
        var x = (0..<count).map { n -> Float in
            let fade = min(1, Double(min(n, count - 1 - n)) / (0.02 * Double(rate)))
            return Float(0.3 * fade * sin(2 * Double.pi * 220 * Double(n) / Double(rate)))
        }
        for b in bursts {
            let start = Int(b * Double(rate))
            for n in 0..<Int(0.15 * Double(rate)) {
                let t = Double(n) / Double(rate)
                let attack = t < 0.002 ? 0.5 - 0.5 * cos(Double.pi * t / 0.002) : 1
                x[start + n] += Float(0.1 * attack * exp(-t / 0.05) * sin(2 * Double.pi * 10_000 * t))
            }
        }
        let input = dir + "/in.wav"
        do {   // closed (header written) at the end of this scope
            let w = try SoundFileWriter(path: input, sampleRate: rate)
            try x.withUnsafeBufferPointer { try w.write($0.baseAddress!, count: x.count) }
        }

        // The top four bands' sum, offline, through each front end.
        func peakOfTopBands(_ f: FeatureSettings) -> Float {
            let e = FeatureExtractor(f)
            defer { e.deallocate() }
            return e.featureMatrix(of: DetectorCorpus.resample(x, from: rate, to: f.sampleRate)).map { $0[60...].reduce(0, +) }.max()!
        }
        let peakWide = peakOfTopBands(wide), peakNarrow = peakOfTopBands(narrow)
        #expect(peakNarrow < peakWide - 6, "top bands: \(peakWide) at 22.05 kHz, \(peakNarrow) at 16 kHz")

        let graph = try ModelGraph.parse(json: #"{"inputs":[{"name":"mel","shape":[64,1]}],"outputs":["onset"],"nodes":[{"name":"flat","op":"flatten","inputs":["mel"]},{"name":"onset","op":"dense","inputs":["flat"],"units":1,"activation":"sigmoid"}]}"#)
        let weights = (0..<64).map { Float($0 >= 60 ? 1 : 0) }
        func write(_ features: FeatureSettings, to path: String) throws {
            var file = ModelFile(graph: graph, tensors: ["onset.weight": TensorData(shape: [1, 64], values: weights),
                                                         "onset.bias": TensorData(shape: [1], values: [2 - peakWide])], metadata: [:])
            let decoding = EventDecoding(threshold: 0.5, preMax: 3, combine: 3, timeOffset: 0)
            for (k, v) in DetectorTasks.metadata(task: "onset", features: features, decoding: decoding) { file.metadata[k] = v }
            try file.write(path: path)
        }
        try write(wide, to: dir + "/wide.safetensors")
        try write(narrow, to: dir + "/narrow.safetensors")

        // The file describes the training front end to `whittle eval` and to the engine.
        let back = try ModelFile.read(path: dir + "/wide.safetensors")
        #expect(back.metadata["sample_rate"] == "22050" && back.metadata["hop"] == "220")
        #expect(try DetectorEvaluation(back).features == wide)
        let engineSide = try NeuralDetectorSettings(metadata: Model.load(path: dir + "/wide.safetensors").metadata, path: "wide")
        #expect(engineSide.features == wide)

        final class Collector: EventWriter {
            var events: [Event] = []
            func write(_ event: Event, seconds: Double) { events.append(event) }
            func finish() throws {}
        }
        func events(_ model: String, block: Int) throws -> [Event] {
            let c = Collector()
            _ = try FileBackend(block: block).process(input: input, output: dir + "/out-\(block).wav",
                                                      engine: Engine(chain: ChainSpec.parse("model=\(dir)/\(model)")), writers: [c])
            return c.events
        }
        let heard = try events("wide.safetensors", block: 128)
        let times = heard.map { Double($0.frame) / Double(rate) }
        #expect(heard.count == bursts.count, "events at \(times) for bursts at \(bursts)")
        for (t, b) in zip(times, bursts) { #expect(abs(t - b) < 0.05, "event at \(t) s for the burst at \(b) s") }
        #expect(try events("wide.safetensors", block: 37) == heard)
        #expect(try events("narrow.safetensors", block: 128).isEmpty, "at 16 kHz the bursts are gone")
    }
}
