// Multi-scale spectral loss (DDSP): for each FFT size N, Hann frames with hop N/4 over each
// sequence's waveform, L = mean|S − Ŝ| + mean|log(S + ε) − log(Ŝ + ε)|, summed over sizes.
// Gradient to the waveform: with g_k = ∂L/∂S_k and S_k = |X_k|,
//   ∂L/∂x[n] = w[n] · Re Σ_k (g_k X_k / S_k) e^{+2πikn/N}   (one inverse FFT per frame).

import Foundation

let spectralEpsilon = 1e-5

func spectralLoss(_ o: Seq, _ t: Seq, fftSizes: [Int]) throws -> (Double, Seq) {
    guard !fftSizes.isEmpty, fftSizes.allSatisfy({ $0 >= 4 && $0 & ($0 - 1) == 0 }) else {
        throw TrainError("spectral loss: FFT sizes must be powers of two ≥ 4, got \(fftSizes)")
    }
    let length = o.time * o.frameSize
    var g = o
    for i in g.data.indices { g.data[i] = 0 }
    var total = 0.0
    for size in fftSizes {
        let fft = TrainFFT(size: size), hop = size / 4
        let window = (0..<size).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size)) }
        let frames = length <= size ? 1 : 1 + (length - size + hop - 1) / hop
        let bins = size / 2 + 1
        let count = Double(o.batch * frames * bins)
        for b in 0..<o.batch {
            let base = b * length
            for f in 0..<frames {
                let start = f * hop
                var xr = [Double](repeating: 0, count: size), xi = xr, yr = xr, yi = xr
                for n in 0..<size where start + n < length {
                    xr[n] = Double(o.data[base + start + n]) * window[n]
                    yr[n] = Double(t.data[base + start + n]) * window[n]
                }
                fft.transform(&xr, &xi)
                fft.transform(&yr, &yi)
                var cr = [Double](repeating: 0, count: size), ci = cr
                for k in 0..<bins {
                    let s = (xr[k] * xr[k] + xi[k] * xi[k]).squareRoot(), st = (yr[k] * yr[k] + yi[k] * yi[k]).squareRoot()
                    let ls = log(s + spectralEpsilon), lt = log(st + spectralEpsilon)
                    total += (abs(s - st) + abs(ls - lt)) / count
                    guard s > 0 else { continue }
                    let gk = (sign(s - st) + sign(ls - lt) / (s + spectralEpsilon)) / count
                    cr[k] = gk * xr[k] / s; ci[k] = gk * xi[k] / s
                }
                fft.transform(&cr, &ci, inverse: true)
                for n in 0..<size where start + n < length { g.data[base + start + n] += Float(window[n] * cr[n]) }
            }
        }
    }
    return (total, g)
}

@inline(__always) private func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }
