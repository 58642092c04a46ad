// A small radix-2 complex FFT for the spectral loss (WhittleDSP is not a dependency of training).

import Foundation

struct TrainFFT {
    let n: Int
    private let cosines: [Double], sines: [Double], reversed: [Int]

    init(size n: Int) {
        precondition(n >= 2 && n & (n - 1) == 0, "FFT size must be a power of two")
        self.n = n
        cosines = (0..<(n / 2)).map { cos(2 * Double.pi * Double($0) / Double(n)) }
        sines = (0..<(n / 2)).map { sin(2 * Double.pi * Double($0) / Double(n)) }
        let bits = n.trailingZeroBitCount
        reversed = (0..<n).map { i in
            var r = 0, v = i
            for _ in 0..<bits { r = (r << 1) | (v & 1); v >>= 1 }
            return r
        }
    }

    /// In place: X_k = Σ x_n e^{−2πikn/N} (inverse: e^{+2πikn/N}, unnormalised).
    func transform(_ re: inout [Double], _ im: inout [Double], inverse: Bool = false) {
        for i in 0..<n where i < reversed[i] { re.swapAt(i, reversed[i]); im.swapAt(i, reversed[i]) }
        let sign: Double = inverse ? 1 : -1
        var size = 2
        while size <= n {
            let half = size / 2, step = n / size
            var start = 0
            while start < n {
                for j in 0..<half {
                    let wr = cosines[j * step], wi = sign * sines[j * step]
                    let a = start + j, b = a + half
                    let tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                }
                start += size
            }
            size *= 2
        }
    }
}
