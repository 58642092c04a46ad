import Foundation
import Testing
import WhittleDSP
import WhittleProcessors
import WhittleNN
import WhittleTrain
@testable import WhittleTasks

/// The pitch front end: a harmonic log-frequency spectrum on CREPE's axis.
@Suite struct HarmonicSpectrumTests {
    let settings = DetectorFrontEnd.harmonicSpectrum()
    let harmonics = [0.5, 1, 2, 3, 4, 5]

    /// A harmonic tone's partials line up in the row of f0: summed over the ×1…×5 columns, that row
    /// is the strongest; each column alone peaks where h·f_k is the (strongest) fundamental, i.e. the
    /// ×1 column at f0, the ×2 column one octave (60 bins) lower, the ×0.5 column one octave higher.
    /// Would fail if bands were misplaced, mislabelled or laid out wrongly.
    @Test(arguments: [55.0, 110.0, 261.63, 440.0, 1046.5])
    func partialsLineUpInTheRowOfF0(f0: Double) {
        let rate = 16000.0
        let x = (0..<8000).map { n -> Float in
            (1...6).reduce(Float(0)) { s, k in s + Float(sin(2 * Double.pi * f0 * Double(k) * Double(n) / rate)) / Float(k) } * 0.2
        }
        let e = FeatureExtractor(settings)
        defer { e.deallocate() }
        let last = e.featureMatrix(of: x).last!
        #expect(last.count == 360 * 6)
        func argmax(_ value: (Int) -> Float) -> Int {
            var best = 0
            for k in 0..<360 where value(k) > value(best) { best = k }
            return best
        }
        let expected = Int((PitchBins.cents(hertz: f0) - PitchBins.firstCents) / 20 + 0.5)
        let salience = argmax { k in (1...5).reduce(Float(0)) { $0 + last[k * 6 + $1] } }
        #expect(abs(salience - expected) <= 1, "summed harmonics peak at bin \(salience), f0 is bin \(expected)")
        #expect(abs(argmax { last[$0 * 6 + 1] } - expected) <= 1)
        if expected >= 60 { #expect(abs(argmax { last[$0 * 6 + 2] } - (expected - 60)) <= 1) }
        if expected + 60 < 360 { #expect(abs(argmax { last[$0 * 6 + 0] } - (expected + 60)) <= 1) }
    }

    /// Level: the features are log(1 + c·mean magnitude), so silence is exactly 0 and a louder tone
    /// gives larger values at its bins.
    @Test func silenceIsZeroAndLevelIsMonotonic() {
        let e = FeatureExtractor(settings)
        defer { e.deallocate() }
        #expect(e.featureMatrix(of: [Float](repeating: 0, count: 4000)).last!.allSatisfy { $0 == 0 })
        let tone = (0..<8000).map { Float(sin(2 * Double.pi * 220 * Double($0) / 16000)) }
        let loud = e.featureMatrix(of: tone).last!, quiet = e.featureMatrix(of: tone.map { $0 * 0.1 }).last!
        #expect(loud.max()! > quiet.max()! + 1)
    }

    /// The metadata round-trips, and the engine's parser reads the same settings; bad fields are named.
    @Test func metadataRoundTripsAndBadFieldsAreNamed() throws {
        let json = DetectorFrontEnd.json(settings)
        #expect(try DetectorFrontEnd.parse(json, sampleRate: 16000, hop: 160) == settings)
        func engineSettings(_ features: String) throws -> NeuralDetectorSettings {
            let m = ModelMetadata(task: "pitch", sampleRate: 16000, hop: 160, features: features,
                                  raw: ["task": "pitch", "sample_rate": "16000", "hop": "160", "features": features])
            return try NeuralDetectorSettings(metadata: m, path: "p.safetensors")
        }
        #expect(try engineSettings(json).features == settings)
        let bad = json.replacingOccurrences(of: "\"harmonics\":[0.5,1.0,2.0,3.0,4.0,5.0]", with: "\"harmonics\":[0.5,-1]")
        #expect(bad != json)
        #expect(throws: DetectorError.self) { try engineSettings(bad) }
        do { _ = try engineSettings(bad) } catch { #expect("\(error)".contains("harmonics")) }
        let badWindow = json.replacingOccurrences(of: "\"window\":1024", with: "\"window\":4096")
        do { _ = try engineSettings(badWindow); Issue.record("window > n_fft accepted") } catch { #expect("\(error)".contains("window")) }
    }

    /// `bias_init` starts a node's bias at the given value (the pitch head starts at its prior).
    @Test func biasInitSetsTheBias() throws {
        let graph = try ModelGraph.parse(json: String(contentsOfFile: DetectorTaskTests.graphPath("pitch-dense.json"), encoding: .utf8))
        let file = try initialize(graph, seed: 1)
        let bias = try #require(file.tensors["salience.bias"])
        #expect(bias.values.allSatisfy { $0 == -4 })
        #expect(try #require(file.tensors["conv1.bias"]).values.contains { $0 != -4 })
    }
}
