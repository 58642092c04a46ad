import Foundation
import Testing
@testable import WhittleData

/// `ReleaseTails` on real renders: a String Ensemble note (slow release) stays voiced well past its
/// note-off in both training fonts, a piano note (dampers) about half as long — the measured facts
/// the voicing labels rest on.
@Suite(.enabled(if: FluidSynthRenderer.findExecutable() != nil && Soundfont("fluid").exists && Soundfont("timgm").exists,
                "needs fluidsynth, FluidR3_GM and TimGM6mb"))
struct ReleaseTailTests {
    static let rate = 16000

    /// Seconds each program's note (C4, 500 ms) stays voiced after its note-off.
    static func tails(font: String, programs: [UInt8]) throws -> [Double] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-tails-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var events: [MIDIEvent] = [MIDIEvent(tick: 0, .tempo(microsecondsPerQuarter: SongMIDI.microsecondsPerQuarter))]
        for (i, program) in programs.enumerated() {   // one note every 2 s: room for a full release
            events.append(MIDIEvent(tick: i * 2000, .programChange(channel: 0, program: program)))
            events.append(MIDIEvent(tick: i * 2000, .noteOn(channel: 0, key: 60, velocity: 100)))
            events.append(MIDIEvent(tick: i * 2000 + 500, .noteOff(channel: 0, key: 60, velocity: 0)))
        }
        events.append(MIDIEvent(tick: programs.count * 2000, .endOfTrack))
        let midi = dir.appendingPathComponent("tails.mid"), wav = dir.appendingPathComponent("tails.wav")
        try Data(MIDIFileWriter.bytes(MIDIFile(format: 0, ticksPerQuarter: SongMIDI.ticksPerQuarter, tracks: [events]))).write(to: midi)
        try FluidSynthRenderer(executable: FluidSynthRenderer.findExecutable()!, soundfont: Soundfont(font).path,
                               sampleRate: rate, gain: 0.5, reverb: false, chorus: false).render(midi: midi, to: wav)
        let audio = try WavFile.read(wav.path)
        let samples = (0..<audio.frameCount).map { audio.mono($0) }
        let notes = programs.indices.map { i in
            (on: FluidSynthTiming.onsetSample(ms: i * 2000, sampleRate: rate), off: FluidSynthTiming.onsetSample(ms: i * 2000 + 500, sampleRate: rate))
        }
        return zip(ReleaseTails.ends(notes: notes, audio: samples, sampleRate: rate), notes).map { Double($0 - $1.off) / Double(rate) }
    }

    @Test(arguments: ["fluid", "timgm"])
    func stringsRingOnPianosStop(font: String) throws {
        let t = try Self.tails(font: font, programs: [48, 0])   // String Ensemble 1, Acoustic Grand Piano
        // Measured: 0.38 / 0.16 s on FluidR3, 0.36 / 0.18 s on TimGM6mb.
        #expect(t[0] >= 0.25, "\(font) String Ensemble voiced \(t[0]) s after note-off")
        #expect(t[1] > 0 && t[1] <= 0.25, "\(font) piano voiced \(t[1]) s after note-off")
        #expect(t[0] >= 1.8 * t[1], "\(font): strings \(t[0]) s, piano \(t[1]) s")
    }
}
