/// The drum part rendered once per class (KD, SD, HH), beside the drum stem: training can then give
/// each class its own timbre (another font's snare differs from this font's more than its kick does).
/// fluidsynth sums voices linearly (reverb and chorus too), so the three add up to the drum stem;
/// every generated drum note belongs to one class (`DrumGenerator`).
public enum DrumClassStems {
    /// `NAME.drums-KD.wav`, `NAME.drums-SD.wav`, `NAME.drums-HH.wav`.
    public static func fileName(item: String, _ label: DrumLabel) -> String { "\(item).drums-\(label.rawValue).wav" }

    public static func fileNames(item: String) -> [String] { DrumLabel.allCases.map { fileName(item: item, $0) } }

    /// The song with only `label`'s drum notes left in its drum part (other parts untouched).
    static func song(_ song: Song, only label: DrumLabel) -> Song {
        var s = song
        s.notes = song.notes.filter { $0.part != .drums || DrumLabel(gmKey: $0.key) == label }
        return s
    }
}
