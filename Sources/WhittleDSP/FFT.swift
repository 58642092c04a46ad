import Glibc

/// Real-input FFT: the N real samples are packed as N/2 complex values (even + i·odd), run
/// through an in-place radix-2 complex FFT of size N/2, and unpacked with one twiddle pass —
/// half the work of a complex FFT with a zero imaginary part.
///
/// Speed (`whittle bench frontend`): the first two butterfly stages run as one radix-4 pass with
/// trivial twiddles, and every later stage reads its own contiguous twiddle table four lanes at
/// a time (SIMD4: SSE here, NEON on a Pi). Tables are built at init; sizes are powers of two;
/// `forward` touches only memory allocated here (safe on the audio thread).
@frozen
public struct FFT {
    public let size: Int
    /// W_N^k = e^{-2πik/N}, k < N/2, for the unpacking pass.
    @usableFromInline let unpackCos: UnsafeMutablePointer<Float>
    @usableFromInline let unpackSin: UnsafeMutablePointer<Float>
    /// The stages of span h = 4, 8, …, N/4 one after another: W_{2h}^k for k < h.
    @usableFromInline let stageCos: UnsafeMutablePointer<Float>
    @usableFromInline let stageSin: UnsafeMutablePointer<Float>
    /// Bit reversal for the N/2-point complex FFT.
    @usableFromInline let bitReverse: UnsafeMutablePointer<Int32>
    @usableFromInline let zr: UnsafeMutablePointer<Float>
    @usableFromInline let zi: UnsafeMutablePointer<Float>
    /// Bins 0...N/2 of the spectrum (the rest is their conjugate mirror).
    public let real: UnsafeMutablePointer<Float>
    public let imag: UnsafeMutablePointer<Float>

    public init(size: Int) {
        precondition(size >= 4 && size & (size - 1) == 0, "FFT size must be a power of two, at least 4")
        self.size = size
        let m = size / 2
        unpackCos = RawBuffer.floats(m)
        unpackSin = RawBuffer.floats(m)
        for k in 0..<m {
            let angle = -2.0 * Double.pi * Double(k) / Double(size)
            unpackCos[k] = Float(cos(angle))
            unpackSin[k] = Float(sin(angle))
        }
        stageCos = RawBuffer.floats(m)
        stageSin = RawBuffer.floats(m)
        var offset = 0, h = 4
        while h < m {
            for k in 0..<h {
                let angle = -Double.pi * Double(k) / Double(h)
                stageCos[offset + k] = Float(cos(angle))
                stageSin[offset + k] = Float(sin(angle))
            }
            offset += h
            h *= 2
        }
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
        real = RawBuffer.floats(m + 1)
        imag = RawBuffer.floats(m + 1)
    }

    public func deallocate() {
        unpackCos.deallocate(); unpackSin.deallocate(); stageCos.deallocate(); stageSin.deallocate()
        bitReverse.deallocate(); zr.deallocate(); zi.deallocate(); real.deallocate(); imag.deallocate()
    }

    /// Transforms `input[0..<size]` (real) into bins 0...size/2 of `real`/`imag`.
    @_noLocks @_noAllocation
    public func forward(_ input: UnsafePointer<Float>) {
        let m = size / 2
        for i in 0..<m {
            let j = Int(bitReverse[i])
            zr[j] = input[2 * i]
            zi[j] = input[2 * i + 1]
        }
        var h: Int
        if m >= 4 {
            radix4FirstStages(m)
            h = 4
        } else {   // m == 2: one radix-2 butterfly
            let r = zr[1], i = zi[1]
            zr[1] = zr[0] - r; zi[1] = zi[0] - i
            zr[0] += r; zi[0] += i
            h = 2
        }
        var offset = 0
        while h < m {
            butterflyStage(m, span: h, twiddles: offset)
            offset += h
            h *= 2
        }
        unpack(m)
    }

    /// Stages of span 1 and 2 as radix-4 butterflies over each 4 consecutive values (twiddles 1 and −i).
    @inline(__always)
    func radix4FirstStages(_ m: Int) {
        var b = 0
        while b < m {
            let a0r = zr[b] + zr[b + 1], a0i = zi[b] + zi[b + 1]
            let a1r = zr[b] - zr[b + 1], a1i = zi[b] - zi[b + 1]
            let a2r = zr[b + 2] + zr[b + 3], a2i = zi[b + 2] + zi[b + 3]
            let a3r = zr[b + 2] - zr[b + 3], a3i = zi[b + 2] - zi[b + 3]
            zr[b] = a0r + a2r; zi[b] = a0i + a2i
            zr[b + 2] = a0r - a2r; zi[b + 2] = a0i - a2i
            // −i·a3 = (a3i, −a3r)
            zr[b + 1] = a1r + a3i; zi[b + 1] = a1i - a3r
            zr[b + 3] = a1r - a3i; zi[b + 3] = a1i + a3r
            b += 4
        }
    }

    /// One radix-2 stage of span h ≥ 4, four butterflies at a time.
    @inline(__always)
    func butterflyStage(_ m: Int, span h: Int, twiddles offset: Int) {
        var start = 0
        while start < m {
            var k = 0
            while k < h {
                let wr = load(stageCos + offset + k), wi = load(stageSin + offset + k)
                let a = start + k, b = a + h
                let ar = load(zr + a), ai = load(zi + a), br = load(zr + b), bi = load(zi + b)
                let tr = br * wr - bi * wi
                let ti = br * wi + bi * wr
                store(ar + tr, zr + a); store(ai + ti, zi + a)
                store(ar - tr, zr + b); store(ai - ti, zi + b)
                k += 4
            }
            start += 2 * h
        }
    }

    /// E[k] = (Z[k] + conj Z[m−k]) / 2, O[k] = (Z[k] − conj Z[m−k]) / 2i, X[k] = E[k] + W^k O[k].
    @inline(__always)
    func unpack(_ m: Int) {
        real[0] = zr[0] + zi[0]
        imag[0] = 0
        real[m] = zr[0] - zi[0]
        imag[m] = 0
        for k in 1..<m {
            let ar = zr[k], ai = zi[k], br = zr[m - k], bi = -zi[m - k]
            let er = 0.5 * (ar + br), ei = 0.5 * (ai + bi)
            let or = 0.5 * (ai - bi), oi = -0.5 * (ar - br)
            let wr = unpackCos[k], wi = unpackSin[k]
            real[k] = er + wr * or - wi * oi
            imag[k] = ei + wr * oi + wi * or
        }
    }

    @inline(__always) func load(_ p: UnsafeMutablePointer<Float>) -> SIMD4<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
    }
    @inline(__always) func store(_ v: SIMD4<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Float>.self)
    }
}
