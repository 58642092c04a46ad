// GEMMs through OpenBLAS (training only: sgemm takes locks, so never on the audio thread).

import COpenBLAS

enum BLAS {
    /// C[M×N] = α·op(A)·op(B) + β·C, row-major; op transposes when `ta`/`tb` is set.
    /// A is M×K (K×M if transposed), B is K×N (N×K if transposed).
    @inline(__always)
    static func gemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int,
                     _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                     alpha: Float = 1, beta: Float = 0) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if beta == 0 { c.update(repeating: 0, count: m * n) } else if beta != 1 { for i in 0..<(m * n) { c[i] *= beta } }
            return
        }
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(ta ? m : k), b, Int32(tb ? k : n), beta, c, Int32(n))
    }

    /// Array convenience: C = op(A)·op(B) (+ C when `accumulate`).
    static func gemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: [Float], _ b: [Float],
                     into c: inout [Float], accumulate: Bool = false) {
        precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n)
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in c.withUnsafeMutableBufferPointer { pc in
            gemm(ta, tb, m, n, k, pa.baseAddress!, pb.baseAddress!, pc.baseAddress!, beta: accumulate ? 1 : 0)
        } } }
    }

    /// OpenBLAS's own worker threads (Debian's pthread build exports this).
    static func setThreads(_ n: Int) { openblas_set_num_threads(Int32(max(n, 1))) }
    static var threads: Int { Int(openblas_get_num_threads()) }
}
