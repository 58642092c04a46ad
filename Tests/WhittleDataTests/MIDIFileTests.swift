import Testing
@testable import WhittleData

@Suite struct MIDIFileTests {
    @Test func headerAndVariableLengthBytes() {
        let file = MIDIFile(format: 1, ticksPerQuarter: 1000, tracks: [[
            MIDIEvent(tick: 0, .tempo(microsecondsPerQuarter: 1_000_000)),
            MIDIEvent(tick: 200, .noteOn(channel: 9, key: 36, velocity: 100)),
        ]])
        let bytes = MIDIFileWriter.bytes(file)
        #expect(Array(bytes[0..<14]) == [0x4D, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, 1, 0x03, 0xE8])
        #expect(Array(bytes[14..<18]) == Array("MTrk".utf8))
        let body: [UInt8] = [0x00, 0xFF, 0x51, 0x03, 0x0F, 0x42, 0x40,   // tempo 1 000 000 µs
                             0x81, 0x48, 0x99, 36, 100,                   // delta 200 = 0x81 0x48
                             0x00, 0xFF, 0x2F, 0x00]
        #expect(Array(bytes[18..<22]) == [0, 0, 0, UInt8(body.count)])
        #expect(Array(bytes[22...]) == body)
        #expect(MIDIFileWriter.variableLength(0x0FFF_FFFF) == [0xFF, 0xFF, 0xFF, 0x7F])
        #expect(MIDIFileWriter.variableLength(0x80) == [0x81, 0x00])
    }

    @Test func songRoundTripsThroughParser() throws {
        let song = SongGenerator(seconds: 8).song(seed: 7, index: 3)
        let file = SongMIDI.file(song, stem: .mix)
        let parsed = try MIDIFileParser.parse(MIDIFileWriter.bytes(file))
        #expect(parsed.format == 1 && parsed.ticksPerQuarter == 1000 && parsed.tracks.count == 4)
        #expect(parsed.tracks[0].contains(MIDIEvent(tick: 0, .tempo(microsecondsPerQuarter: 1_000_000))))

        // Every note comes back on its channel at its millisecond tick.
        var notesBack: [(Int, UInt8, UInt8)] = []
        for track in parsed.tracks {
            for event in track {
                if case let .noteOn(channel, key, velocity) = event.message, velocity > 0 { notesBack.append((event.tick, channel, key)) }
            }
        }
        let expected = song.notes.map { ($0.startMs, $0.part.channel, $0.key) }
        #expect(notesBack.sorted { $0 < $1 }.map { "\($0)" } == expected.sorted { $0 < $1 }.map { "\($0)" })
        // All tracks end at or after the keep-rendering event.
        #expect(parsed.tracks[0].contains { $0.tick == song.endMs && $0.message == .controlChange(channel: 0, controller: 110, value: 0) })
    }

    @Test func stemsContainOnlyTheirParts() throws {
        let song = SongGenerator(seconds: 5).song(seed: 1, index: 0)
        let drums = try MIDIFileParser.parse(MIDIFileWriter.bytes(SongMIDI.file(song, stem: .drums)))
        let channels = Set(drums.tracks.flatMap { $0 }.compactMap { e -> UInt8? in
            if case let .noteOn(c, _, _) = e.message { c } else { nil }
        })
        #expect(channels == [9])
    }

    /// The trim-anchor generator bug: a keep-rendering event placed before the last
    /// note-off gave a negative delta. The writer clamps it to zero.
    @Test func eventBeforeLastNoteOffGetsZeroDelta() throws {
        let song = Song(notes: [Note(part: .melody, key: 60, velocity: 90, startMs: 0, durationMs: 500)],
                        melodyProgram: 0, chordProgram: 0, tempoBPM: 120, endMs: 300)
        let track: [MIDIEvent] = [
            MIDIEvent(tick: 0, .noteOn(channel: 0, key: 60, velocity: 90)),
            MIDIEvent(tick: 500, .noteOff(channel: 0, key: 60, velocity: 0)),
            MIDIEvent(tick: 300, .endOfTrack),
        ]
        let parsed = try MIDIFileParser.parse(MIDIFileWriter.bytes(MIDIFile(ticksPerQuarter: 1000, tracks: [track])))
        #expect(parsed.tracks[0].last == MIDIEvent(tick: 500, .endOfTrack))
        _ = try MIDIFileParser.parse(MIDIFileWriter.bytes(SongMIDI.file(song, stem: .mix)))
    }

    @Test func noteOffPrecedesNoteOnAtSameTick() throws {
        let track: [MIDIEvent] = [
            MIDIEvent(tick: 100, .noteOn(channel: 0, key: 60, velocity: 80)),
            MIDIEvent(tick: 100, .noteOff(channel: 0, key: 60, velocity: 0)),
        ]
        let parsed = try MIDIFileParser.parse(MIDIFileWriter.bytes(MIDIFile(ticksPerQuarter: 1000, tracks: [track])))
        #expect(parsed.tracks[0][0].message == .noteOff(channel: 0, key: 60, velocity: 0))
    }

    @Test func parserHandlesRunningStatus() throws {
        let body: [UInt8] = [0x00, 0x90, 60, 100, 0x10, 62, 100, 0x10, 0x80, 60, 0, 0x00, 0xFF, 0x2F, 0x00]
        let bytes = Array("MThd".utf8) + [0, 0, 0, 6, 0, 0, 0, 1, 0, 96] + Array("MTrk".utf8) + [0, 0, 0, UInt8(body.count)] + body
        let parsed = try MIDIFileParser.parse(bytes)
        #expect(parsed.tracks[0][1] == MIDIEvent(tick: 16, .noteOn(channel: 0, key: 62, velocity: 100)))
        #expect(parsed.tracks[0][2] == MIDIEvent(tick: 32, .noteOff(channel: 0, key: 60, velocity: 0)))
    }
}
