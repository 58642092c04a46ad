import Foundation
import Testing
import WhittleDSP

@Suite struct FFTTests {
    @Test(arguments: [4, 8, 16, 64, 1024, 2048])
    func matchesDirectDFT(n: Int) {
        let fft = FFT(size: n)
        defer { fft.deallocate() }
        let x = (0..<n).map { Float(sin(Double($0) * 0.7) + 0.3 * cos(Double($0) * 2.1)) }
        x.withUnsafeBufferPointer { fft.forward($0.baseAddress!) }
        for k in 0...(n / 2) {   // the bins the FFT keeps; the rest mirror them
            var re = 0.0, im = 0.0
            for t in 0..<n {
                re += Double(x[t]) * cos(-2 * Double.pi * Double(k * t) / Double(n))
                im += Double(x[t]) * sin(-2 * Double.pi * Double(k * t) / Double(n))
            }
            #expect(abs(Double(fft.real[k]) - re) < 1e-5 * Double(n), "bin \(k) of \(n)")
            #expect(abs(Double(fft.imag[k]) - im) < 1e-5 * Double(n), "bin \(k) of \(n)")
        }
    }
}
