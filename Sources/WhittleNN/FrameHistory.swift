// The last `length` frames of a stream, oldest first, always contiguous in memory: each frame
// is written twice (at slot and slot+length), so the window never wraps. Used by every
// streaming convolution as its state.

public struct FrameHistory {
    public let length: Int
    public let frameSize: Int
    @usableFromInline let storage: UnsafeMutablePointer<Float>
    @usableFromInline let position: UnsafeMutablePointer<Int>

    public init(length: Int, frameSize: Int, arena: Arena) {
        self.length = max(length, 1)
        self.frameSize = frameSize
        storage = arena.floats(2 * self.length * frameSize)
        position = arena.counter()
    }

    /// Appends a frame and returns the window of the last `length` frames, oldest first.
    @inlinable @inline(__always) @_noLocks @_noAllocation
    public func push(_ frame: UnsafePointer<Float>) -> UnsafePointer<Float> {
        let slot = position.pointee
        let first = storage + slot * frameSize
        let second = storage + (slot + length) * frameSize
        for i in 0..<frameSize {
            first[i] = frame[i]
            second[i] = frame[i]
        }
        position.pointee = slot + 1 == length ? 0 : slot + 1
        return UnsafePointer(storage + (slot + 1) * frameSize)
    }

    public func reset() {
        storage.update(repeating: 0, count: 2 * length * frameSize)
        position.pointee = 0
    }
}
