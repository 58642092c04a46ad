import Glibc

/// Triangular filters over FFT magnitude bins, stored sparsely (each band a contiguous run of
/// bins). Two layouts: logarithmic (`bandsPerOctave`, SuperFlux) and mel (HTK formula).
public struct SparseFilterbank {
    public let bandCount: Int
    let starts: UnsafeMutablePointer<Int32>
    let lengths: UnsafeMutablePointer<Int32>
    /// Where band b's weights begin in `weights` (packed back to back: thousands of narrow pitch
    /// bands would otherwise pad to the widest one and spill the cache between frames).
    let offsets: UnsafeMutablePointer<Int32>
    let weights: UnsafeMutablePointer<Float>

    /// Log-spaced centres; bands that would fall on the same bin are merged.
    public static func logarithmic(fftSize: Int, sampleRate: Double, bandsPerOctave: Double,
                                   minHz: Double, maxHz: Double) -> SparseFilterbank {
        let binHz = sampleRate / Double(fftSize)
        let top = min(maxHz, sampleRate / 2 - binHz)
        var bins: [Double] = []
        var f = minHz
        while f <= top {
            let bin = (f / binHz).rounded()
            if bins.last != bin { bins.append(bin) }
            f *= pow(2.0, 1.0 / bandsPerOctave)
        }
        return SparseFilterbank(edgesInBins: bins, binCount: fftSize / 2 + 1)
    }

    /// `bands` triangles equally spaced on the HTK mel scale between `minHz` and `maxHz`.
    public static func mel(fftSize: Int, sampleRate: Double, bands: Int, minHz: Double, maxHz: Double) -> SparseFilterbank {
        func mel(_ hz: Double) -> Double { 2595 * log10(1 + hz / 700) }
        func hz(_ mel: Double) -> Double { 700 * (pow(10, mel / 2595) - 1) }
        let binHz = sampleRate / Double(fftSize)
        let lo = mel(minHz), hi = mel(min(maxHz, sampleRate / 2))
        let edges = (0..<(bands + 2)).map { hz(lo + (hi - lo) * Double($0) / Double(bands + 1)) / binHz }
        return SparseFilterbank(edgesInBins: edges, binCount: fftSize / 2 + 1)
    }

    /// Log-frequency bands at the given centres (spaced `binsPerOctave` per octave): each triangle
    /// spans the neighbouring centres, never narrower than ±1 FFT bin (where it becomes linear
    /// interpolation between bins). Weights sum to one, so bands are mean magnitudes; bands at or
    /// above Nyquist are zero.
    public static func logFrequency(fftSize: Int, sampleRate: Double, centresHz: [Double], binsPerOctave: Double) -> SparseFilterbank {
        let binHz = sampleRate / Double(fftSize)
        let binCount = fftSize / 2 + 1
        let spread = pow(2.0, 1.0 / binsPerOctave)
        var triangles: [(start: Int, weights: [Float])] = []
        for f in centresHz {
            let mid = f / binHz
            let halfWidth = max(mid * (spread - 1), 1)
            let first = max(0, Int((mid - halfWidth).rounded(.up))), last = min(binCount - 1, Int((mid + halfWidth).rounded(.down)))
            var w: [Float] = []
            if first <= last, mid < Double(binCount - 1) {
                for k in first...last { w.append(Float(max(0, 1 - abs(Double(k) - mid) / halfWidth))) }
            }
            let sum = w.reduce(0, +)
            triangles.append(sum > 0 ? (first, w.map { $0 / sum }) : (0, [0]))
        }
        return SparseFilterbank(triangles: triangles)
    }

    /// Band b rises from edges[b] to edges[b+1] and falls to edges[b+2] (positions in bins, may be
    /// fractional). A band too narrow to cover any bin puts a weight of one on its nearest bin.
    init(edgesInBins edges: [Double], binCount: Int) {
        var triangles: [(start: Int, weights: [Float])] = []
        for b in 0..<max(0, edges.count - 2) {
            let lo = edges[b], mid = edges[b + 1], hi = edges[b + 2]
            let first = max(0, Int(lo.rounded(.up))), last = min(binCount - 1, Int(hi.rounded(.down)))
            var w: [Float] = []
            if first <= last {
                for k in first...last {
                    let x = Double(k)
                    let v = x <= mid ? (mid > lo ? (x - lo) / (mid - lo) : 1) : (hi > mid ? (hi - x) / (hi - mid) : 1)
                    w.append(Float(max(0, v)))
                }
            }
            if w.allSatisfy({ $0 == 0 }) {
                triangles.append((min(binCount - 1, max(0, Int(mid.rounded()))), [1]))
            } else {
                triangles.append((first, w))
            }
        }
        self.init(triangles: triangles)
    }

    init(triangles: [(start: Int, weights: [Float])]) {
        bandCount = triangles.count
        starts = .allocate(capacity: max(bandCount, 1))
        lengths = .allocate(capacity: max(bandCount, 1))
        offsets = .allocate(capacity: max(bandCount, 1))
        weights = RawBuffer.floats(triangles.reduce(0) { $0 + $1.weights.count })
        var offset = 0
        for (b, t) in triangles.enumerated() {
            starts[b] = Int32(t.start)
            lengths[b] = Int32(t.weights.count)
            offsets[b] = Int32(offset)
            for (k, w) in t.weights.enumerated() { weights[offset + k] = w }
            offset += t.weights.count
        }
    }

    public func deallocate() { starts.deallocate(); lengths.deallocate(); offsets.deallocate(); weights.deallocate() }

    /// bands[b] = Σ magnitude[k] · weight over band b.
    @_noLocks @_noAllocation
    public func apply(_ magnitude: UnsafePointer<Float>, into bands: UnsafeMutablePointer<Float>) {
        for b in 0..<bandCount {
            let start = Int(starts[b]), count = Int(lengths[b])
            let w = weights + Int(offsets[b])
            var acc: Float = 0
            for k in 0..<count { acc += magnitude[start + k] * w[k] }
            bands[b] = acc
        }
    }
}
