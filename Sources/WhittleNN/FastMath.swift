// Elementary functions in plain Swift: no libm calls (which the @_noLocks checker rejects and
// Embedded Swift lacks), SIMD-friendly, accurate to a few ulp (tested against Double references).

@usableFromInline let log2e: Float = 1.44269504088896341
@usableFromInline let ln2Hi: Float = 0.693359375
@usableFromInline let ln2Lo: Float = -2.12194440e-4

/// Round to nearest (ties to even) for |x| < 2^22, branch-free: adding 1.5·2^23 drops the fraction.
@inlinable @inline(__always) @_noLocks @_noAllocation
public func nnRound(_ x: Float) -> Float {
    let magic: Float = 12_582_912
    return (x + magic) - magic
}

/// 1/√x for normal x > 0: bit-trick estimate refined by three Newton steps (relative error ~1e-7).
@inlinable @inline(__always) @_noLocks @_noAllocation
public func nnInverseSquareRoot(_ x: Float) -> Float {
    var y = Float(bitPattern: 0x5f37_5a86 &- (x.bitPattern >> 1))
    let half = 0.5 * x
    y = y * (1.5 - half * y * y)
    y = y * (1.5 - half * y * y)
    y = y * (1.5 - half * y * y)
    return y
}

/// e^x (Cephes expf polynomial). Inputs are clamped to [-87.3, 88], so the result is finite for
/// finite x; NaN gives NaN. No Float→Int conversion, which would trap on NaN in the audio thread.
@inlinable @inline(__always) @_noLocks @_noAllocation
public func nnExp(_ x: Float) -> Float {
    let xc = min(max(x, -87.3), 88.0)
    // Adding 1.5·2^23 rounds to an integer that sits in the low mantissa bits.
    let shifted = xc * log2e + 12_582_912
    let n = shifted - 12_582_912
    let k = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
    let r = xc - n * ln2Hi - n * ln2Lo
    let r2 = r * r
    var p: Float = 1.9875691500e-4
    p = p * r + 1.3981999507e-3
    p = p * r + 8.3334519073e-3
    p = p * r + 4.1665795894e-2
    p = p * r + 1.6666665459e-1
    p = p * r + 5.0000001201e-1
    let e = p * r2 + r + 1
    let scale = Float(bitPattern: UInt32(bitPattern: ((k &+ 127) & 0xff) << 23))
    return e * scale
}

/// Natural logarithm for x > 0 (Cephes logf polynomial); returns -88.7 for x <= 0 or denormals.
@inlinable @inline(__always) @_noLocks @_noAllocation
public func nnLog(_ x: Float) -> Float {
    if !(x >= Float.leastNormalMagnitude) { return -88.7 }
    if x == .infinity { return 88.7 }
    let bits = x.bitPattern
    var e = Float(Int32((bits >> 23) & 0xff) - 126)
    var m = Float(bitPattern: (bits & 0x807f_ffff) | 0x3f00_0000)  // [0.5, 1)
    if m < 0.707106781186547524 {
        e -= 1
        m = m + m - 1
    } else {
        m = m - 1
    }
    let z = m * m
    var y: Float = 7.0376836292e-2
    y = y * m - 1.1514610310e-1
    y = y * m + 1.1676998740e-1
    y = y * m - 1.2420140846e-1
    y = y * m + 1.4249322787e-1
    y = y * m - 1.6668057665e-1
    y = y * m + 2.0000714765e-1
    y = y * m - 2.4999993993e-1
    y = y * m + 3.3333331174e-1
    y = y * m * z
    y = y + ln2Lo * e
    y = y - 0.5 * z
    return m + y + ln2Hi * e
}

/// log(1 + u) for u > -1, accurate for tiny u (Goldberg's correction).
@inlinable @inline(__always) @_noLocks @_noAllocation
public func nnLog1p(_ u: Float) -> Float {
    let w = 1 + u
    if w == 1 { return u }
    return nnLog(w) * (u / (w - 1))
}

/// log(1 + e^x), overflow-free.
@inlinable @inline(__always) @_noLocks @_noAllocation
public func nnSoftplus(_ x: Float) -> Float {
    max(x, 0) + nnLog1p(nnExp(-abs(x)))
}

// Rational tanh (Eigen's generic_fast_tanh_float): max error a few ulp on [-9, 9], ±1 outside.
@usableFromInline let tanhA1: Float = 4.89352455891786e-03
@usableFromInline let tanhA3: Float = 6.37261928875436e-04
@usableFromInline let tanhA5: Float = 1.48572235717979e-05
@usableFromInline let tanhA7: Float = 5.12229709037114e-08
@usableFromInline let tanhA9: Float = -8.60467152213735e-11
@usableFromInline let tanhA11: Float = 2.00018790482477e-13
@usableFromInline let tanhA13: Float = -2.76076847742355e-16
@usableFromInline let tanhB0: Float = 4.89352518554385e-03
@usableFromInline let tanhB2: Float = 2.26843463243900e-03
@usableFromInline let tanhB4: Float = 1.18534705686654e-04
@usableFromInline let tanhB6: Float = 1.19825839466702e-06

@inlinable @inline(__always) @_noLocks @_noAllocation
public func nnTanh(_ v: SIMD8<Float>) -> SIMD8<Float> {
    // `replacing` compiles to an exact compare-and-blend; SIMD8's pointwiseMin/Max are not inlined.
    let x = v.replacing(with: 9, where: v .> 9).replacing(with: -9, where: v .< -9)
    let x2 = x * x
    var p = SIMD8<Float>(repeating: tanhA13)
    p = p * x2 + tanhA11
    p = p * x2 + tanhA9
    p = p * x2 + tanhA7
    p = p * x2 + tanhA5
    p = p * x2 + tanhA3
    p = p * x2 + tanhA1
    p = p * x
    var q = SIMD8<Float>(repeating: tanhB6)
    q = q * x2 + tanhB4
    q = q * x2 + tanhB2
    q = q * x2 + tanhB0
    return p / q
}

/// Logistic sigmoid as 0.5 + 0.5·tanh(x/2): absolute error below 1e-7.
@inlinable @inline(__always) @_noLocks @_noAllocation
public func nnSigmoid(_ v: SIMD8<Float>) -> SIMD8<Float> {
    let half = SIMD8<Float>(repeating: 0.5)
    return half + half * nnTanh(half * v)
}

@inlinable @inline(__always) @_noLocks @_noAllocation
public func nnTanh(_ x: Float) -> Float {
    let c = min(max(x, -9), 9)
    let x2 = c * c
    var p = tanhA13
    p = p * x2 + tanhA11
    p = p * x2 + tanhA9
    p = p * x2 + tanhA7
    p = p * x2 + tanhA5
    p = p * x2 + tanhA3
    p = p * x2 + tanhA1
    p = p * c
    var q = tanhB6
    q = q * x2 + tanhB4
    q = q * x2 + tanhB2
    q = q * x2 + tanhB0
    return p / q
}

@inlinable @inline(__always) @_noLocks @_noAllocation
public func nnSigmoid(_ x: Float) -> Float { 0.5 + 0.5 * nnTanh(0.5 * x) }
