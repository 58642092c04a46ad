/// Where FluidSynth's fast file renderer (`fluidsynth -F`) makes MIDI events sound.
///
/// FluidSynth 2.3 processes the sequencer once per 64-sample block: block j starts at
/// sample 64·j, its player clock reads ⌊64000·j / SR⌋ ms, and an event due at T ms is
/// dispatched in the first block j whose clock has reached T; the voice then starts
/// with the next block, at sample 64·(j+1). (DESIGN §8; re-measured by
/// `RenderTimingTests`: the first non-zero output sample of an isolated note is at
/// exactly this sample, for 22.05, 44.1, 48 and 96 kHz.)
public enum FluidSynthTiming {
    public static let blockSize = 64

    /// Sample index at which an event at `ms` (1 tick = 1 ms) becomes audible.
    public static func onsetSample(ms: Int, sampleRate: Int) -> Int {
        precondition(ms >= 0 && sampleRate > 0)
        // Smallest j with ⌊64000·j/SR⌋ ≥ T  ⇔  64000·j ≥ T·SR  ⇔  j = ⌈T·SR / 64000⌉.
        let j = (ms * sampleRate + 63_999) / 64_000
        return blockSize * (j + 1)
    }

    /// The same instant in seconds.
    public static func onsetTime(ms: Int, sampleRate: Int) -> Double {
        Double(onsetSample(ms: ms, sampleRate: sampleRate)) / Double(sampleRate)
    }
}
