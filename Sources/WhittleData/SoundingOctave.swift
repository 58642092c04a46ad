import Foundation

/// Melody patches whose waveform repeats one or two octaves below the MIDI note.
///
/// An organ registration with a 16' rank adds the sub-octave and its odd harmonics (f/2, 3f/2,
/// 5f/2 …), so the waveform repeats at f/2: that is the f0 a pitch tracker can see and the one the
/// f0 labels must carry. The rule, applied again from f/2 for a second octave: the sub-octave
/// itself is at least 0.2 of the candidate f0's magnitude, and the sub-octave series (½, 1½, 2½)
/// at least 0.2 of the candidate's own (1, 2, 3). Requiring energy at the sub-octave itself leaves
/// FluidR3's Church Organ at its key: above C5 its samples add a quint (3f/2) but nothing at f/2.
/// FluidR3's Drawbar Organ has its strongest partials at f/4 and f/2 (a 32'-like bottom): two
/// octaves. Measured on every key of every melody patch by `scripts/sounding-octaves.py` and checked
/// by `SoundingOctaveTests`.
public enum SoundingOctave {
    /// (font/program) → (keys, octaves to add). Keys not covered shift by 0.
    static let table: [String: [(keys: ClosedRange<Int>, octaves: Int)]] = [
        "fluid/16": [(0...127, -2)],
        "timgm/16": [(0...127, -1)],
        "timgm/19": [(0...127, -1)],
        "timgm/21": [(77...77, -2)],   // one Accordion sample (key 77) carries f/4 and f/2
    ]

    /// Octaves to add to a melody note's MIDI pitch for its f0 label: 0, −1 or −2. Fonts other than
    /// the two training fonts (evaluation only) are not measured: 0.
    public static func shift(program: UInt8, key: Int, soundfont: Soundfont) -> Int {
        guard let font = soundfont.trainingFontName else { return 0 }
        return shift(program: program, key: key, font: font)
    }

    static func shift(program: UInt8, key: Int, font: String) -> Int {
        table["\(font)/\(program)"]?.first { $0.keys.contains(key) }?.octaves ?? 0
    }

    /// The octave shift of every MIDI key for one program: what `AnnotationBuilder` applies.
    public static func shifts(program: UInt8, soundfont: Soundfont) -> [Int] {
        (0..<128).map { shift(program: program, key: $0, soundfont: soundfont) }
    }
}

extension Soundfont {
    /// "fluid" or "timgm" for the two training fonts, nil for any other.
    public var trainingFontName: String? {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if resolved == URL(fileURLWithPath: Self.fluidPath).resolvingSymlinksInPath().path { return "fluid" }
        if resolved == URL(fileURLWithPath: Self.timgmPath).resolvingSymlinksInPath().path { return "timgm" }
        return nil
    }
}
