import Testing
@testable import WhittleDSP

/// The online pitch tracker on salience frames built by hand (360 bins, as the pitch models give).
struct PitchTrackerTests {
    static func frame(_ peaks: [(bin: Int, value: Float)]) -> [Float] {
        var f = [Float](repeating: 0.001, count: 360)
        for p in peaks { f[p.bin] = p.value; if p.bin > 0 { f[p.bin - 1] = p.value / 2 }; if p.bin < 359 { f[p.bin + 1] = p.value / 2 } }
        return f
    }

    static func track(_ frames: [[Float]], _ parameters: PitchTracker.Parameters = .standard) -> [Int] {
        let tracker = PitchTracker(bins: 360, parameters)
        defer { tracker.deallocate() }
        return frames.map { f in f.withUnsafeBufferPointer { tracker.push($0.baseAddress!) } }
    }

    static func argmax(_ f: [Float]) -> Int { f.indices.max { f[$0] < f[$1] }! }

    /// A melody at bin 100 (salience 0.5) and a chord tone at bin 200 that flickers above it
    /// every other frame: the argmax hops, the tracker stays on the line it was following.
    @Test func aFlickeringChordToneDoesNotTakeOverTheLine() {
        let frames = (0..<40).map { t in Self.frame([(100, 0.5), (200, t % 2 == 1 ? 0.55 : 0.3)]) }
        #expect(frames.map(Self.argmax).filter { $0 == 200 }.count == 20)
        #expect(Self.track(frames).allSatisfy { $0 == 100 })
    }

    /// A new note far away: taken at once when the model is confident (trust), within three frames
    /// when it is not but the old note has died away (each frame the dead note loses log(0.4/0.001)
    /// = 6 nats against the new one; the leap cost 15); a small glide is followed at once.
    @Test func newNotesAndGlidesAreFollowed() {
        let loud = (0..<10).map { t in Self.frame(t < 5 ? [(100, 0.9)] : [(220, 0.8)]) }
        #expect(Self.track(loud)[5...].allSatisfy { $0 == 220 })
        let soft = (0..<10).map { t in Self.frame(t < 5 ? [(100, 0.5)] : [(220, 0.4)]) }
        let soft5 = Self.track(soft)
        #expect(soft5[..<5].allSatisfy { $0 == 100 } && soft5[5] == 100 && soft5[8...].allSatisfy { $0 == 220 }, "\(soft5)")
        // With `hold`, a line whose salience fell under it lets go: the soft note is taken as soon
        // as the tracked bin was seen silent (one frame).
        let held = Self.track(soft, PitchTracker.Parameters(step: 0.15, jump: 15, trust: 0.8, hold: 0.1))
        #expect(held[..<6].allSatisfy { $0 == 100 } && held[6...].allSatisfy { $0 == 220 }, "\(held)")
        let glide = (0..<10).map { t in Self.frame([(100 + t, 0.5)]) }
        #expect(Self.track(glide) == Array(100..<110))
    }

    /// Off-switch values: a huge trust never overrides, zero costs follow the argmax exactly;
    /// NaN salience counts as silence; reset forgets the line.
    @Test func limitsAndReset() {
        let frames = (0..<30).map { t in Self.frame([(50 + 7 * (t % 5), 0.3 + 0.1 * Float(t % 3)), (300, 0.35)]) }
        #expect(Self.track(frames, PitchTracker.Parameters(step: 0, jump: 0, trust: 2)) == frames.map(Self.argmax))
        let tracker = PitchTracker(bins: 360, .standard)
        defer { tracker.deallocate() }
        var nan = Self.frame([(100, 0.5)]); nan[3] = .nan
        for _ in 0..<5 { #expect(nan.withUnsafeBufferPointer { tracker.push($0.baseAddress!) } == 100) }
        let other = Self.frame([(250, 0.3), (100, 0.1)])
        #expect(other.withUnsafeBufferPointer { tracker.push($0.baseAddress!) } == 100)
        tracker.reset()
        #expect(other.withUnsafeBufferPointer { tracker.push($0.baseAddress!) } == 250)
        #expect(PitchTracker.Parameters(text: "0.15:15:0.8") == .standard && PitchTracker.Parameters(text: PitchTracker.Parameters.standard.text) == .standard)
        #expect(PitchTracker.Parameters(text: "0.8:40") == nil && PitchTracker.Parameters(text: "0.8:-1:0.6") == nil)
    }
}
