import Glibc

/// Real-input FFT: the N real samples are packed as N/2 complex values (even + i·odd), run
/// through an in-place radix-2 complex FFT of size N/2, and unpacked with one twiddle pass —
/// half the work of a complex FFT with a zero imaginary part. Tables are built at init; sizes
/// are powers of two; `forward` touches only memory allocated here (safe on the audio thread).
@frozen
public struct FFT {
    public let size: Int
    /// e^{-2πik/N}, k < N/2 (the half-size FFT uses every other entry).
    @usableFromInline let cosTable: UnsafeMutablePointer<Float>
    @usableFromInline let sinTable: UnsafeMutablePointer<Float>
    /// Bit reversal for the N/2-point complex FFT.
    @usableFromInline let bitReverse: UnsafeMutablePointer<Int32>
    @usableFromInline let zr: UnsafeMutablePointer<Float>
    @usableFromInline let zi: UnsafeMutablePointer<Float>
    /// The N-point spectrum (bins above N/2 are the conjugate mirror).
    public let real: UnsafeMutablePointer<Float>
    public let imag: UnsafeMutablePointer<Float>

    public init(size: Int) {
        precondition(size >= 4 && size & (size - 1) == 0, "FFT size must be a power of two, at least 4")
        self.size = size
        cosTable = RawBuffer.floats(size / 2)
        sinTable = RawBuffer.floats(size / 2)
        for k in 0..<size / 2 {
            let angle = -2.0 * Double.pi * Double(k) / Double(size)
            cosTable[k] = Float(cos(angle))
            sinTable[k] = Float(sin(angle))
        }
        let m = size / 2
        bitReverse = .allocate(capacity: m)
        var bits = 0
        while (1 << bits) < m { bits += 1 }
        for i in 0..<m {
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            bitReverse[i] = Int32(r)
        }
        zr = RawBuffer.floats(m)
        zi = RawBuffer.floats(m)
        real = RawBuffer.floats(size)
        imag = RawBuffer.floats(size)
    }

    public func deallocate() {
        cosTable.deallocate(); sinTable.deallocate(); bitReverse.deallocate()
        zr.deallocate(); zi.deallocate(); real.deallocate(); imag.deallocate()
    }

    /// Transforms `input[0..<size]` (real) into `real`/`imag`.
    @_noLocks @_noAllocation
    public func forward(_ input: UnsafePointer<Float>) {
        let m = size / 2
        for i in 0..<m {
            let j = Int(bitReverse[i])
            zr[j] = input[2 * i]
            zi[j] = input[2 * i + 1]
        }
        var half = 1
        while half < m {
            let step = 2 * (m / (half * 2))   // twiddles of the N/2-point FFT: every other N-point entry
            var start = 0
            while start < m {
                for k in 0..<half {
                    let wr = cosTable[k * step], wi = sinTable[k * step]
                    let a = start + k, b = a + half
                    let tr = zr[b] * wr - zi[b] * wi
                    let ti = zr[b] * wi + zi[b] * wr
                    zr[b] = zr[a] - tr
                    zi[b] = zi[a] - ti
                    zr[a] = zr[a] + tr
                    zi[a] = zi[a] + ti
                }
                start += half * 2
            }
            half *= 2
        }
        // Unpack: E[k] = (Z[k] + conj Z[m−k]) / 2, O[k] = (Z[k] − conj Z[m−k]) / 2i, X[k] = E[k] + W^k O[k].
        real[0] = zr[0] + zi[0]
        imag[0] = 0
        real[m] = zr[0] - zi[0]
        imag[m] = 0
        for k in 1..<m {
            let ar = zr[k], ai = zi[k], br = zr[m - k], bi = -zi[m - k]
            let er = 0.5 * (ar + br), ei = 0.5 * (ai + bi)
            let or = 0.5 * (ai - bi), oi = -0.5 * (ar - br)
            let wr = cosTable[k], wi = sinTable[k]
            real[k] = er + wr * or - wi * oi
            imag[k] = ei + wr * oi + wi * or
            real[size - k] = real[k]
            imag[size - k] = -imag[k]
        }
    }
}
