import Glibc
import WhittleDSP

/// Triangular filters on a logarithmic frequency axis (`bandsPerOctave`), as in SuperFlux.
/// Bands that would fall on the same FFT bin are merged, so low bands never duplicate.
/// Stored sparsely: each band is a contiguous run of bins with weights.
public struct LogFilterbank {
    public let bandCount: Int
    let starts: UnsafeMutablePointer<Int32>
    let lengths: UnsafeMutablePointer<Int32>
    let weights: UnsafeMutablePointer<Float>   // bandCount * maxLength
    let maxLength: Int

    public init(fftSize: Int, sampleRate: Double, bandsPerOctave: Double, minHz: Double, maxHz: Double) {
        let binHz = sampleRate / Double(fftSize)
        let top = min(maxHz, sampleRate / 2 - binHz)
        // Centre frequencies mapped to distinct bins.
        var bins: [Int] = []
        var f = minHz
        while f <= top {
            let bin = Int((f / binHz).rounded())
            if bins.last != bin { bins.append(bin) }
            f *= pow(2.0, 1.0 / bandsPerOctave)
        }
        var triangles: [(start: Int, weights: [Float])] = []
        for b in 1..<(bins.count - 1) {
            let lo = bins[b - 1], mid = bins[b], hi = bins[b + 1]
            var w: [Float] = []
            for k in lo...hi {
                let v = k <= mid ? Double(k - lo) / Double(max(mid - lo, 1)) : Double(hi - k) / Double(max(hi - mid, 1))
                w.append(Float(v))
            }
            // A band only one bin wide keeps a weight of one on its centre.
            if mid - lo == 0 || hi - mid == 0 { w[mid - lo] = 1 }
            triangles.append((lo, w))
        }
        bandCount = triangles.count
        maxLength = triangles.map { $0.weights.count }.max() ?? 1
        starts = .allocate(capacity: bandCount)
        lengths = .allocate(capacity: bandCount)
        weights = RawBuffer.floats(bandCount * maxLength)
        for (b, t) in triangles.enumerated() {
            starts[b] = Int32(t.start)
            lengths[b] = Int32(t.weights.count)
            for (k, w) in t.weights.enumerated() { weights[b * maxLength + k] = w }
        }
    }

    public func deallocate() { starts.deallocate(); lengths.deallocate(); weights.deallocate() }

    /// bands[b] = sum of magnitude[k] * weight over band b.
    @_noLocks @_noAllocation
    func apply(_ magnitude: UnsafePointer<Float>, into bands: UnsafeMutablePointer<Float>) {
        for b in 0..<bandCount {
            let start = Int(starts[b]), count = Int(lengths[b])
            let w = weights + b * maxLength
            var acc: Float = 0
            for k in 0..<count { acc += magnitude[start + k] * w[k] }
            bands[b] = acc
        }
    }
}
