import Foundation
import Testing
@testable import WhittleData

/// Renders every melody patch of both training fonts with the real fluidsynth and measures, key by
/// key, how many octaves below the MIDI note its waveform repeats (`SoundingOctave`'s rule: the
/// sub-octave itself and its odd series each at least 0.2 of the candidate's, applied twice);
/// `SoundingOctave`'s table must say exactly that. Probed: three keys per patch and every key the
/// table names for that program in either font (`scripts/sounding-octaves.py` sweeps every key).
@Suite(.enabled(if: FluidSynthRenderer.findExecutable() != nil && Soundfont("fluid").exists && Soundfont("timgm").exists,
                "needs fluidsynth, FluidR3_GM and TimGM6mb"))
struct SoundingOctaveTests {
    static let rate = 16000
    static let noteMs = 900, gapMs = 200

    /// Three keys across the patch's playable range, and the keys of the table's key-limited rows.
    static func keys(_ i: GMInstrument) -> [Int] {
        let named = ["fluid", "timgm"].flatMap { SoundingOctave.table["\($0)/\(i.program)"] ?? [] }
            .filter { $0.keys.count < 128 }.flatMap { Array($0.keys) }
        let spread = [i.lowest + (i.highest - i.lowest) / 4, (i.lowest + i.highest) / 2, i.highest - (i.highest - i.lowest) / 4]
        return Array(Set(spread + named)).sorted()
    }

    /// One file: for each melody patch, a program change and its keys held for 900 ms.
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

    /// Hann-windowed DFT magnitude near `hz` (the largest within ±30 cents, for detuned samples),
    /// by a rotating phasor rather than a sine per sample.
    static func magnitude(_ x: [Float], hz: Double) -> Double {
        guard hz < Double(rate) / 2 - 200 else { return 0 }
        var best = 0.0
        for cents in stride(from: -30.0, through: 30.0, by: 10.0) {
            let w = 2 * Double.pi * hz * pow(2, cents / 1200) / Double(rate)
            let (stepRe, stepIm) = (cos(w), -sin(w))
            var (pRe, pIm) = (1.0, 0.0), (re, im) = (0.0, 0.0)
            for (n, v) in x.enumerated() {
                let hann = 0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(x.count - 1))
                re += Double(v) * hann * pRe
                im += Double(v) * hann * pIm
                (pRe, pIm) = (pRe * stepRe - pIm * stepIm, pRe * stepIm + pIm * stepRe)
            }
            best = max(best, (re * re + im * im).squareRoot())
        }
        return best
    }

    /// `SoundingOctave`'s rule on one held note of MIDI frequency `f`: 0, −1 or −2.
    static func measuredShift(_ x: [Float], f: Double) -> (octaves: Int, ratios: [Double]) {
        var c = f, octaves = 0, ratios: [Double] = []
        for _ in 0..<2 {
            let own = [1.0, 2, 3].map { magnitude(x, hz: c * $0) }.reduce(0, +)
            let sub = [0.5, 1.5, 2.5].map { magnitude(x, hz: c * $0) }.reduce(0, +)
            let fundamental = magnitude(x, hz: c / 2) / max(magnitude(x, hz: c), 1e-9)
            ratios += [fundamental, sub / max(own, 1e-9)]
            guard fundamental >= 0.2 && sub >= 0.2 * own else { break }
            c /= 2; octaves -= 1
        }
        return (octaves, ratios)
    }

    @Test(arguments: ["fluid", "timgm"])
    func tableMatchesTheRenderedPatches(font: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-octave-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let midiURL = dir.appendingPathComponent("patches.mid"), wavURL = dir.appendingPathComponent("patches.wav")
        try Data(MIDIFileWriter.bytes(Self.midi())).write(to: midiURL)
        try FluidSynthRenderer(executable: FluidSynthRenderer.findExecutable()!, soundfont: Soundfont(font).path,
                               sampleRate: Self.rate, gain: 0.5, reverb: false, chorus: false).render(midi: midiURL, to: wavURL)
        let wav = try WavFile.read(wavURL.path)
        var t = 0, shifted = 0
        for instrument in GMInstruments.melody {
            for key in Self.keys(instrument) {
                let start = (t + 200) * Self.rate / 1000   // 200…800 ms into the note: past the attack
                let x = (start..<(start + Self.rate * 6 / 10)).map { wav.mono($0) }
                let measured = Self.measuredShift(x, f: 440 * pow(2, (Double(key) - 69) / 12))
                let listed = SoundingOctave.shift(program: instrument.program, key: key, font: font)
                shifted += listed == 0 ? 0 : 1
                #expect(measured.octaves == listed,
                        "\(font) program \(instrument.program) (\(instrument.name)) key \(key): ratios \(measured.ratios.map { String(format: "%.2f", $0) }) give \(measured.octaves) octaves, the table \(listed)")
                t += Self.noteMs + Self.gapMs
            }
        }
        #expect(shifted > 0, "the probe reached no shifted patch")
    }

    /// The label follows the table key by key: a FluidR3 Drawbar Organ note two octaves below its
    /// key, TimGM6mb's one, TimGM6mb's Accordion only at key 77.
    @Test func labelsFollowTheTable() {
        func f0(_ key: UInt8, program: UInt8, font: String) -> Set<Double> {
            let song = Song(notes: [Note(part: .melody, key: key, velocity: 100, startMs: 0, durationMs: 500)],
                            melodyProgram: program, chordProgram: 0, tempoBPM: 60, endMs: 600)
            var builder = AnnotationBuilder(sampleRate: 16000)
            builder.melodyOctaves = SoundingOctave.shifts(program: program, soundfont: Soundfont(font))
            return Set(builder.melodyF0(song).map(\.frequency).filter { $0 > 0 })
        }
        #expect(f0(69, program: 16, font: "fluid") == [110])
        #expect(f0(69, program: 16, font: "timgm") == [220])
        #expect(f0(77, program: 21, font: "timgm").map { Int($0.rounded()) } == [175])
        #expect(f0(76, program: 21, font: "timgm").map { Int($0.rounded()) } == [659])
        #expect(f0(69, program: 0, font: "fluid") == [440])
        #expect(SoundingOctave.shift(program: 16, key: 69, soundfont: Soundfont("/usr/share/sounds/sf2/other.sf2")) == 0)
    }
}
