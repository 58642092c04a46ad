import Foundation
import Testing
@testable import WhittleData

/// Mixes summed from stems at drawn levels (`whittle data --mix-levels`).
struct MixLevelsTests {
    @Test func parsesBothPartsAndNamesWhatIsWrong() throws {
        let levels = try MixLevels.parse("chords=-6:0,drums=-3:3")
        #expect(levels == MixLevels(chords: -6...0, drums: -3...3))
        #expect(try MixLevels.parse("drums=2,chords=-4:-4") == MixLevels(chords: -4...(-4), drums: 2...2))
        for (text, says) in [("chords=0:-6,drums=0", "chords '0:-6'"), ("bass=1,drums=0", "'bass=1'"),
                             ("chords=-6:0", "give both parts"), ("chords=x,drums=0", "chords 'x'"),
                             ("chords=1,chords=2,drums=0", "chords given twice")] {
            #expect { try MixLevels.parse(text) } throws: { "\($0)".contains(says) }
        }
    }

    @Test func itemLevelsFollowTheSeedWithinTheRanges() {
        let levels = MixLevels(chords: -6...0, drums: -3...3)
        let draws = (0..<50).map { levels.draw(seed: 7, index: $0) }
        #expect(draws == (0..<50).map { levels.draw(seed: 7, index: $0) })
        #expect(draws.allSatisfy { (-6...0).contains($0.chordsDB) && (-3...3).contains($0.drumsDB) })
        #expect(Set(draws.map(\.chordsDB)).count == 50)
        #expect(draws != (0..<50).map { levels.draw(seed: 8, index: $0) })
    }

    static func tone(_ hz: Double, amplitude: Float, frames: Int, rate: Int = 16000) -> WavFile {
        let s = (0..<frames).flatMap { i -> [Float] in
            let v = amplitude * Float(sin(2 * Double.pi * hz * Double(i) / Double(rate)))
            return [v, v]
        }
        return WavFile(sampleRate: rate, channels: 2, frameCount: frames, samples: s)
    }

    static func db(_ x: [Float]) -> Double { 20 * log10(StemMixer.rms(x)) }

    @Test func summedPartsSitAtTheirTargetLevelsAndNeverClip() throws {
        let melody = Self.tone(440, amplitude: 0.1, frames: 16000)
        let chords = Self.tone(262, amplitude: 0.5, frames: 12000)     // shorter, louder
        let drums = Self.tone(90, amplitude: 0.02, frames: 16000)
        let targets = MixTargets(chordsDB: -4, drumsDB: 2)
        let (mix, gains) = try StemMixer.mix(melody: melody, chords: chords, drums: drums, targets: targets)
        #expect(mix.frameCount == 16000 && mix.channels == 2 && gains.scale == 1)
        let scaledChords = chords.samples.map { Float(gains.chords) * $0 }, scaledDrums = drums.samples.map { Float(gains.drums) * $0 }
        #expect(abs(Self.db(scaledChords) - Self.db(melody.samples) - -4) < 0.01)
        #expect(abs(Self.db(scaledDrums) - Self.db(melody.samples) - 2) < 0.01)
        for i in stride(from: 0, to: mix.samples.count, by: 997) {
            let c = i < scaledChords.count ? scaledChords[i] : 0
            #expect(abs(mix.samples[i] - (melody.samples[i] + c + scaledDrums[i])) < 1e-5)
        }
        // Loud parts: the whole sum is scaled under full scale, levels between parts kept.
        let (loud, loudGains) = try StemMixer.mix(melody: Self.tone(440, amplitude: 0.9, frames: 8000), chords: Self.tone(262, amplitude: 0.9, frames: 8000),
                                                  drums: Self.tone(90, amplitude: 0.9, frames: 8000), targets: MixTargets(chordsDB: 0, drumsDB: 0))
        #expect(loudGains.scale < 0.5)
        #expect(loud.samples.map(abs).max()! <= StemMixer.ceiling + 1e-6)
        #expect { try StemMixer.mix(melody: melody, chords: Self.tone(1, amplitude: 0.1, frames: 10, rate: 44100), drums: drums, targets: targets) }
            throws: { "\($0)".contains("stems differ") }
    }
}

/// The same with fluidsynth: a dataset item's mix is its melody, drums and chords at the drawn levels.
@Suite(.enabled(if: FluidSynthRenderer.findExecutable() != nil && Soundfont("timgm").exists, "needs fluidsynth and TimGM6mb"))
struct MixedDatasetTests {
    @Test func aSummedMixHoldsTheMelodyAndTheDrumsAtTheirLevelsAndIsCached() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-mix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let levels = MixLevels(chords: -6...0, drums: -3...3)
        let options = DatasetOptions(items: 1, seed: 11, soundfont: Soundfont("timgm"), sampleRate: 16000, seconds: 4, mixLevels: levels)
        let builder = DatasetBuilder(options: options, outputDirectory: dir, fluidsynth: FluidSynthRenderer.findExecutable()!)
        let item = try #require(try builder.build().first)
        let targets = try #require(item.mix), gains = try #require(item.mixGains)
        #expect(targets == levels.draw(seed: 11, index: 0))
        let path = { (stem: String) in dir.appendingPathComponent("item-0000.\(stem).wav").path }
        let mix = try WavFile.read(path("mix")), melody = try WavFile.read(path("melody")), drums = try WavFile.read(path("drums"))
        // What is left after the melody and the drums is the chords, at their level (16-bit files: 0.1 dB).
        let rest = mix.samples.indices.map { i -> Float in
            mix.samples[i] / Float(gains.scale) - (i < melody.samples.count ? melody.samples[i] : 0)
                - Float(gains.drums) * (i < drums.samples.count ? drums.samples[i] : 0)
        }
        #expect(abs(MixLevelsTests.db(rest) - MixLevelsTests.db(melody.samples) - targets.chordsDB) < 0.1)
        #expect(abs(MixLevelsTests.db(drums.samples.map { Float(gains.drums) * $0 }) - MixLevelsTests.db(melody.samples) - targets.drumsDB) < 0.01)
        // A second build with the same options renders nothing; other levels render the item again.
        let written = try FileManager.default.attributesOfItem(atPath: path("mix"))[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.02)
        #expect(try builder.build().first?.mixGains == gains)
        #expect(try FileManager.default.attributesOfItem(atPath: path("mix"))[.modificationDate] as? Date == written)
        var louder = options
        louder.mixLevels = MixLevels(chords: 3...3, drums: -3...3)
        let again = try #require(try DatasetBuilder(options: louder, outputDirectory: dir, fluidsynth: FluidSynthRenderer.findExecutable()!).build().first)
        #expect(again.mix?.chordsDB == 3 && again.mixGains != gains)
    }
}
