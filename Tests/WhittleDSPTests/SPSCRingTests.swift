import Foundation
import Testing
import WhittleDSP

@Suite struct SPSCRingTests {
    @Test func fifoOrderAndEmpty() {
        let ring = SPSCRing<Int>(capacity: 4)
        defer { ring.deallocate() }
        #expect(ring.pop() == nil)
        for i in 0..<4 { #expect(ring.push(i)) }
        for i in 0..<4 { #expect(ring.pop() == i) }
        #expect(ring.pop() == nil)
    }

    @Test func fullRingDropsAndCounts() {
        let ring = SPSCRing<Int>(capacity: 3)   // rounded up to 4
        defer { ring.deallocate() }
        #expect(ring.capacity == 4)
        for i in 0..<10 { ring.push(i) }
        #expect(ring.dropped == 6)
        #expect(ring.count == 4)
        #expect(ring.pop() == 0)   // the oldest values are kept, the newest dropped
    }

    /// Two threads hammer the ring; every value arrives once, in order, or is counted as dropped.
    /// Run under Thread Sanitizer by `.ci/run` (`swift test --sanitize=thread --filter SPSCRingStress`).
    @Test func spscRingStress() {
        let ring = SPSCRing<Int>(capacity: 64)
        defer { ring.deallocate() }
        let total = 200_000
        let producer = Thread {
            for i in 0..<total {
                while !ring.push(i) { }   // retry: this test wants every value through
            }
        }
        producer.start()
        var expected = 0
        while expected < total {
            if let v = ring.pop() {
                #expect(v == expected)
                if v != expected { break }
                expected += 1
            }
        }
        #expect(expected == total)
        #expect(ring.count == 0)
    }
}
