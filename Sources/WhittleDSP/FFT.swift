import Glibc

/// In-place radix-2 complex FFT with tables built at init, used for real frames
/// (imaginary part zero). Sizes are powers of two. `forward` touches only memory
/// allocated here, so it is safe on the audio thread.
@frozen
public struct FFT {
    public let size: Int
    @usableFromInline let cosTable: UnsafeMutablePointer<Float>
    @usableFromInline let sinTable: UnsafeMutablePointer<Float>
    @usableFromInline let bitReverse: UnsafeMutablePointer<Int32>
    public let real: UnsafeMutablePointer<Float>
    public let imag: UnsafeMutablePointer<Float>

    public init(size: Int) {
        precondition(size >= 2 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        cosTable = RawBuffer.floats(size / 2)
        sinTable = RawBuffer.floats(size / 2)
        for k in 0..<size / 2 {
            let angle = -2.0 * Double.pi * Double(k) / Double(size)
            cosTable[k] = Float(cos(angle))
            sinTable[k] = Float(sin(angle))
        }
        bitReverse = .allocate(capacity: size)
        var bits = 0
        while (1 << bits) < size { bits += 1 }
        for i in 0..<size {
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            bitReverse[i] = Int32(r)
        }
        real = RawBuffer.floats(size)
        imag = RawBuffer.floats(size)
    }

    public func deallocate() {
        cosTable.deallocate(); sinTable.deallocate(); bitReverse.deallocate()
        real.deallocate(); imag.deallocate()
    }

    /// Transforms `input[0..<size]` (real) into `real`/`imag`.
    @_noLocks @_noAllocation
    public func forward(_ input: UnsafePointer<Float>) {
        for i in 0..<size {
            real[Int(bitReverse[i])] = input[i]
            imag[i] = 0
        }
        var half = 1
        while half < size {
            let step = size / (half * 2)
            var start = 0
            while start < size {
                for k in 0..<half {
                    let wr = cosTable[k * step], wi = sinTable[k * step]
                    let a = start + k, b = a + half
                    let tr = real[b] * wr - imag[b] * wi
                    let ti = real[b] * wi + imag[b] * wr
                    real[b] = real[a] - tr
                    imag[b] = imag[a] - ti
                    real[a] = real[a] + tr
                    imag[a] = imag[a] + ti
                }
                start += half * 2
            }
            half *= 2
        }
    }
}
