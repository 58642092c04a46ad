import Foundation

/// Melody patches whose sound has its fundamental an octave below the MIDI note.
///
/// An organ registration with a 16' rank adds the sub-octave and its odd harmonics (f/2, 3f/2,
/// 5f/2 …), so the waveform repeats at f/2: that is the f0 a pitch tracker can see and the one the
/// f0 labels must carry. Measured on both training fonts by `SoundingOctaveTests` (the sub-octave
/// series is at least 0.2 of the note's own at the median sampled key; every other melody patch is
/// below that). FluidR3's Church Organ has the sub-octave only above C5 and keeps the MIDI pitch.
public enum SoundingOctave {
    /// (font, program) pairs that sound an octave low.
    static let subOctave: Set<String> = ["fluid/16", "timgm/16", "timgm/19"]

    /// Octaves to add to a melody note's MIDI pitch for the f0 label: −1 or 0. Fonts other than the
    /// two training fonts (evaluation only) are not measured: 0.
    public static func shift(program: UInt8, soundfont: Soundfont) -> Int {
        guard let font = soundfont.trainingFontName else { return 0 }
        return subOctave.contains("\(font)/\(program)") ? -1 : 0
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
