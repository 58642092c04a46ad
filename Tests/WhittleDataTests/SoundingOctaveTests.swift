import Foundation
import Testing
@testable import WhittleData

/// Renders every melody patch of both training fonts with the real fluidsynth and measures whether
/// its sound carries the sub-octave series (f/2, 3f/2, 5f/2) that moves its f0 an octave below the
/// MIDI note; `SoundingOctave`'s table must be exactly the patches that do.
@Suite(.enabled(if: FluidSynthRenderer.findExecutable() != nil && Soundfont("fluid").exists && Soundfont("timgm").exists,
                "needs fluidsynth, FluidR3_GM and TimGM6mb"))
struct SoundingOctaveTests {
    static let rate = 16000
    static let noteMs = 500, gapMs = 250

    /// Three keys across the patch's playable range.
    static func keys(_ i: GMInstrument) -> [Int] {
        [i.lowest + (i.highest - i.lowest) / 4, (i.lowest + i.highest) / 2, i.highest - (i.highest - i.lowest) / 4]
    }

    /// One file: for each melody patch, a program change and its three keys held for 500 ms.
    static func midi() -> MIDIFile {
        var events: [MIDIEvent] = [MIDIEvent(tick: 0, .tempo(microsecondsPerQuarter: SongMIDI.microsecondsPerQuarter))]
        var t = 0
        for instrument in GMInstruments.melody {
            events.append(MIDIEvent(tick: t, .programChange(channel: 0, program: instrument.program)))
            for key in keys(instrument) {
                events.append(MIDIEvent(tick: t, .noteOn(channel: 0, key: UInt8(key), velocity: 100)))
                events.append(MIDIEvent(tick: t + noteMs, .noteOff(channel: 0, key: UInt8(key), velocity: 0)))
                t += noteMs + gapMs
            }
        }
        events.append(MIDIEvent(tick: t, .endOfTrack))
        return MIDIFile(format: 0, ticksPerQuarter: SongMIDI.ticksPerQuarter, tracks: [events])
    }

    /// Hann-windowed DFT magnitude near `hz` (the largest within ±30 cents, for detuned samples).
    static func magnitude(_ x: [Float], hz: Double) -> Double {
        guard hz < Double(rate) / 2 - 200 else { return 0 }
        var best = 0.0
        for cents in stride(from: -30.0, through: 30.0, by: 10.0) {
            let w = 2 * Double.pi * hz * pow(2, cents / 1200) / Double(rate)
            var re = 0.0, im = 0.0
            for (n, v) in x.enumerated() {
                let hann = 0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(x.count - 1))
                re += Double(v) * hann * cos(w * Double(n))
                im -= Double(v) * hann * sin(w * Double(n))
            }
            best = max(best, (re * re + im * im).squareRoot())
        }
        return best
    }

    /// The sub-octave series against the note's own (first three partials of each), per key.
    static func subOctaveRatios(font: String) throws -> [UInt8: [Double]] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-octave-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let midiURL = dir.appendingPathComponent("patches.mid"), wavURL = dir.appendingPathComponent("patches.wav")
        try Data(MIDIFileWriter.bytes(midi())).write(to: midiURL)
        try FluidSynthRenderer(executable: FluidSynthRenderer.findExecutable()!, soundfont: Soundfont(font).path,
                               sampleRate: rate, gain: 0.5, reverb: false, chorus: false).render(midi: midiURL, to: wavURL)
        let wav = try WavFile.read(wavURL.path)
        var ratios: [UInt8: [Double]] = [:]
        var t = 0
        for instrument in GMInstruments.melody {
            for key in keys(instrument) {
                let start = (t + 150) * rate / 1000   // 150…450 ms into the note: past the attack
                let x = (start..<(start + rate * 3 / 10)).map { wav.mono($0) }
                let f = 440 * pow(2, (Double(key) - 69) / 12)
                let own = (1...3).map { magnitude(x, hz: f * Double($0)) }.reduce(0, +)
                let sub = [0.5, 1.5, 2.5].map { magnitude(x, hz: f * $0) }.reduce(0, +)
                ratios[instrument.program, default: []].append(sub / max(own, 1e-9))
                t += noteMs + gapMs
            }
        }
        return ratios
    }

    @Test(arguments: ["fluid", "timgm"])
    func tableMatchesTheRenderedPatches(font: String) throws {
        let ratios = try Self.subOctaveRatios(font: font)
        for instrument in GMInstruments.melody {
            let r = try #require(ratios[instrument.program]).sorted()
            let listed = SoundingOctave.shift(program: instrument.program, soundfont: Soundfont(font)) == -1
            let median = r[1]
            if listed || median >= 0.1 { print("sounding octave: \(font) program \(instrument.program) sub-octave ratios \(r.map { String(format: "%.2f", $0) })") }
            #expect((median >= 0.2) == listed,
                    "\(font) program \(instrument.program) (\(instrument.name)): sub-octave ratios \(r.map { String(format: "%.2f", $0) }), listed \(listed)")
        }
    }

    /// The label follows the table: a Drawbar Organ melody note is labelled an octave below its key.
    @Test func labelsFollowTheTable() {
        let song = Song(notes: [Note(part: .melody, key: 69, velocity: 100, startMs: 0, durationMs: 500)],
                        melodyProgram: 16, chordProgram: 0, tempoBPM: 60, endMs: 600)
        var builder = AnnotationBuilder(sampleRate: 16000)
        builder.melodyOctave = SoundingOctave.shift(program: 16, soundfont: Soundfont("fluid"))
        let voiced = builder.melodyF0(song).map(\.frequency).filter { $0 > 0 }
        #expect(!voiced.isEmpty && voiced.allSatisfy { abs($0 - 220) < 1e-9 })
        #expect(SoundingOctave.shift(program: 0, soundfont: Soundfont("fluid")) == 0)
        #expect(SoundingOctave.shift(program: 16, soundfont: Soundfont("/usr/share/sounds/sf2/other.sf2")) == 0)
    }
}
