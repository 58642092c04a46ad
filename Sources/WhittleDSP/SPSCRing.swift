import CRealtime

/// A lock-free single-producer / single-consumer ring of plain values.
///
/// One thread pushes, one thread pops; neither ever blocks. A push into a full
/// ring drops the value and counts it. All memory is allocated in `init` and
/// released by `deallocate()` (off the audio thread), aubio style: the struct is a
/// trivial handle that can be copied into a real-time context without ARC traffic.
@frozen
public struct SPSCRing<Element: BitwiseCopyable> {
    @usableFromInline let storage: UnsafeMutablePointer<Element>
    /// head (next write), tail (next read), dropped — each on its own cache line.
    @usableFromInline let counters: UnsafeMutablePointer<UInt64>
    @usableFromInline let mask: UInt64
    public let capacity: Int

    /// `capacity` is rounded up to a power of two.
    public init(capacity: Int) {
        precondition(capacity > 0, "SPSCRing capacity must be positive")
        var size = 1
        while size < capacity { size <<= 1 }
        self.capacity = size
        self.mask = UInt64(size - 1)
        self.storage = .allocate(capacity: size)
        self.counters = .allocate(capacity: 24)
        self.counters.initialize(repeating: 0, count: 24)
    }

    public func deallocate() {
        storage.deallocate()
        counters.deallocate()
    }

    @inlinable var headPointer: UnsafeMutablePointer<UInt64> { counters }
    @inlinable var tailPointer: UnsafeMutablePointer<UInt64> { counters + 8 }
    @inlinable var droppedPointer: UnsafeMutablePointer<UInt64> { counters + 16 }

    /// Producer side. Returns false (and counts a drop) when the ring is full.
    @inlinable @discardableResult
    public func push(_ value: Element) -> Bool {
        let head = whittle_load_relaxed_u64(headPointer)
        let tail = whittle_load_acquire_u64(tailPointer)
        if head &- tail >= UInt64(capacity) {
            whittle_fetch_add_u64(droppedPointer, 1)
            return false
        }
        storage[Int(head & mask)] = value
        whittle_store_release_u64(headPointer, head &+ 1)
        return true
    }

    /// Consumer side. Returns nil when the ring is empty.
    @inlinable
    public func pop() -> Element? {
        let tail = whittle_load_relaxed_u64(tailPointer)
        let head = whittle_load_acquire_u64(headPointer)
        if tail == head { return nil }
        let value = storage[Int(tail & mask)]
        whittle_store_release_u64(tailPointer, tail &+ 1)
        return value
    }

    /// Values waiting (approximate when read from a third thread).
    @inlinable public var count: Int {
        Int(whittle_load_acquire_u64(headPointer) &- whittle_load_acquire_u64(tailPointer))
    }

    /// Values dropped because the ring was full.
    @inlinable public var dropped: UInt64 { whittle_load_relaxed_u64(droppedPointer) }
}

/// One producer thread and one consumer thread may share a ring: that is its purpose.
extension SPSCRing: @unchecked Sendable {}
