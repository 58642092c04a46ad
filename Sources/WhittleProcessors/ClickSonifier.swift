import Glibc
import WhittleDSP

/// Turns events into short clicks on the output: a 10 ms decaying sine burst per event,
/// scheduled at an absolute frame so the sound never depends on block boundaries.
public struct ClickSonifier {
    struct Voice {
        var startFrame: Int64
        var gain: Float
    }
    struct State {
        var voiceCount = 0
        var gain: Float
    }

    public static let maxVoices = 16
    let click: UnsafeMutablePointer<Float>
    public let clickLength: Int
    let voices: UnsafeMutablePointer<Voice>
    let state: UnsafeMutablePointer<State>

    public init(sampleRate: Double, frequency: Double = 2000, gain: Float = 0.5) {
        clickLength = Int(0.010 * sampleRate)
        click = RawBuffer.floats(clickLength)
        for n in 0..<clickLength {
            let t = Double(n) / sampleRate
            click[n] = Float(sin(2 * Double.pi * frequency * t) * exp(-t / 0.002))
        }
        voices = .allocate(capacity: ClickSonifier.maxVoices)
        voices.initialize(repeating: Voice(startFrame: 0, gain: 0), count: ClickSonifier.maxVoices)
        state = .allocate(capacity: 1)
        state.initialize(to: State(gain: gain))
    }

    public func deallocate() { click.deallocate(); voices.deallocate(); state.deallocate() }

    public func reset() { state.pointee.voiceCount = 0 }

    @_noLocks @_noAllocation
    public func setGain(_ gain: Float) { state.pointee.gain = gain }

    /// Schedules a click at an absolute frame; the oldest voice is stolen when all are busy.
    /// Voices are kept sorted by (start frame, gain), so overlapping clicks are summed in the same
    /// order however the events were delivered (several detectors report in block-size-dependent
    /// order, and float addition is not associative).
    @_noLocks @_noAllocation
    public func schedule(frame: Int64, strength: Float) {
        let gain = state.pointee.gain * (0.25 + 0.75 * strength)
        var count = state.pointee.voiceCount
        if count == ClickSonifier.maxVoices {
            for v in 1..<count { voices[v - 1] = voices[v] }
            count -= 1
        }
        var at = count
        while at > 0 && (voices[at - 1].startFrame > frame || (voices[at - 1].startFrame == frame && voices[at - 1].gain > gain)) {
            voices[at] = voices[at - 1]
            at -= 1
        }
        voices[at] = Voice(startFrame: frame, gain: gain)
        state.pointee.voiceCount = count + 1
    }

    /// Adds the clicks sounding in [blockStart, blockStart + frames) to `output`.
    @_noLocks @_noAllocation
    public func render(into output: UnsafeMutablePointer<Float>, frames: Int, blockStart: Int64) {
        var count = state.pointee.voiceCount
        var v = 0
        while v < count {
            let voice = voices[v]
            let offset = Int(voice.startFrame - blockStart)   // may be negative: started earlier
            let from = max(0, offset), to = min(frames, offset + clickLength)
            if from < to {
                for n in from..<to { output[n] += voice.gain * click[n - offset] }
            }
            if offset + clickLength <= frames {               // finished within this block
                for w in (v + 1)..<max(v + 1, count) { voices[w - 1] = voices[w] }
                count -= 1
            } else {
                v += 1
            }
        }
        state.pointee.voiceCount = count
    }
}
