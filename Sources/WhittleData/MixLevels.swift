import Foundation

/// How loud the accompaniment sits under the melody in a dataset's mixes, as a mix engineer
/// sets it: each part's level relative to the melody (RMS over the item, dB), drawn per item.
///
/// Without it fluidsynth renders the mix in one pass and the balance is whatever the patches'
/// own levels give: across the benchmark's items the melody lies between 12 dB under and 18 dB
/// over the chords, and up to 11 dB under the drums, so some "melodies" are inaudible in their
/// mix. A melody-extraction mix has the melody as its predominant voice.
public struct MixLevels: Sendable, Codable, Equatable {
    public var chordsLow: Double, chordsHigh: Double
    public var drumsLow: Double, drumsHigh: Double

    public init(chords: ClosedRange<Double>, drums: ClosedRange<Double>) {
        chordsLow = chords.lowerBound; chordsHigh = chords.upperBound
        drumsLow = drums.lowerBound; drumsHigh = drums.upperBound
    }

    /// `chords=LO:HI,drums=LO:HI` (dB relative to the melody; a single value fixes the level).
    public static func parse(_ text: String) throws -> MixLevels {
        var ranges: [String: ClosedRange<Double>] = [:]
        for field in text.split(separator: ",") {
            let pair = field.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, ["chords", "drums"].contains(pair[0]) else {
                throw DataError.io("mix levels: '\(field)' is not chords=LO:HI or drums=LO:HI (dB relative to the melody)")
            }
            let bounds = pair[1].split(separator: ":").map { Double($0) }
            guard (1...2).contains(bounds.count), let lo = bounds.first!, let hi = bounds.last!, lo <= hi,
                  lo.isFinite, hi.isFinite, lo >= -60, hi <= 60 else {
                throw DataError.io("mix levels: \(pair[0]) '\(pair[1])' is not LO:HI in dB with -60 <= LO <= HI <= 60")
            }
            guard ranges[pair[0]] == nil else { throw DataError.io("mix levels: \(pair[0]) given twice") }
            ranges[pair[0]] = lo...hi
        }
        guard let chords = ranges["chords"], let drums = ranges["drums"] else {
            throw DataError.io("mix levels: give both parts, e.g. chords=-6:0,drums=-3:3 (got '\(text)')")
        }
        return MixLevels(chords: chords, drums: drums)
    }

    /// Item `index`'s levels: an own stream per item, so the songs themselves do not change.
    public func draw(seed: UInt64, index: Int) -> MixTargets {
        var rng = SeededGenerator(seed: seed ^ 0x4D49_5854_4152_4754, index: index)   // "MIXTARGT"
        return MixTargets(chordsDB: rng.double(chordsLow...chordsHigh), drumsDB: rng.double(drumsLow...drumsHigh))
    }
}

/// One item's accompaniment levels relative to its melody, dB.
public struct MixTargets: Sendable, Codable, Equatable {
    public var chordsDB: Double
    public var drumsDB: Double
}

/// The gains a mix was summed with: mix = scale · (melody + chords · chords-gain + drums · drums-gain).
public struct MixGains: Sendable, Codable, Equatable {
    public var chords: Double
    public var drums: Double
    /// Below 1 when the sum would have clipped.
    public var scale: Double
}

/// Sums separately rendered stems at target levels (offline, dataset building).
public enum StemMixer {
    /// Peak of the written mix, just under full scale for 16-bit files.
    static let ceiling: Float = 0.98

    /// Interleaved stems of one rate and channel count (lengths may differ: the longest wins).
    public static func mix(melody: WavFile, chords: WavFile, drums: WavFile, targets: MixTargets) throws -> (WavFile, MixGains) {
        for stem in [chords, drums] where stem.channels != melody.channels || stem.sampleRate != melody.sampleRate {
            throw DataError.io("mix: stems differ in channels or rate (\(stem.channels) ch / \(stem.sampleRate) Hz against \(melody.channels) / \(melody.sampleRate))")
        }
        let reference = rms(melody.samples)
        func gain(_ stem: WavFile, _ db: Double) -> Double {
            let level = rms(stem.samples)
            return level > 0 && reference > 0 ? reference / level * pow10(db / 20) : 1
        }
        let gc = gain(chords, targets.chordsDB), gd = gain(drums, targets.drumsDB)
        let count = max(melody.samples.count, chords.samples.count, drums.samples.count)
        var sum = [Float](repeating: 0, count: count)
        for (stem, g) in [(melody, 1.0), (chords, gc), (drums, gd)] {
            let f = Float(g)
            for i in stem.samples.indices { sum[i] += f * stem.samples[i] }
        }
        let peak = sum.reduce(Float(0)) { max($0, abs($1)) }
        let scale = peak > ceiling ? ceiling / peak : 1
        if scale < 1 { for i in sum.indices { sum[i] *= scale } }
        let out = WavFile(sampleRate: melody.sampleRate, channels: melody.channels, frameCount: count / melody.channels, samples: sum)
        return (out, MixGains(chords: gc, drums: gd, scale: Double(scale)))
    }

    static func rms(_ x: [Float]) -> Double {
        guard !x.isEmpty else { return 0 }
        var s = 0.0
        for v in x { s += Double(v) * Double(v) }
        return (s / Double(x.count)).squareRoot()
    }

    static func pow10(_ x: Double) -> Double { exp(x * 2.302585092994046) }
}

extension MixGains {
    /// The gains item `item` of `directory` was summed with (`NAME.params.json`); nil when its mix
    /// was rendered in one pass (every part at the render's own level) or the file is unreadable.
    public static func stored(directory: String, item: String) -> MixGains? {
        let url = URL(fileURLWithPath: directory).appendingPathComponent("\(item).params.json")
        guard let data = try? Data(contentsOf: url) else { return nil }
        return (try? JSONDecoder().decode(ItemParameters.self, from: data))?.mixGains
    }

    /// The factor on the drum stem inside the summed mix.
    public var drumsInMix: Double { drums * scale }
}
