import Foundation
import Testing
@testable import WhittleData

/// Renders isolated notes with the real fluidsynth and checks that the sound starts
/// exactly where the annotations say (the block-quantisation correction).
@Suite(.enabled(if: FluidSynthRenderer.findExecutable() != nil && Soundfont("fluid").exists, "needs fluidsynth and FluidR3_GM"))
struct RenderTimingTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-data-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// First sample, searching from 10 ms before the annotated onset, whose level
    /// exceeds 5 % of the note's peak (over the next 50 ms) and three times the
    /// residual tail of earlier notes.
    static func measuredOnset(_ wav: WavFile, near expected: Int) -> Int? {
        let tenMs = wav.sampleRate / 100
        let before = max(0, expected - 2 * tenMs)..<max(0, expected - tenMs)
        let residual = before.map { abs(wav.mono($0)) }.max() ?? 0
        let peak = (expected..<min(wav.frameCount, expected + 5 * tenMs)).map { abs(wav.mono($0)) }.max() ?? 0
        let threshold = max(0.05 * peak, residual * 3)
        return (max(0, expected - tenMs)..<min(wav.frameCount, expected + 5 * tenMs))
            .first { abs(wav.mono($0)) > threshold }
    }

    @Test(arguments: [44100, 48000])
    func isolatedNotesStartAtAnnotatedSample(sampleRate: Int) throws {
        // Start times with different sub-block phases; notes far apart and short.
        let times = [0, 333, 1001, 1517, 2050, 2683]
        // Alternate a snare and a marimba note, so each instrument is heard at three phases.
        let notes = times.enumerated().map { i, ms in
            i % 2 == 0
                ? Note(part: .drums, key: 38, velocity: 110, startMs: ms, durationMs: 50)
                : Note(part: .melody, key: 72, velocity: 110, startMs: ms, durationMs: 60)
        }
        let song = Song(notes: notes, melodyProgram: 12, chordProgram: 0, tempoBPM: 60, endMs: 3200)
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let midi = dir.appendingPathComponent("isolated.mid")
        try Data(MIDIFileWriter.bytes(SongMIDI.file(song, stem: .mix))).write(to: midi)
        let renderer = FluidSynthRenderer(executable: FluidSynthRenderer.findExecutable()!, soundfont: Soundfont("fluid").path,
                                          sampleRate: sampleRate, gain: 0.5, reverb: false, chorus: false)
        let wavURL = dir.appendingPathComponent("isolated.wav")
        try renderer.render(midi: midi, to: wavURL)
        let wav = try WavFile.read(wavURL.path)
        #expect(wav.sampleRate == sampleRate)

        // Silence before the very first note is exact: the first non-zero sample
        // must be the annotated one (its first output sample may be a zero crossing).
        let firstNonZero = (0..<wav.frameCount).first { wav.mono($0) != 0 }!
        let firstAnnotated = FluidSynthTiming.onsetSample(ms: 0, sampleRate: sampleRate)
        #expect((firstAnnotated...(firstAnnotated + 2)).contains(firstNonZero))

        let annotated = AnnotationBuilder(sampleRate: sampleRate).onsets(song, parts: Stem.mix.parts)
        #expect(annotated.count == times.count)
        var lateness: [[Int]] = [[], []]   // samples, per instrument
        for (i, onset) in annotated.enumerated() {
            let expected = Int((onset * Double(sampleRate)).rounded())
            let measured = try #require(Self.measuredOnset(wav, near: expected))
            let errorMs = Double(measured - expected) * 1000 / Double(sampleRate)
            // Never early; late only by the instrument sample's own attack ramp
            // (FluidR3 snare: 2.08 ms to reach 5 % of its peak, at every rate).
            #expect(errorMs >= 0 && errorMs <= 2.5, "onset at \(onset) s measured \(errorMs) ms late")
            lateness[i % 2].append(measured - expected)
        }
        // The attack ramp is the same at every sub-block phase: a wrong block
        // correction would scatter these by up to 64 samples.
        for samples in lateness {
            #expect(samples.max()! - samples.min()! <= 2, "lateness \(samples) varies with phase")
        }
    }

    @Test func datasetBuildWritesItemsAndReusesCache() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let options = DatasetOptions(items: 2, seed: 5, soundfont: Soundfont("timgm"), sampleRate: 22050, seconds: 2)
        let builder = DatasetBuilder(options: options, outputDirectory: dir, fluidsynth: FluidSynthRenderer.findExecutable()!)
        let summaries = try builder.build()
        #expect(summaries.map(\.name) == ["item-0000", "item-0001"])
        for summary in summaries {
            for name in summary.files { #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path)) }
            let mix = try WavFile.read(dir.appendingPathComponent("\(summary.name).mix.wav").path)
            let melody = try WavFile.read(dir.appendingPathComponent("\(summary.name).melody.wav").path, headerOnly: true)
            #expect(mix.sampleRate == 22050 && mix.frameCount == melody.frameCount)
            #expect(mix.samples.contains { abs($0) > 0.01 })
            #expect(summary.onsets["mix"]! >= summary.onsets["melody"]!)
        }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("manifest.json").path))

        // A second run renders nothing; a changed parameter re-renders.
        let rendered = RenderCounter()
        try builder.build { rendered.set($0.rendered) }
        #expect(rendered.value == 0)
        var changed = builder
        changed.options.gain = 0.4
        try changed.build { rendered.set($0.rendered) }
        #expect(rendered.value == 2)
    }

    /// --drum-class-stems: the drum part rendered once per class (KD, SD, HH) adds up to the drum stem
    /// (reverb and chorus on: fluidsynth mixes linearly); each class stem sounds; a cached item without
    /// them gets only the class stems rendered, its other audio untouched.
    @Test func drumClassStemsAddUpToTheDrumStem() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fluidsynth = FluidSynthRenderer.findExecutable()!
        let plain = DatasetOptions(items: 1, seed: 5, soundfont: Soundfont("timgm"), sampleRate: 22050, seconds: 4, reverb: true, chorus: true)
        try DatasetBuilder(options: plain, outputDirectory: dir, fluidsynth: fluidsynth).build()
        func samples(_ name: String) throws -> [Float] { try WavFile.read(dir.appendingPathComponent(name).path).samples }
        let drums = try samples("item-0000.drums.wav")
        var split = plain
        split.drumClassStems = true
        let rendered = RenderCounter()
        let summary = try DatasetBuilder(options: split, outputDirectory: dir, fluidsynth: fluidsynth).build { rendered.set($0.rendered) }
        #expect(rendered.value == 1)
        #expect(try samples("item-0000.drums.wav") == drums, "the drum stem is not rendered again")
        #expect(summary[0].files.contains("item-0000.drums-SD.wav"))
        let classes = try DrumLabel.allCases.map { try samples(DrumClassStems.fileName(item: "item-0000", $0)) }
        let energy = drums.reduce(0.0) { $0 + Double($1 * $1) }
        #expect(energy > 1)
        var residual = 0.0
        for i in 0..<drums.count {
            let sum = classes.reduce(Float(0)) { $0 + (i < $1.count ? $1[i] : 0) }
            residual += Double((sum - drums[i]) * (sum - drums[i]))
        }
        #expect(residual < 1e-3 * energy, "residual \(residual) against energy \(energy)")
        for (label, c) in zip(DrumLabel.allCases, classes) {
            #expect(c.reduce(0.0) { $0 + Double($1 * $1) } > 0.002 * energy, "\(label) stem silent")
        }
        let again = RenderCounter()
        try DatasetBuilder(options: split, outputDirectory: dir, fluidsynth: fluidsynth).build { again.set($0.rendered) }
        #expect(again.value == 0)
        // Rendered again (another gain) without the option: the old class stems, which no longer add
        // up to the new drum stem, are gone.
        var regained = plain
        regained.gain = 0.4
        try DatasetBuilder(options: regained, outputDirectory: dir, fluidsynth: fluidsynth).build()
        for name in DrumClassStems.fileNames(item: "item-0000") {
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "stale \(name)")
        }
    }

    /// --drum-kits: item i plays kit i mod count. Same song and labels, other drum sounds (rendered by
    /// fluidsynth from the kit's program on the drum channel); the standard kit keeps old caches valid.
    @Test func drumKitsChangeTheDrumSoundsNotTheLabels() throws {
        let dir = try Self.temporaryDirectory(), kitDir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir); try? FileManager.default.removeItem(at: kitDir) }
        let fluidsynth = FluidSynthRenderer.findExecutable()!
        let standard = DatasetOptions(items: 2, seed: 5, soundfont: Soundfont("timgm"), sampleRate: 22050, seconds: 2)
        var kits = standard
        kits.drumKits = [0, 25]   // item 0 standard, item 1 TR-808
        #expect(kits.drumKit(item: 0) == 0 && kits.drumKit(item: 1) == 25 && kits.drumKit(item: 2) == 0)
        let a = try DatasetBuilder(options: standard, outputDirectory: dir, fluidsynth: fluidsynth).build()
        let b = try DatasetBuilder(options: kits, outputDirectory: kitDir, fluidsynth: fluidsynth).build()
        #expect(a.map(\.drumKit) == [nil, nil] && b.map(\.drumKit) == [nil, 25])
        func text(_ d: URL, _ name: String) throws -> String { try String(contentsOf: d.appendingPathComponent(name), encoding: .utf8) }
        func drums(_ d: URL, _ item: String) throws -> [Float] { try WavFile.read(d.appendingPathComponent("\(item).drums.wav").path).samples }
        for item in ["item-0000", "item-0001"] {
            #expect(try text(dir, "\(item).drums.txt") == text(kitDir, "\(item).drums.txt"))
        }
        // Same kit: the same audio. Another kit: the drum stem differs by more than half its energy.
        #expect(try drums(dir, "item-0000") == drums(kitDir, "item-0000"))
        let x = try drums(dir, "item-0001"), y = try drums(kitDir, "item-0001")
        let n = min(x.count, y.count)
        let difference = (0..<n).reduce(0.0) { $0 + Double((x[$1] - y[$1]) * (x[$1] - y[$1])) }
        let energy = (0..<n).reduce(0.0) { $0 + Double(x[$1] * x[$1]) }
        #expect(difference > 0.5 * energy, "difference \(difference) against energy \(energy)")
        // The kit is part of the cache key: switching item 1 back to the standard kit re-renders it.
        let rendered = RenderCounter()
        try DatasetBuilder(options: standard, outputDirectory: kitDir, fluidsynth: fluidsynth).build { rendered.set($0.rendered) }
        #expect(rendered.value == 1)
    }
}

/// The last progress report's render count (progress arrives on worker threads).
final class RenderCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func set(_ value: Int) { lock.lock(); count = max(count, value); lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
