import CRealtime
import Glibc

/// Streaming magnitude spectrum: keeps the last `size` samples, and on every hop windows them
/// (periodic Hann), zero-pads them to `fftSize` and takes the FFT magnitude of bins 0...fftSize/2.
/// The frame covers the `size` samples that end with the newest hop.
public struct STFTFrame {
    public let size: Int
    public let hop: Int
    /// `size` or more (zero padding interpolates the spectrum; it adds no resolution).
    public let fftSize: Int
    let fft: FFT
    let frame: UnsafeMutablePointer<Float>
    let window: UnsafeMutablePointer<Float>
    let windowed: UnsafeMutablePointer<Float>
    /// The raw samples of the current frame (oldest first).
    public let samples: UnsafePointer<Float>
    /// fftSize/2 + 1 magnitudes, valid after `push`.
    public let magnitude: UnsafeMutablePointer<Float>

    public init(size: Int, hop: Int, fftSize: Int? = nil) {
        precondition(hop >= 1 && hop <= size, "hop must be in 1...size")
        precondition((fftSize ?? size) >= size, "the FFT must be at least the frame size")
        self.size = size
        self.hop = hop
        self.fftSize = fftSize ?? size
        fft = FFT(size: self.fftSize)
        frame = RawBuffer.floats(size)
        samples = UnsafePointer(frame)
        window = RawBuffer.floats(size)
        for n in 0..<size { window[n] = Float(0.5 - 0.5 * cos(2 * Double.pi * Double(n) / Double(size))) }
        windowed = RawBuffer.floats(self.fftSize)   // zeros past `size` stay zero
        magnitude = RawBuffer.floats(self.fftSize / 2 + 1)
    }

    public func deallocate() {
        fft.deallocate(); frame.deallocate(); window.deallocate(); windowed.deallocate(); magnitude.deallocate()
    }

    public func reset() { frame.update(repeating: 0, count: size) }


    /// Appends one hop of samples without computing a spectrum.
    @_noLocks @_noAllocation
    public func append(_ input: UnsafePointer<Float>) {
        for k in 0..<(size - hop) { frame[k] = frame[k + hop] }
        for k in 0..<hop { frame[size - hop + k] = input[k] }
    }

    /// Appends one hop and computes the magnitude spectrum of the new frame.
    @_noLocks @_noAllocation
    public func push(_ input: UnsafePointer<Float>) {
        append(input)
        for k in 0..<size { windowed[k] = frame[k] * window[k] }
        fft.forward(windowed)
        for k in 0...(fftSize / 2) {
            let re = fft.real[k], im = fft.imag[k]
            magnitude[k] = whittle_sqrtf(re * re + im * im)
        }
    }
}
