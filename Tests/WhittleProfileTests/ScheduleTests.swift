// Frames per block: the schedule mirrors the engine's resampler and hop adapter.

import Testing
import WhittleDSP
@testable import WhittleProfile

@Suite struct ScheduleTests {
    @Test(arguments: [(16000, 160), (22050, 220), (48000, 480), (44100, 441)])
    func scheduleMatchesTheResamplerAndHops(_ modelRate: Int, _ hop: Int) {
        for block in [64, 256, 1000] {
            let schedule = FrameSchedule(hostRate: 48000, modelRate: modelRate, hop: hop, block: block)
            let blocks = 400
            let predicted = schedule.convertedSamples(blocks: blocks)
            // The real resampler, fed the same blocks.
            let input = UnsafeMutablePointer<Float>.allocate(capacity: block)
            input.initialize(repeating: 0, count: block)
            defer { input.deallocate() }
            var actual: [Int] = []
            if modelRate == 48000 {
                actual = [Int](repeating: block, count: blocks)
            } else {
                let r = Resampler(inRate: 48000, outRate: modelRate)
                let out = UnsafeMutablePointer<Float>.allocate(capacity: r.maxOutput(forInput: block))
                defer { out.deallocate(); r.deallocate() }
                for _ in 0..<blocks { actual.append(r.process(input, count: block, into: out)) }
                #expect(schedule.tapsPerOutput == 2 * r.halfWidth)
            }
            #expect(predicted == actual, "converted samples differ for \(modelRate) Hz, block \(block)")
            // Hops: cumulative samples / hop.
            let frames = schedule.frames(blocks: blocks)
            var total = 0, done = 0
            for b in 0..<blocks {
                total += actual[b]
                done += frames[b]
                #expect(done == total / hop)
            }
        }
    }

    @Test func framesPerBlockAverageTheRateRatio() {
        let s = FrameSchedule(hostRate: 48000, modelRate: 16000, hop: 160, block: 1024)
        let frames = s.frames(blocks: 4000)
        let mean = Double(frames.dropFirst(10).reduce(0, +)) / Double(frames.count - 10)
        #expect(abs(mean - 1024.0 / 480.0) < 0.01)
        #expect(Set(frames.dropFirst(10)) == [2, 3])
    }
}
