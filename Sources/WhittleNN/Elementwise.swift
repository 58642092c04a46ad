// Small graph plumbing: residual add, concatenation along the last axis, and a standalone activation.

/// y = a + b (residual connection).
public struct Add {
    public let count: Int
    @usableFromInline let a: UnsafePointer<Float>
    @usableFromInline let b: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    public init(count: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        self.count = count
        self.a = a
        self.b = b
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run() {
        for i in 0..<count { output[i] = a[i] + b[i] }
    }
}

/// One input of a concatenation: where it lives and how many floats it adds per row.
public struct ConcatPart {
    public let source: UnsafePointer<Float>
    public let width: Int
    public init(source: UnsafePointer<Float>, width: Int) {
        self.source = source
        self.width = width
    }
}

/// Concatenates frames along the last axis: `rows` rows (frequencies, 1 for vectors), each the parts' widths side by side.
public struct Concat {
    public let rows: Int
    public let partCount: Int
    public let outWidth: Int
    @usableFromInline let parts: UnsafeMutablePointer<ConcatPart>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    public init(rows: Int, parts: [ConcatPart], output: UnsafeMutablePointer<Float>, arena: Arena) {
        precondition(!parts.isEmpty)
        self.rows = rows
        partCount = parts.count
        outWidth = parts.reduce(0) { $0 + $1.width }
        self.parts = arena.values(parts.count, initial: parts[0])
        for (i, part) in parts.enumerated() { self.parts[i] = part }
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run() {
        for r in 0..<rows {
            var dst = output + r * outWidth
            for p in 0..<partCount {
                let part = parts[p]
                let src = part.source + r * part.width
                for c in 0..<part.width { dst[c] = src[c] }
                dst += part.width
            }
        }
    }
}

/// y = f(x) as its own graph node.
public struct ActivationLayer {
    public let activation: Activation
    public let count: Int
    public let group: Int
    @usableFromInline let input: UnsafePointer<Float>
    @usableFromInline let output: UnsafeMutablePointer<Float>

    public init(activation: Activation, count: Int, group: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        self.activation = activation
        self.count = count
        self.group = group
        self.input = input
        self.output = output
    }

    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func run() {
        for i in 0..<count { output[i] = input[i] }
        activation.apply(output, count: count, group: group)
    }
}
