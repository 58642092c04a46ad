import Testing
@testable import WhittleData

@Suite struct SongGeneratorTests {
    let generator = SongGenerator(seconds: 20)

    @Test func sameSeedSameSong() {
        #expect(generator.song(seed: 42, index: 5) == generator.song(seed: 42, index: 5))
        #expect(MIDIFileWriter.bytes(SongMIDI.file(generator.song(seed: 42, index: 5), stem: .mix))
                == MIDIFileWriter.bytes(SongMIDI.file(generator.song(seed: 42, index: 5), stem: .mix)))
    }

    @Test func differentSeedsOrItemsDiffer() {
        #expect(generator.song(seed: 42, index: 5) != generator.song(seed: 43, index: 5))
        #expect(generator.song(seed: 42, index: 5) != generator.song(seed: 42, index: 6))
    }

    /// A fixed seed pins the content: if this changes, bump `SongGenerator.version`.
    @Test func contentIsPinned() {
        let song = SongGenerator(seconds: 30).song(seed: 0, index: 0)
        let checksum = song.notes.reduce(UInt64(14_695_981_039_346_656_037)) { h, n in
            var h = h
            for v in [n.startMs, n.durationMs, Int(n.key), Int(n.velocity), Int(n.part.channel)] {
                h = (h ^ UInt64(truncatingIfNeeded: v)) &* 1_099_511_628_211
            }
            return h
        }
        #expect(checksum == SongGeneratorTests.pinnedChecksum, "generated content changed: bump SongGenerator.version and update the pin to \(checksum)")
    }
    static let pinnedChecksum: UInt64 = 9_941_394_715_976_124_067

    @Test func melodyIsMonophonic() {
        for index in 0..<20 {
            let melody = generator.song(seed: 9, index: index).notes(of: .melody)
            #expect(!melody.isEmpty)
            for (a, b) in zip(melody, melody.dropFirst()) { #expect(a.endMs <= b.startMs) }
        }
    }

    @Test func drumsUseOnlyMappedKeysOnChannel10() {
        for index in 0..<20 {
            for note in generator.song(seed: 3, index: index).notes(of: .drums) {
                #expect(DrumLabel(gmKey: note.key) != nil)
                #expect(note.part.channel == 9)
            }
        }
    }

    @Test func variesProgramsTemposAndLength() {
        let songs = (0..<30).map { generator.song(seed: 11, index: $0) }
        #expect(Set(songs.map(\.melodyProgram)).count >= 10)
        #expect(Set(songs.map(\.tempoBPM)).count >= 10)
        for song in songs {
            let last = song.notes.map(\.endMs).max()!
            #expect(song.endMs > last)
            #expect(song.notes.map(\.startMs).max()! < 22_000)
            #expect(last > 15_000)
            #expect(song.notes.allSatisfy { $0.startMs >= 0 && $0.durationMs > 0 && $0.velocity > 0 })
        }
    }

    @Test func drumLabelMapping() {
        #expect(DrumLabel(gmKey: 35) == .kick && DrumLabel(gmKey: 36) == .kick)
        #expect(DrumLabel(gmKey: 38) == .snare && DrumLabel(gmKey: 40) == .snare)
        #expect(DrumLabel(gmKey: 42) == .hiHat && DrumLabel(gmKey: 44) == .hiHat && DrumLabel(gmKey: 46) == .hiHat)
        #expect(DrumLabel(gmKey: 37) == nil && DrumLabel(gmKey: 49) == nil)
        #expect(DrumLabel.allCases.map(\.rawValue) == ["KD", "SD", "HH"])
    }
}
