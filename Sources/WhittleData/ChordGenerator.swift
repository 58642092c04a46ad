/// Block-chord accompaniment: a diatonic progression with a per-item rhythm.
struct ChordGenerator {
    let grid: MusicalGrid
    let key: MusicalKey
    let instrument: GMInstrument

    /// Progressions as 0-based scale degrees (I-V-vi-IV, ii-V-I-I, ...).
    static let progressions: [[Int]] = [[0, 4, 5, 3], [5, 3, 0, 4], [1, 4, 0, 0], [0, 3, 4, 3], [0, 5, 3, 4], [0, 6, 5, 4]]

    /// Chord start positions within a bar (sixteenths) and their lengths.
    static let rhythms: [[(step: Int, length: Int)]] = [
        [(0, 16)],                                  // whole notes
        [(0, 8), (8, 8)],                           // half notes
        [(0, 4), (8, 4)],                           // stabs on 1 and 3
        [(2, 2), (6, 2), (10, 2), (14, 2)],         // off-beat skank
        [(0, 6), (6, 6), (12, 4)],                  // 3-3-2 syncopation
        [(0, 4), (4, 4), (8, 4), (12, 4)],          // quarter notes
    ]

    func notes(_ rng: inout SeededGenerator) -> [Note] {
        let progression = rng.pick(Self.progressions)
        let rhythm = rng.pick(Self.rhythms)
        let barsPerChord = rng.pick([1, 1, 2])
        let gate = rng.double(0.6...0.95)
        let baseVelocity = rng.int(45...85)
        let addSeventh = rng.chance(0.3)
        let scale = key.harmonyScale

        var notes: [Note] = []
        for bar in 0..<grid.bars {
            if rng.chance(0.08) { continue }   // an occasional bar without accompaniment
            let degree = progression[(bar / barsPerChord) % progression.count]
            var tones = [0, 2, 4].map { degree + $0 }
            if addSeventh { tones.append(degree + 6) }
            let keys = voicing(tones.map { scaleKey($0, scale) }, &rng)
            for hit in rhythm {
                let start = grid.ms(step: bar * 16 + hit.step)
                let duration = max(60, Int(Double(grid.ms(steps: hit.length)) * gate))
                let velocity = baseVelocity + rng.int(-8...8)
                for k in keys {
                    notes.append(Note(part: .chords, key: UInt8(k), velocity: clampVelocity(velocity),
                                      startMs: start, durationMs: duration))
                }
            }
        }
        return notes
    }

    /// MIDI key of a scale degree (may exceed 7: next octave) around middle C.
    private func scaleKey(_ degree: Int, _ scale: [Int]) -> Int {
        48 + key.root + 12 * (degree / scale.count) + scale[degree % scale.count]
    }

    /// Random inversion, folded into the instrument's range.
    private func voicing(_ keys: [Int], _ rng: inout SeededGenerator) -> [Int] {
        var out = keys
        for _ in 0..<rng.int(0...2) { out.append(out.removeFirst() + 12) }
        while let high = out.max(), high > instrument.highest { out = out.map { $0 - 12 } }
        while let low = out.min(), low < instrument.lowest { out = out.map { $0 + 12 } }
        return out.sorted()
    }
}
