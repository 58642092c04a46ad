/// A GM drum track (kick, snare, hi-hats) from a per-item groove with bar-level
/// variations: extra kicks, ghost notes, open and pedal hats, fills and breaks.
struct DrumGenerator {
    let grid: MusicalGrid

    struct Groove {
        var kicks: [Int]
        var snares: [Int]
        var hats: [Int]
    }

    static let grooves: [Groove] = [
        Groove(kicks: [0, 8], snares: [4, 12], hats: [0, 2, 4, 6, 8, 10, 12, 14]),          // rock
        Groove(kicks: [0, 4, 8, 12], snares: [4, 12], hats: [2, 6, 10, 14]),                 // four on the floor
        Groove(kicks: [0], snares: [8], hats: [0, 2, 4, 6, 8, 10, 12, 14]),                  // half time
        Groove(kicks: [0, 6, 8], snares: [4, 12], hats: Array(0..<16)),                      // sixteenth hats
        Groove(kicks: [0, 10], snares: [4, 12], hats: [0, 2, 4, 6, 8, 10, 12, 14]),          // breakbeat
        Groove(kicks: [0, 8], snares: [12], hats: [0, 4, 8, 12]),                            // sparse
    ]

    func notes(_ rng: inout SeededGenerator) -> [Note] {
        let groove = rng.pick(Self.grooves)
        let kickKey = rng.pick([GMDrumKey.kick, GMDrumKey.acousticKick])
        let snareKey = rng.pick([GMDrumKey.snare, GMDrumKey.electricSnare])
        let loudness = rng.int(-15...10)
        let introBars = rng.chance(0.3) ? 1 : 0
        var notes: [Note] = []

        func hit(_ key: UInt8, _ step: Int, _ velocity: Int) {
            let start = humanize(grid.ms(step: step), &rng)
            notes.append(Note(part: .drums, key: key, velocity: clampVelocity(velocity + loudness),
                              startMs: start, durationMs: 80))
        }

        for bar in introBars..<grid.bars {
            if rng.chance(0.06) { continue }   // a break: one bar without drums
            let base = bar * 16
            let fill = bar % 4 == 3 && rng.chance(0.5)
            var kicks = Set(groove.kicks)
            if rng.chance(0.3) { kicks.insert(rng.pick([3, 7, 10, 14])) }
            var snares = Set(groove.snares)
            if fill { snares.formUnion([12, 13, 14, 15]) }
            for step in kicks.sorted() { hit(kickKey, base + step, rng.int(85...120)) }
            for step in snares.sorted() { hit(snareKey, base + step, step % 4 == 0 ? rng.int(85...120) : rng.int(60...95)) }
            let ghost = rng.pick([7, 9, 15])
            if rng.chance(0.25) && !snares.contains(ghost) { hit(snareKey, base + ghost, rng.int(30...50)) }
            let openAt = rng.chance(0.3) ? 14 : -1
            for step in groove.hats where !(fill && step >= 12) {
                let accent = step % 4 == 0 ? 20 : 0
                hit(step == openAt ? GMDrumKey.openHiHat : GMDrumKey.closedHiHat, base + step, rng.int(50...80) + accent)
            }
            // Pedal hat only where no other hat sounds, so one time never carries two HH.
            if rng.chance(0.15), let step = [4, 12].first(where: { !groove.hats.contains($0) }) {
                hit(GMDrumKey.pedalHiHat, base + step, rng.int(50...80))
            }
        }
        return notes
    }
}
