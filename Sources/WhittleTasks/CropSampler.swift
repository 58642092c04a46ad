/// Random crops of equal length from sequences of different lengths (weighted by length).
struct CropSampler {
    let lengths: [Int]
    let crop: Int

    /// (sequence, first frame) for `count` crops; sequences shorter than the crop are skipped.
    func sample(_ count: Int, random: inout DetectorRandom) -> [(sequence: Int, start: Int)] {
        let usable = lengths.indices.filter { lengths[$0] >= crop }
        guard !usable.isEmpty else { return [] }
        let weights = usable.map { lengths[$0] - crop + 1 }
        let total = weights.reduce(0, +)
        var out: [(Int, Int)] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            var r = random.int(total)
            var i = 0
            while r >= weights[i] { r -= weights[i]; i += 1 }
            out.append((usable[i], r))
        }
        return out
    }
}
