// Owns every buffer a model's layers use. Allocation happens only while a model is built
// (offline); the forward pass reads and writes these raw pointers and nothing else.

/// Allocates zeroed, 32-byte aligned buffers and frees them all when the owner goes away.
public final class Arena {
    private var blocks: [UnsafeMutableRawPointer] = []

    public init() {}

    private func zeroed(bytes: Int) -> UnsafeMutableRawPointer {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 32), alignment: 32)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 32))
        blocks.append(raw)
        return raw
    }

    /// `count` zeroed floats, plus 16 floats of zeroed slack so a SIMD8 load past the end stays in bounds.
    public func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let n = max(count, 0) + 16
        return zeroed(bytes: n * 4).bindMemory(to: Float.self, capacity: n)
    }

    /// `count` zeroed SIMD8 vectors (packed weights).
    public func vectors(_ count: Int) -> UnsafeMutablePointer<SIMD8<Float>> {
        let n = max(count, 1)
        return zeroed(bytes: n * 32).bindMemory(to: SIMD8<Float>.self, capacity: n)
    }

    /// One zeroed Int of mutable layer state (a ring position, say).
    public func counter() -> UnsafeMutablePointer<Int> {
        zeroed(bytes: 8).bindMemory(to: Int.self, capacity: 1)
    }

    /// Takes ownership of a block allocated elsewhere in this module.
    func adopt(_ block: UnsafeMutableRawPointer) { blocks.append(block) }

    deinit {
        for block in blocks { block.deallocate() }
    }
}

extension Arena {
    /// Room for `count` values of a trivial type (plain structs of numbers and pointers), initialised to `value`.
    public func values<T>(_ count: Int, initial value: T) -> UnsafeMutablePointer<T> {
        precondition(_isPOD(T.self), "arena values must be trivial types")
        let n = max(count, 1)
        let p = UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<T>.stride, alignment: max(MemoryLayout<T>.alignment, 32))
        let typed = p.bindMemory(to: T.self, capacity: n)
        typed.initialize(repeating: value, count: n)
        adopt(p)
        return typed
    }
}
