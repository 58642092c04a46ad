/// Generates a song (melody, chords, GM drums) deterministically from a seed.
public struct SongGenerator: Sendable {
    /// Bumped whenever the generated content changes, so caches are invalidated.
    public static let version = 1

    public var seconds: Double
    /// Silence kept after the last note-off before the "keep rendering" event.
    public var tailMs: Int = 1000

    public init(seconds: Double) { self.seconds = seconds }

    public func song(seed: UInt64, index: Int) -> Song {
        var rng = SeededGenerator(seed: seed, index: index)
        let tempo = rng.int(70...170)
        let grid = MusicalGrid(tempoBPM: tempo, seconds: seconds, leadInMs: rng.int(50...600))
        let key = MusicalKey(root: rng.int(0...11), mode: rng.pick(MusicalKey.Mode.allCases))

        let melodyInstrument = rng.pick(GMInstruments.melody)
        let chordInstrument = rng.pick(GMInstruments.chords)
        var notes = MelodyGenerator(grid: grid, key: key, instrument: melodyInstrument).notes(&rng)
        notes += ChordGenerator(grid: grid, key: key, instrument: chordInstrument).notes(&rng)
        notes += DrumGenerator(grid: grid).notes(&rng)
        notes.sort { ($0.startMs, $0.part.channel, $0.key) < ($1.startMs, $1.part.channel, $1.key) }

        let lastNoteOff = notes.map(\.endMs).max() ?? 0
        return Song(notes: notes, melodyProgram: melodyInstrument.program,
                    chordProgram: chordInstrument.program, tempoBPM: tempo,
                    endMs: lastNoteOff + tailMs)
    }
}

/// Bars and sixteenths of a 4/4 song mapped to milliseconds.
struct MusicalGrid: Sendable {
    let tempoBPM: Int
    let leadInMs: Int
    let bars: Int

    init(tempoBPM: Int, seconds: Double, leadInMs: Int) {
        self.tempoBPM = tempoBPM
        self.leadInMs = leadInMs
        let barMs = 4 * 60_000.0 / Double(tempoBPM)
        bars = max(1, Int((seconds * 1000 / barMs).rounded()))
    }

    var sixteenthsPerBar: Int { 16 }
    var totalSixteenths: Int { bars * sixteenthsPerBar }
    var sixteenthMs: Double { 15_000.0 / Double(tempoBPM) }

    /// Start of a sixteenth-note step counted from the song's start.
    func ms(step: Int) -> Int { leadInMs + Int((Double(step) * sixteenthMs).rounded()) }

    func ms(steps: Int) -> Int { Int((Double(steps) * sixteenthMs).rounded()) }
}

struct MusicalKey: Sendable {
    enum Mode: CaseIterable, Sendable { case major, minor, dorian, mixolydian, majorPentatonic, minorPentatonic }

    let root: Int
    let mode: Mode

    /// Pitch classes of the melody's scale.
    var scale: [Int] {
        switch mode {
        case .major: [0, 2, 4, 5, 7, 9, 11]
        case .minor: [0, 2, 3, 5, 7, 8, 10]
        case .dorian: [0, 2, 3, 5, 7, 9, 10]
        case .mixolydian: [0, 2, 4, 5, 7, 9, 10]
        case .majorPentatonic: [0, 2, 4, 7, 9]
        case .minorPentatonic: [0, 3, 5, 7, 10]
        }
    }

    /// Seven-note scale the harmony is built from (pentatonics use their parent).
    var harmonyScale: [Int] {
        switch mode {
        case .majorPentatonic: MusicalKey(root: root, mode: .major).scale
        case .minorPentatonic: MusicalKey(root: root, mode: .minor).scale
        default: scale
        }
    }

    func keys(in range: ClosedRange<Int>) -> [Int] {
        range.filter { scale.contains((($0 - root) % 12 + 12) % 12) }
    }
}

/// Small timing deviations so parts are not machine-locked; kept within ±2 ms so
/// that simultaneous notes of different parts still merge into one onset.
func humanize(_ ms: Int, _ rng: inout SeededGenerator) -> Int { max(0, ms + rng.int(-2...2)) }

func clampVelocity(_ v: Int) -> UInt8 { UInt8(min(127, max(1, v))) }
