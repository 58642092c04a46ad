/// A generated piece of music, in milliseconds (the MIDI files use 1 tick = 1 ms).
public struct Song: Sendable, Equatable {
    public var notes: [Note]
    /// GM program of the melody and the chord parts.
    public var melodyProgram: UInt8
    public var chordProgram: UInt8
    /// Drum kit: the program on the drum channel (GM2/GS kits, bank 128 in a soundfont: 0 Standard,
    /// 8 Room, 16 Power, 24 Electronic, 25 TR-808, 32 Jazz, 40 Brush, 48 Orchestra).
    public var drumKit: UInt8 = 0
    /// Musical tempo; the MIDI file itself always runs at 60 bpm, 1000 ticks/quarter.
    public var tempoBPM: Int
    /// Time of the "keep rendering" event that lets release tails ring out.
    public var endMs: Int

    public init(notes: [Note], melodyProgram: UInt8, chordProgram: UInt8, tempoBPM: Int, endMs: Int) {
        self.notes = notes
        self.melodyProgram = melodyProgram
        self.chordProgram = chordProgram
        self.tempoBPM = tempoBPM
        self.endMs = endMs
    }

    public func notes(of part: Part) -> [Note] { notes.filter { $0.part == part } }
}

public enum Part: String, Sendable, Codable, CaseIterable {
    case melody, chords, drums

    /// 0-based MIDI channel; GM drums live on channel 9 ("channel 10").
    public var channel: UInt8 {
        switch self {
        case .melody: 0
        case .chords: 1
        case .drums: 9
        }
    }
}

public struct Note: Sendable, Equatable {
    public var part: Part
    public var key: UInt8
    public var velocity: UInt8
    public var startMs: Int
    public var durationMs: Int

    public init(part: Part, key: UInt8, velocity: UInt8, startMs: Int, durationMs: Int) {
        self.part = part
        self.key = key
        self.velocity = velocity
        self.startMs = startMs
        self.durationMs = durationMs
    }

    public var endMs: Int { startMs + durationMs }
}

/// Which parts of a song a rendered file contains.
public enum Stem: String, Sendable, Codable, CaseIterable {
    case mix, melody, drums

    public var parts: Set<Part> {
        switch self {
        case .mix: [.melody, .chords, .drums]
        case .melody: [.melody]
        case .drums: [.drums]
        }
    }
}
