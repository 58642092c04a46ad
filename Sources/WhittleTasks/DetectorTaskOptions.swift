/// What the detector tasks share: how much data an epoch sees and how it is augmented.
public struct DetectorTaskOptions: Sendable, Equatable {
    /// Frames per training crop (200 = 2 s at 10 ms).
    public var cropFrames = 200
    /// Crops per epoch.
    public var cropsPerEpoch = 256
    /// Crops are played at a random gain in this range (dB): level robustness.
    public var gainRangeDB: ClosedRange<Double> = -30...6
    /// Share of crops that get a second crop (another stem, its own gain) added to them: denser,
    /// differently balanced scenes, so quiet onsets among loud ones are seen often. The two are summed
    /// as mel magnitudes (exact for sounds in separate bands), targets are their union.
    public var mixProbability = 0.0
    /// Each crop (each stem of a mixed crop) gets a random smooth equaliser: a tilt and one bell,
    /// each up to ± this many dB (0: off). Another soundfont's instruments differ most in their
    /// spectra. Onset/drums: across the mel bands, exact in the log-mel domain like the gain;
    /// pitch: on the crop's audio (`AudioEqualiser`), since its front end reads audio.
    public var eqDB = 0.0
    /// Onset/drums: each crop (each stem of a mixed crop) is moved by a random whole number of mel
    /// bands up to ± this many (0: off), edge bands repeated. Above 1 kHz the mel axis is nearly
    /// logarithmic, so this is close to playing the crop's sounds pitched up or down (one of 80
    /// bands to 11 kHz is about 0.7 semitone there): another font's drum kit is often the same
    /// kind of sample tuned or sampled elsewhere.
    public var bandShift = 0
    /// Onset/drums: drum stems with class renders (`whittle data --drum-class-stems`) are rebuilt
    /// from them, each class (KD, SD, HH) under its own random equaliser (tilt and bell up to ± this
    /// many dB) and level (± half of it), summed as mel magnitudes (0: off). A whole-crop equaliser
    /// keeps one font's balance between its snare and its hats; another font's kit breaks it.
    public var drumTimbreDB = 0.0
    /// With --drum-timbre-db: each class also rings longer, its bands fed back frame to frame at a
    /// random rate in 0...this per crop (0: off); another font's hats or snares decay more slowly.
    public var drumDecay = 0.0
    /// With --drum-timbre-db: mixed stems are rebuilt too, their drum part (the item's drum stem)
    /// taken out as mel magnitudes and the classes put back under their draws. Off, a mix keeps its
    /// rendered drums and the class timbres reach the drum stems only; the mixes are where another
    /// font's snare is missed most.
    public var drumTimbreInMixes = false
    /// Validation stems are cut to this many frames each (validation runs every epoch).
    public var validationFrames = 1500
    /// Targets sit this many frames after the onset's frame: the model sees that much audio after
    /// the onset before it answers (the event is dated back by the same amount).
    public var targetDelay = 1
    /// BCE: weight of positive frames and the ± frames raised to 0.5 around each (Schlüter & Böck).
    public var positiveWeight: Float = 2
    public var widen = 1
    /// Peak picking of the engine (onset, drums).
    public var preMax = 3
    public var combine = 3
    /// Items of each directory to use (nil: all).
    public var items: Range<Int>? = nil
    public var validationItems: Range<Int>? = nil

    public init() {}
}
