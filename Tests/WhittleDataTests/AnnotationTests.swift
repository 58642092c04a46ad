import Foundation
import Testing
@testable import WhittleData

@Suite struct AnnotationTests {
    @Test func blockTimingFormula() {
        // Event at T ms sounds at 64·(j+1) for the first j with ⌊64000·j/SR⌋ ≥ T.
        for rate in [22050, 44100, 48000, 96000] {
            for ms in [0, 1, 2, 3, 100, 1001, 29_999] {
                var j = 0
                while 64_000 * j / rate < ms { j += 1 }
                #expect(FluidSynthTiming.onsetSample(ms: ms, sampleRate: rate) == 64 * (j + 1))
            }
        }
        #expect(FluidSynthTiming.onsetSample(ms: 0, sampleRate: 44100) == 64)
        #expect(FluidSynthTiming.onsetSample(ms: 1000, sampleRate: 44100) == 44224)
        #expect(FluidSynthTiming.onsetSample(ms: 1000, sampleRate: 48000) == 48064)
    }

    func song(_ notes: [Note]) -> Song {
        Song(notes: notes, melodyProgram: 0, chordProgram: 0, tempoBPM: 120, endMs: 2000)
    }

    @Test func simultaneousOnsetsMergeWithinWindow() {
        let s = song([
            Note(part: .melody, key: 60, velocity: 90, startMs: 100, durationMs: 200),
            Note(part: .drums, key: 36, velocity: 90, startMs: 102, durationMs: 80),
            Note(part: .chords, key: 64, velocity: 90, startMs: 105, durationMs: 80),
            Note(part: .drums, key: 42, velocity: 90, startMs: 106, durationMs: 80),   // 6 ms after 100: new onset
            Note(part: .melody, key: 62, velocity: 90, startMs: 500, durationMs: 200),
        ])
        let b = AnnotationBuilder(sampleRate: 44100)
        let t = { FluidSynthTiming.onsetTime(ms: $0, sampleRate: 44100) }
        #expect(b.onsets(s, parts: Stem.mix.parts) == [t(100), t(106), t(500)])
        #expect(b.onsets(s, parts: Stem.melody.parts) == [t(100), t(500)])
        #expect(b.onsets(s, parts: Stem.drums.parts) == [t(102)])
    }

    @Test func drumHitsAreLabelledAndOrdered() {
        let s = song([
            Note(part: .drums, key: 42, velocity: 90, startMs: 100, durationMs: 80),
            Note(part: .drums, key: 35, velocity: 90, startMs: 100, durationMs: 80),
            Note(part: .drums, key: 40, velocity: 90, startMs: 300, durationMs: 80),
            Note(part: .drums, key: 46, velocity: 90, startMs: 400, durationMs: 80),
            Note(part: .drums, key: 44, velocity: 90, startMs: 400, durationMs: 80),   // same time, same class: one hit
        ])
        let hits = AnnotationBuilder(sampleRate: 48000).drumHits(s)
        #expect(hits.map(\.label) == [.kick, .hiHat, .snare, .hiHat])
        let text = AnnotationFiles.drumsText(hits)
        #expect(text.hasPrefix(String(format: "%.6f\tKD\n", FluidSynthTiming.onsetTime(ms: 100, sampleRate: 48000))))
    }

    @Test func f0FollowsMelodyNotes() {
        let s = song([
            Note(part: .melody, key: 69, velocity: 90, startMs: 100, durationMs: 300),
            Note(part: .melody, key: 81, velocity: 90, startMs: 500, durationMs: 100),
            Note(part: .chords, key: 40, velocity: 90, startMs: 0, durationMs: 1000),
        ])
        let frames = AnnotationBuilder(sampleRate: 44100).melodyF0(s)
        #expect(abs(frames[1].time - 0.01) < 1e-12)
        let at = { (t: Double) in frames[Int((t * 100).rounded())].frequency }
        #expect(at(0.05) == 0)
        #expect(at(0.10) == 0)         // note-on at 100 ms sounds at sample 4480 = 0.1016 s
        #expect(at(0.11) == 440)
        #expect(at(0.39) == 440)
        #expect(at(0.45) == 0)
        #expect(abs(at(0.55) - 880) < 1e-9)
        #expect(at(0.70) == 0)
        #expect(frames.count >= 200)
        #expect(AnnotationFiles.f0CSV(Array(frames[10...11])) == "time,frequency,confidence\n0.10,0.000,0.0\n0.11,440.000,1.0\n")
    }

    /// A release that decays 100 dB/s stays voiced until it is 20 dB down (200 ms), a damped one
    /// (1000 dB/s) for 20 ms; the next note's onset cuts a tail short; silence ends at note-off.
    @Test func voicingFollowsTheAudibleRelease() {
        let rate = 16000
        func tone(seconds: Double, decayDBPerSecond: Double, offAt off: Int) -> [Float] {
            (0..<Int(seconds * Double(rate))).map { (n: Int) -> Float in
                let db: Double = n < off ? 0 : -decayDBPerSecond * Double(n - off) / Double(rate)
                let phase: Double = 2 * Double.pi * 440 * Double(n) / Double(rate)
                return Float(pow(10, db / 20) * sin(phase))
            }
        }
        let off = 8000
        let slow = ReleaseTails.ends(notes: [(0, off)], audio: tone(seconds: 2, decayDBPerSecond: 100, offAt: off), sampleRate: rate)
        #expect(abs(slow[0] - off - 3200) <= 320, "slow release: \(slow[0] - off) samples")   // 200 ms ± 20
        let damped = ReleaseTails.ends(notes: [(0, off)], audio: tone(seconds: 2, decayDBPerSecond: 1000, offAt: off), sampleRate: rate)
        #expect(damped[0] - off <= 480, "damped: \(damped[0] - off) samples")
        let cut = ReleaseTails.ends(notes: [(0, off), (off + 800, off + 4000)],
                                    audio: tone(seconds: 2, decayDBPerSecond: 100, offAt: off), sampleRate: rate)
        #expect(cut[0] == off + 800)
        let silent = ReleaseTails.ends(notes: [(0, off)], audio: [Float](repeating: 0, count: 32000), sampleRate: rate)
        #expect(silent[0] == off)

        // In the labels: the 440 Hz note of `f0FollowsMelodyNotes` voiced 150 ms past its note-off.
        let s = song([Note(part: .melody, key: 69, velocity: 90, startMs: 100, durationMs: 300)])
        let builder = AnnotationBuilder(sampleRate: 44100)
        let ends = [builder.melodySpans(s)[0].off + 6615]
        let frames = builder.melodyF0(s, voicedEnds: ends)
        let at = { (t: Double) in frames[Int((t * 100).rounded())].frequency }
        #expect(at(0.39) == 440 && at(0.50) == 440 && at(0.58) == 0)
    }
}
