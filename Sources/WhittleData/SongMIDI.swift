/// Turns a song into a type-1 Standard MIDI File at 60 bpm and 1000 ticks per
/// quarter, so that one tick is exactly one millisecond.
public enum SongMIDI {
    public static let ticksPerQuarter = 1000
    public static let microsecondsPerQuarter = 1_000_000
    /// An undefined controller (CC 110): harmless to every synth, it only keeps
    /// FluidSynth's player running until the release tails have rung out.
    static let keepRenderingController: UInt8 = 110

    /// Track 0 holds tempo and the keep-rendering event; then one track per part
    /// of the stem. Every stem of a song has the same length.
    public static func file(_ song: Song, stem: Stem) -> MIDIFile { file(song, parts: stem.parts) }

    /// The same for any set of parts (the chords alone, for a mix summed from stems).
    public static func file(_ song: Song, parts: Set<Part>) -> MIDIFile {
        var conductor: [MIDIEvent] = [
            MIDIEvent(tick: 0, .trackName("whittle conductor")),
            MIDIEvent(tick: 0, .tempo(microsecondsPerQuarter: microsecondsPerQuarter)),
        ]
        // The writer clamps deltas at zero, so this event can never go negative even
        // if it were placed before the last note-off.
        conductor.append(MIDIEvent(tick: song.endMs, .controlChange(channel: 0, controller: keepRenderingController, value: 0)))

        var tracks = [conductor]
        for part in Part.allCases where parts.contains(part) {
            tracks.append(track(song, part: part))
        }
        return MIDIFile(format: 1, ticksPerQuarter: ticksPerQuarter, tracks: tracks)
    }

    static func track(_ song: Song, part: Part) -> [MIDIEvent] {
        let channel = part.channel
        let program: UInt8 = switch part {
        case .melody: song.melodyProgram
        case .chords: song.chordProgram
        case .drums: song.drumKit
        }
        var events: [MIDIEvent] = [
            MIDIEvent(tick: 0, .trackName(part.rawValue)),
            MIDIEvent(tick: 0, .programChange(channel: channel, program: program)),
        ]
        for note in song.notes(of: part) {
            events.append(MIDIEvent(tick: note.startMs, .noteOn(channel: channel, key: note.key, velocity: note.velocity)))
            events.append(MIDIEvent(tick: note.endMs, .noteOff(channel: channel, key: note.key, velocity: 0)))
        }
        return events
    }
}
