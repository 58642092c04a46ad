import WhittleDSP

/// Where processors put events during one render: a per-block list (for generators and
/// MIDI output on the audio thread) and the lock-free ring to the non-RT writers.
struct EventSink {
    let block: UnsafeMutablePointer<Event>
    let capacity: Int
    let count: UnsafeMutablePointer<Int>
    let ring: SPSCRing<Event>
    let dropped: UnsafeMutablePointer<UInt64>

    init(capacity: Int, ringCapacity: Int) {
        self.capacity = capacity
        block = .allocate(capacity: capacity)
        count = .allocate(capacity: 1)
        count.initialize(to: 0)
        ring = SPSCRing(capacity: ringCapacity)
        dropped = .allocate(capacity: 1)
        dropped.initialize(to: 0)
    }

    func deallocate() { block.deallocate(); count.deallocate(); ring.deallocate(); dropped.deallocate() }

    @_noLocks @_noAllocation
    func emit(_ event: Event, publish: Bool) {
        let n = count.pointee
        if n < capacity {
            block[n] = event
            count.pointee = n + 1
        } else {
            dropped.pointee &+= 1
        }
        if publish { ring.push(event) }
    }
}
