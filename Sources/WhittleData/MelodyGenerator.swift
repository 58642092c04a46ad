/// A monophonic melody: a random walk on the scale with varied rhythm, rests,
/// articulation and phrase dynamics. Notes never overlap, so f0 is well defined.
struct MelodyGenerator {
    let grid: MusicalGrid
    let key: MusicalKey
    let instrument: GMInstrument

    func notes(_ rng: inout SeededGenerator) -> [Note] {
        let pitches = key.keys(in: instrument.lowest...instrument.highest)
        guard !pitches.isEmpty else { return [] }
        // Per-item character: how busy, how legato, how loud.
        let durations = [1, 2, 3, 4, 6, 8, 12, 16]
        let busy = rng.unit()
        let weights: [Double] = [0.3 * busy, 1.5, 0.5, 1.5, 0.6, 0.8 * (1 - busy) + 0.2, 0.2, 0.2 * (1 - busy)]
        let gate = rng.double(0.55...0.95)
        let restProbability = rng.double(0.05...0.25)
        let minimumNoteMs = 40

        var notes: [Note] = []
        var index = pitches.count / 2 + rng.int(-2...2)
        var step = 0
        var phraseVelocity = rng.int(60...110)
        while step < grid.totalSixteenths {
            if step % 16 == 0 && rng.chance(0.25) { phraseVelocity = rng.int(55...115) }
            let length = min(rng.pick(durations, weights: weights), grid.totalSixteenths - step)
            if rng.chance(restProbability) {
                step += length
                continue
            }
            let move = rng.pick([-4, -3, -2, -1, 0, 1, 2, 3, 4], weights: [0.3, 0.5, 1.5, 2.5, 0.8, 2.5, 1.5, 0.5, 0.3])
            index += move
            if index < 0 { index = -index }   // bounce off the range edges
            if index >= pitches.count { index = max(0, 2 * (pitches.count - 1) - index) }
            index = min(max(index, 0), pitches.count - 1)

            let start = humanize(grid.ms(step: step), &rng)
            let slotEnd = grid.ms(step: step + length)
            let thisGate = min(0.97, max(0.3, gate + rng.double(-0.1...0.1)))
            // Leave at least 10 ms of release before the next slot so notes stay separate.
            var duration = Int(Double(slotEnd - start) * thisGate)
            duration = min(duration, slotEnd - start - 10)
            duration = max(duration, minimumNoteMs)
            let velocity = clampVelocity(phraseVelocity + rng.int(-15...15))
            notes.append(Note(part: .melody, key: UInt8(pitches[index]), velocity: velocity,
                              startMs: start, durationMs: duration))
            step += length
        }
        return removeOverlaps(notes)
    }

    /// Humanized starts can make a note begin before the previous one ends: shorten it.
    private func removeOverlaps(_ notes: [Note]) -> [Note] {
        var out = notes
        for i in out.indices.dropLast() where out[i].endMs > out[i + 1].startMs - 5 {
            out[i].durationMs = max(10, out[i + 1].startMs - 5 - out[i].startMs)
        }
        return out
    }
}
