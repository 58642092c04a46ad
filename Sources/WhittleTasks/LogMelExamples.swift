import WhittleDSP

/// A rendered stem as the onset and drum tasks use it: flat features, targets and references.
public struct LogMelExample: Sendable {
    public var name: String
    public var features: FeatureMatrix
    /// [frames] onset targets and [frames · 3] drum targets (KD, SD, HH interleaved).
    public var onsets: [Float]
    public var drums: [Float]
    public var onsetTimes: [Double]
    public var drumTimes: [[Double]]
    /// Drum stems rendered with `--drum-class-stems`: the KD, SD and HH renders' frames, cut or
    /// padded to `features.frames` (empty otherwise, and for other stems).
    public var drumClasses: [FeatureMatrix] = []
    /// Mix stems loaded for `--drum-timbre-mixes`: the item's drum stem frames, to take out of the
    /// mix before the classes are put back (nil otherwise). `drumClasses` are then the drum stem's.
    public var drumStem: FeatureMatrix? = nil
    /// The drum stem's level inside the mix, as a magnitude factor (1 for a mix rendered in one
    /// pass; the stored summing gain for `--mix-levels` items).
    public var drumStemGain: Float = 1

    public init(_ e: DetectorExample, width: Int) {
        name = e.name
        features = FeatureMatrix(rows: e.features, width: width)
        onsets = e.onsets
        drums = e.drums.flatMap { $0 }
        onsetTimes = e.onsetTimes
        drumTimes = e.drumTimes
    }

    /// Loads `stems` of every item in each directory.
    public static func load(directories: [String], stems: [String], features: FeatureSettings,
                            items: Range<Int>? = nil) throws -> [LogMelExample] {
        var all: [LogMelExample] = []
        for dir in directories {
            all += try DetectorCorpus.load(directory: dir, stems: stems, features: features, items: items)
                .map { LogMelExample($0, width: features.count) }
        }
        return all
    }
}
