import Foundation

/// How long a melody note sounds after its note-off. A patch's release keeps the note's pitch
/// audible after the key is let go: a String Ensemble C4 stays within 20 dB of its held level for
/// 0.36–0.38 s after note-off in both training fonts, a piano C4 for 0.16–0.18 s
/// (`ReleaseTailTests`). An f0 label that turns unvoiced at note-off calls that audible, pitched
/// tail silence. So a note stays voiced after note-off while its rendered melody stem is
/// within `floorDB` of the level it was held at, until the next melody note or `maxSeconds`.
/// The pitch stays the note's own; only where its voicing ends is measured.
public enum ReleaseTails {
    /// Below this many dB under the held level a tail counts as gone (about where it disappears
    /// under any accompaniment).
    public static let floorDB = 20.0
    public static let maxSeconds = 1.0

    /// `notes`: (on, off) sample indices in onset order. Returns each note's voiced end (≥ off, and
    /// at most the next note's on). The held level is the RMS of the 100 ms before note-off; the
    /// tail is followed in 20 ms windows every 10 ms.
    public static func ends(notes: [(on: Int, off: Int)], audio: [Float], sampleRate: Int) -> [Int] {
        let window = max(1, sampleRate / 50), step = max(1, sampleRate / 100)
        func rms(_ a: Int, _ b: Int) -> Double {
            let lo = max(0, a), hi = min(audio.count, b)
            guard hi > lo else { return 0 }
            var sum = 0.0
            for i in lo..<hi { sum += Double(audio[i]) * Double(audio[i]) }
            return (sum / Double(hi - lo)).squareRoot()
        }
        let floor = pow(10, -floorDB / 20)
        return notes.indices.map { k in
            let (on, off) = notes[k]
            let next = k + 1 < notes.count ? notes[k + 1].on : Int.max
            guard next > off else { return off }   // legato overlap: the next note takes over
            let limit = min(next, off + Int(maxSeconds * Double(sampleRate)), audio.count)
            let held = rms(max(on, off - sampleRate / 10), off)
            guard held > 0 else { return off }
            var s = off
            while s < limit && rms(s, min(s + window, limit)) >= held * floor { s += step }
            return min(s, limit)
        }
    }
}
