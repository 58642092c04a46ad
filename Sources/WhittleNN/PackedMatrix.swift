// Weights laid out for the loop we run: outputs in blocks of 8 lanes, and for each block the
// inputs in order, so y += x[i] * W[block][i] is one broadcast, one SIMD multiply and one add.
// Separate `*` and `+` (not addingProduct, which becomes an fmaf call at the default target).

@inlinable @inline(__always) @_noLocks @_noAllocation
func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inlinable @inline(__always) @_noLocks @_noAllocation
func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Stores the first `count` (< 8) lanes: the end of a vector whose length is not a multiple of 8.
@inlinable @inline(__always) @_noLocks @_noAllocation
func storePartial8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    for lane in 0..<count { p[lane] = v[lane] }
}

/// A dense weight matrix (outputs × inputs) plus bias, packed as [outputBlock][input] of SIMD8.
public struct PackedMatrix {
    public let outputs: Int
    public let inputs: Int
    public let blocks: Int
    @usableFromInline let weights: UnsafeMutablePointer<SIMD8<Float>>
    @usableFromInline let bias: UnsafeMutablePointer<SIMD8<Float>>

    /// `weight(o, i)` gives the element for output o and input i; `bias(o)` the bias.
    public init(outputs: Int, inputs: Int, arena: Arena, weight: (Int, Int) -> Float, bias: (Int) -> Float) {
        self.outputs = outputs
        self.inputs = inputs
        self.blocks = (outputs + 7) / 8
        self.weights = arena.vectors(blocks * inputs)
        self.bias = arena.vectors(blocks)
        for b in 0..<blocks {
            for lane in 0..<8 where b * 8 + lane < outputs {
                let o = b * 8 + lane
                self.bias[b][lane] = bias(o)
                for i in 0..<inputs { self.weights[b * inputs + i][lane] = weight(o, i) }
            }
        }
    }

    /// out[0..<outputs] = W · x + b, x has `inputs` floats. `out` must have room for the outputs
    /// rounded up to a multiple of 8 (Arena buffers have 16 floats of slack).
    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func apply(_ x: UnsafePointer<Float>, to out: UnsafeMutablePointer<Float>) {
        apply(segments: 1, length: inputs, from: x, stride: 0, to: out)
    }

    /// The same with x in `segments` runs of `length` floats (segments · length = inputs), run s
    /// starting at base + s · stride: a convolution's time taps read straight from its history,
    /// with no copy into a patch.
    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func apply(segments: Int, length: Int, from base: UnsafePointer<Float>, stride: Int,
                      to out: UnsafeMutablePointer<Float>) {
        let n = inputs
        var b = 0
        // Two output blocks at a time share each input broadcast.
        while b + 1 < blocks {
            var a0 = bias[b], a1 = bias[b + 1]
            var c0 = SIMD8<Float>(), c1 = SIMD8<Float>()
            for s in 0..<segments {
                let x = base + s * stride
                let w0 = UnsafePointer(weights + b * n + s * length)
                let w1 = UnsafePointer(weights + (b + 1) * n + s * length)
                var i = 0
                while i + 1 < length {
                    let x0 = SIMD8<Float>(repeating: x[i]), x1 = SIMD8<Float>(repeating: x[i + 1])
                    a0 = a0 + x0 * w0[i]
                    a1 = a1 + x0 * w1[i]
                    c0 = c0 + x1 * w0[i + 1]
                    c1 = c1 + x1 * w1[i + 1]
                    i += 2
                }
                if i < length {
                    let x0 = SIMD8<Float>(repeating: x[i])
                    a0 = a0 + x0 * w0[i]
                    a1 = a1 + x0 * w1[i]
                }
            }
            store(a0 + c0, block: b, out)
            store(a1 + c1, block: b + 1, out)
            b += 2
        }
        if b < blocks {
            var a0 = bias[b], a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            for s in 0..<segments {
                let x = base + s * stride
                let w0 = UnsafePointer(weights + b * n + s * length)
                var i = 0
                while i + 3 < length {
                    a0 = a0 + SIMD8<Float>(repeating: x[i]) * w0[i]
                    a1 = a1 + SIMD8<Float>(repeating: x[i + 1]) * w0[i + 1]
                    a2 = a2 + SIMD8<Float>(repeating: x[i + 2]) * w0[i + 2]
                    a3 = a3 + SIMD8<Float>(repeating: x[i + 3]) * w0[i + 3]
                    i += 4
                }
                while i < length {
                    a0 = a0 + SIMD8<Float>(repeating: x[i]) * w0[i]
                    i += 1
                }
            }
            store((a0 + a1) + (a2 + a3), block: b, out)
        }
    }

    /// Two applications whose inputs lie `delta` floats apart (neighbouring positions of a
    /// convolution), sharing every weight load; results at `out` and `out2`. Blocks run last to
    /// first, so the spill of `out`'s partial last block into `out2` is overwritten by `out2`'s first.
    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func applyPair(segments: Int, length: Int, from base: UnsafePointer<Float>, delta: Int, stride: Int,
                          to out: UnsafeMutablePointer<Float>, _ out2: UnsafeMutablePointer<Float>) {
        let n = inputs
        var b = blocks - 1
        while b >= 0 {
            var p0 = bias[b], p1 = SIMD8<Float>(), q0 = bias[b], q1 = SIMD8<Float>()
            for s in 0..<segments {
                let x = base + s * stride, y = x + delta
                let w = UnsafePointer(weights + b * n + s * length)
                var i = 0
                while i + 1 < length {
                    let w0 = w[i], w1 = w[i + 1]
                    p0 = p0 + SIMD8<Float>(repeating: x[i]) * w0
                    q0 = q0 + SIMD8<Float>(repeating: y[i]) * w0
                    p1 = p1 + SIMD8<Float>(repeating: x[i + 1]) * w1
                    q1 = q1 + SIMD8<Float>(repeating: y[i + 1]) * w1
                    i += 2
                }
                if i < length {
                    p0 = p0 + SIMD8<Float>(repeating: x[i]) * w[i]
                    q0 = q0 + SIMD8<Float>(repeating: y[i]) * w[i]
                }
            }
            store(p0 + p1, block: b, out)
            store(q0 + q1, block: b, out2)
            b -= 1
        }
    }

    /// Stores a whole block, even the last, partial one: its extra lanes (zero weights and bias)
    /// land in the slack every Arena buffer has, or in a region the caller overwrites next.
    @inlinable @inline(__always) @_noLocks @_noAllocation
    func store(_ v: SIMD8<Float>, block b: Int, _ out: UnsafeMutablePointer<Float>) {
        store8(v, out + b * 8)
    }
}
