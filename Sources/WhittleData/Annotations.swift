import Foundation

/// Exact ground truth for a rendered song, corrected for the renderer's block timing.
public struct Annotations: Sendable, Equatable {
    public var onsets: [Double]
    public var drums: [DrumHit]
    public var f0: [F0Frame]

    public struct DrumHit: Sendable, Equatable {
        public var time: Double
        public var label: DrumLabel
    }

    public struct F0Frame: Sendable, Equatable {
        public var time: Double
        /// Hz; 0 when unvoiced.
        public var frequency: Double
    }
}

public struct AnnotationBuilder: Sendable {
    public var sampleRate: Int
    /// Onsets of different notes closer than this are one perceived onset.
    public var mergeWindowMs: Int = 5
    public var f0HopSeconds: Double = 0.01
    /// Octaves between each melody key's MIDI pitch and its sounding f0, indexed by key
    /// (`SoundingOctave.shifts`); empty: none.
    public var melodyOctaves: [Int] = []

    public init(sampleRate: Int) { self.sampleRate = sampleRate }

    /// Onset times of all notes of `parts`, merged within `mergeWindowMs`: each group
    /// keeps its earliest time, and a group spans at most the window from that time.
    public func onsets(_ song: Song, parts: Set<Part>) -> [Double] {
        let starts = song.notes.filter { parts.contains($0.part) }.map(\.startMs).sorted()
        var merged: [Int] = []
        for ms in starts where merged.last.map({ ms - $0 > mergeWindowMs }) ?? true {
            merged.append(ms)
        }
        return merged.map { FluidSynthTiming.onsetTime(ms: $0, sampleRate: sampleRate) }
    }

    /// One hit per (time, class); KD before SD before HH at equal times.
    public func drumHits(_ song: Song) -> [Annotations.DrumHit] {
        var seen = Set<String>()
        var hits: [(ms: Int, label: DrumLabel)] = []
        for note in song.notes(of: .drums) {
            guard let label = DrumLabel(gmKey: note.key) else { continue }
            if seen.insert("\(note.startMs)/\(label.rawValue)").inserted { hits.append((note.startMs, label)) }
        }
        let order = DrumLabel.allCases
        hits.sort { ($0.ms, order.firstIndex(of: $0.label)!) < ($1.ms, order.firstIndex(of: $1.label)!) }
        return hits.map { .init(time: FluidSynthTiming.onsetTime(ms: $0.ms, sampleRate: sampleRate), label: $0.label) }
    }

    func octaves(key: UInt8) -> Int { Int(key) < melodyOctaves.count ? melodyOctaves[Int(key)] : 0 }

    /// Melody notes as (on, off) samples (block-corrected), in onset order.
    public func melodySpans(_ song: Song) -> [(on: Int, off: Int)] {
        song.notes(of: .melody).map { note in
            (FluidSynthTiming.onsetSample(ms: note.startMs, sampleRate: sampleRate),
             FluidSynthTiming.onsetSample(ms: note.endMs, sampleRate: sampleRate))
        }
    }

    /// Melody f0 on a fixed hop: the note's equal-tempered frequency (shifted by `melodyOctaves`)
    /// from its (block-corrected) note-on sample up to its note-off sample — or, given
    /// `voicedEnds` (one per melody note, `ReleaseTails`), up to where its release fades — 0 elsewhere.
    public func melodyF0(_ song: Song, voicedEnds: [Int]? = nil) -> [Annotations.F0Frame] {
        let notes = song.notes(of: .melody), samples = melodySpans(song)
        precondition(voicedEnds == nil || voicedEnds!.count == notes.count, "one voiced end per melody note")
        let spans = zip(notes, samples).enumerated().map { k, pair in
            (on: pair.1.on, off: max(pair.1.off, voicedEnds?[k] ?? 0),
             hz: 440 * pow(2, (Double(pair.0.key) - 69) / 12 + Double(octaves(key: pair.0.key))))
        }
        let endSample = FluidSynthTiming.onsetSample(ms: song.endMs, sampleRate: sampleRate)
        let frameCount = Int((Double(endSample) / Double(sampleRate) / f0HopSeconds).rounded(.up))
        var frames: [Annotations.F0Frame] = []
        frames.reserveCapacity(frameCount)
        var cursor = 0
        for k in 0..<frameCount {
            let time = Double(k) * f0HopSeconds
            let sample = time * Double(sampleRate)
            while cursor < spans.count && Double(spans[cursor].off) <= sample { cursor += 1 }
            let voiced = cursor < spans.count && Double(spans[cursor].on) <= sample
            frames.append(.init(time: time, frequency: voiced ? spans[cursor].hz : 0))
        }
        return frames
    }
}
