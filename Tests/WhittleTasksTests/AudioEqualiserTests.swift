import Foundation
import Testing
@testable import WhittleTasks

/// The pitch task's audio equaliser does what its parameters say.
struct AudioEqualiserTests {
    let rate = 16000.0

    @Test func flatWhenAllGainsAreZero() {
        let eq = AudioEqualiser(tiltDB: 0, bellDB: 0, bellHz: 1000, bellQ: 1, sampleRate: rate)
        var x = (0..<2000).map { Float(sin(Double($0) * 0.37) + 0.3 * cos(Double($0) * 1.9)) }
        let before = x
        eq.apply(&x)
        #expect(zip(x, before).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func tiltAndBellWhereTheyShouldBe() {
        let eq = AudioEqualiser(tiltDB: 8, bellDB: -6, bellHz: 1000, bellQ: 2, sampleRate: rate)
        #expect(abs(eq.gainDB(at: 20) - -4) < 0.3)        // low shelf: −tilt/2
        #expect(abs(eq.gainDB(at: 7500) - 4) < 0.6)       // high shelf: +tilt/2
        let tiltAt1k = AudioEqualiser(tiltDB: 8, bellDB: 0, bellHz: 1000, bellQ: 2, sampleRate: rate).gainDB(at: 1000)
        #expect(abs(eq.gainDB(at: 1000) - (tiltAt1k - 6)) < 0.05)   // the bell adds its gain at its centre
    }

    /// A sine's steady level after filtering matches the response the equaliser reports.
    @Test func filteringMatchesTheResponse() {
        let eq = AudioEqualiser(tiltDB: -7, bellDB: 5, bellHz: 700, bellQ: 1, sampleRate: rate)
        for hz in [110.0, 700.0, 3000.0] {
            var x = (0..<16000).map { Float(sin(2 * Double.pi * hz * Double($0) / rate)) }
            eq.apply(&x)
            let tail = x[8000...]
            let rms = sqrt(tail.map { Double($0 * $0) }.reduce(0, +) / Double(tail.count))
            #expect(abs(20 * log10(rms * 2.0.squareRoot()) - eq.gainDB(at: hz)) < 0.1)
        }
    }
}
