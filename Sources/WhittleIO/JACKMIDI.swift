import CJACK
import CRealtime
import WhittleDSP
import WhittleEngine

/// How pitch events become one monophonic MIDI voice (note + pitch bend).
public struct PitchMIDISettings: Sendable, Equatable {
    /// MIDI channel of the pitch voice, 0-based (0...15).
    public var channel: UInt8 = 1
    /// Pitch-bend range in semitones that the receiving synth is set to (±range at the 14-bit ends).
    public var bendRange: Float = 2
    /// Semitones beyond half a semitone that f0 may drift from the held note before a new note starts.
    public var hysteresis: Float = 0.25
    /// With no voiced pitch event for this long, the held note ends (a bypassed or silent detector).
    public var gapSeconds: Double = 0.05
    public init() {}

    /// Semitones from the held note at which a new note starts: half a semitone plus the
    /// hysteresis, never beyond the bend range (the bend would saturate).
    public var retriggerDistance: Float { min(0.5 + hysteresis, bendRange) }
}

/// Turns engine events into MIDI messages placed inside the JACK block.
///
/// Fixed-capacity storage allocated at setup; the per-block work is plain loops over it.
/// Every message lands at `event.frame + latency`, where the event is heard at the (latency
/// delayed) output: an event reported before that frame's block waits in `deferred` until then.
/// Onsets and drum hits: a note-on, and its note-off `noteLength` frames later, possibly in a
/// later block. Pitch: one monophonic voice on its own channel — a note at the nearest
/// semitone while voiced, 14-bit pitch bend following f0 within it, a new note when f0 moves
/// more than `retriggerDistance` from it, a note-off when unvoiced or after a gap with no
/// voiced pitch events.
struct JACKMIDIScheduler {
    struct Pending { var note: UInt8; var offFrame: Int64 }
    struct Message: Equatable { var offset: UInt32; var status: UInt8; var data1: UInt8; var data2: UInt8 }

    static let pendingCapacity = 64
    static let queueCapacity = 256
    static let deferredCapacity = 1024
    static let bendCentre = 8192

    var onsetNote: UInt8
    var channel: UInt8
    var noteLength: Int64
    var pending: UnsafeMutablePointer<Pending>
    var pendingCount = 0
    var queue: UnsafeMutablePointer<Message>
    var queueCount = 0
    var bytes: UnsafeMutablePointer<UInt8>
    /// Events whose output frame lies in a later block, in arrival order.
    var deferred: UnsafeMutablePointer<Event>
    var deferredCount = 0

    // Pitch voice: settings, then state (audio thread).
    var pitchChannel: UInt8
    var bendRange: Float
    var retriggerDistance: Float
    var pitchGap: Int64
    /// The sounding pitch note, or -1.
    var pitchNote = -1
    /// The last bend value sent on the pitch channel (14 bits).
    var pitchBend = JACKMIDIScheduler.bendCentre
    /// Output frame of the last voiced pitch event.
    var lastVoiced: Int64 = 0

    init(onsetNote: UInt8, channel: UInt8, noteLength: Int64, pitch: PitchMIDISettings = PitchMIDISettings(), sampleRate: Double = 48000) {
        self.onsetNote = onsetNote
        self.channel = channel & 0x0F
        self.noteLength = max(1, noteLength)
        pitchChannel = pitch.channel & 0x0F
        bendRange = max(pitch.bendRange, 0.01)
        retriggerDistance = pitch.retriggerDistance
        pitchGap = max(1, Int64(pitch.gapSeconds * sampleRate))
        pending = .allocate(capacity: Self.pendingCapacity)
        queue = .allocate(capacity: Self.queueCapacity)
        bytes = .allocate(capacity: 4)
        bytes.initialize(repeating: 0, count: 4)
        deferred = .allocate(capacity: Self.deferredCapacity)
    }

    func deallocate() {
        deferred.deallocate()
        pending.deallocate()
        queue.deallocate()
        bytes.deallocate()
    }

    /// Appends a note-off at `offset` for every sounding note (onsets, drums, the pitch voice),
    /// re-centres the pitch bend and forgets the events still waiting: the client is stopping.
    /// Call after `schedule` for the block. Returns how many messages did not fit.
    @_noLocks @_noAllocation
    mutating func endAllNotes(offset: UInt32) -> Int {
        var dropped = 0
        for i in 0..<pendingCount {
            if !push(Message(offset: offset, status: 0x80 | channel, data1: pending[i].note, data2: 0)) { dropped += 1 }
        }
        pendingCount = 0
        if pitchNote >= 0 { dropped += endPitchNote(offset: Int64(offset)) }
        if pitchBend != Self.bendCentre {
            if push(Message(offset: offset, status: 0xE0 | pitchChannel, data1: 0, data2: 0x40)) { pitchBend = Self.bendCentre } else { dropped += 1 }
        }
        deferredCount = 0
        sortQueue()
        return dropped
    }

    /// Forgets every sounding note without sending anything (after a warm-up run).
    mutating func clear() {
        pendingCount = 0
        queueCount = 0
        deferredCount = 0
        pitchNote = -1
        pitchBend = Self.bendCentre
        lastVoiced = 0
    }

    /// Moves every stored frame by `delta` (the engine's frame count restarted).
    mutating func rebase(by delta: Int64) {
        for i in 0..<pendingCount { pending[i].offFrame += delta }
        for i in 0..<deferredCount { deferred[i].frame += delta }
        lastVoiced += delta
    }

    /// GM drum notes for the drum classes KD, SD, HH; onsets use the configured note.
    @inline(__always)
    func note(for event: Event) -> UInt8? {
        switch event.kind {
        case .onset: return onsetNote
        case .drum:
            switch event.label {
            case 0: return 36
            case 1: return 38
            default: return 42
            }
        case .pitch: return nil
        }
    }

    /// Builds this block's messages from the engine's last render. Returns how many were dropped.
    @_noLocks @_noAllocation
    mutating func schedule(rt: EngineRT, blockStart: Int64, frames: Int, latency: Int64) -> Int {
        schedule(events: rt.lastBlockEvents, count: rt.lastBlockEventCount, blockStart: blockStart, frames: frames, latency: latency)
    }

    /// Builds this block's messages, time-ordered, into `queue`. Returns how many were dropped.
    @_noLocks @_noAllocation
    mutating func schedule(events: UnsafePointer<Event>, count: Int, blockStart: Int64, frames: Int, latency: Int64) -> Int {
        queueCount = 0
        var dropped = 0
        let blockEnd = blockStart + Int64(frames)
        // Note-offs that fall due in this block.
        var i = 0
        while i < pendingCount {
            let p = pending[i]
            if p.offFrame < blockEnd {
                let offset = UInt32(max(0, p.offFrame - blockStart))
                if !push(Message(offset: offset, status: 0x80 | channel, data1: p.note, data2: 0)) { dropped += 1 }
                pendingCount -= 1
                pending[i] = pending[pendingCount]
            } else {
                i += 1
            }
        }
        // This block's events join those waiting for their output frame.
        var k = 0
        while k < count {
            if deferredCount < Self.deferredCapacity {
                deferred[deferredCount] = events[k]
                deferredCount += 1
            } else {
                dropped += 1
            }
            k += 1
        }
        // Messages for the events heard in this block, in arrival order; later ones keep waiting.
        var kept = 0
        k = 0
        while k < deferredCount {
            let event = deferred[k]
            k += 1
            if event.frame + latency >= blockEnd {
                deferred[kept] = event
                kept += 1
                continue
            }
            let offset = max(event.frame + latency - blockStart, 0)
            if event.kind == .pitch {
                dropped += pitch(event, offset: offset, blockStart: blockStart)
                continue
            }
            guard let note = note(for: event) else { continue }
            let velocity = Self.velocity(event.strength)
            // Retrigger: end a still-sounding copy of the note first.
            var existing = -1
            var j = 0
            while j < pendingCount { if pending[j].note == note { existing = j; break }; j += 1 }
            if existing >= 0 {
                if !push(Message(offset: UInt32(offset), status: 0x80 | channel, data1: note, data2: 0)) { dropped += 1 }
            }
            if !push(Message(offset: UInt32(offset), status: 0x90 | channel, data1: note, data2: velocity)) {
                dropped += 1
                continue
            }
            let off = blockStart + offset + noteLength
            if existing >= 0 {
                pending[existing].offFrame = off
            } else if pendingCount < Self.pendingCapacity {
                pending[pendingCount] = Pending(note: note, offFrame: off)
                pendingCount += 1
            } else {
                dropped += 1
            }
        }
        deferredCount = kept
        // A held pitch note with no voiced event for `pitchGap` frames ends where the gap ran out.
        if pitchNote >= 0 && lastVoiced + pitchGap < blockEnd {
            let offset = min(max(lastVoiced + pitchGap - blockStart, 0), Int64(frames - 1))
            dropped += endPitchNote(offset: offset)
        }
        sortQueue()
        return dropped
    }

    /// Nearest integer, halves away from zero (`rounded()` names a rounding-rule type the
    /// real-time checker rejects). `x` is finite and well inside Int's range here.
    @inline(__always)
    static func nearest(_ x: Float) -> Int { Int(x >= 0 ? x + 0.5 : x - 0.5) }

    @inline(__always)
    static func velocity(_ strength: Float) -> UInt8 {
        let v = strength.isFinite ? Int(strength * 127 + 0.5) : 1
        return UInt8(min(max(v, 1), 127))
    }

    /// One pitch event at `offset` in the block: start, bend, move or end the pitch voice.
    @_noLocks @_noAllocation
    mutating func pitch(_ event: Event, offset: Int64, blockStart: Int64) -> Int {
        let f0 = event.value
        // NeuralDetector marks voiced frames with label 1 (confidence at or above the model's
        // voicing threshold); 20 Hz...20 kHz keeps the note number inside MIDI's range.
        guard event.label != 0, f0.isFinite, f0 >= 20, f0 <= 20_000 else {
            return pitchNote >= 0 ? endPitchNote(offset: offset) : 0
        }
        lastVoiced = blockStart + offset
        // Fractional MIDI note number: 69 + 12·log2(f0 / 440).
        let semitone = 69 + 17.312_340_5 * whittle_logf(f0 / 440)
        var dropped = 0
        if pitchNote >= 0 {
            let distance = semitone - Float(pitchNote)
            if distance > -retriggerDistance && distance < retriggerDistance {
                if !sendBend(distance, offset: offset) { dropped += 1 }
                return dropped
            }
            dropped += endPitchNote(offset: offset)
        }
        let note = min(max(Self.nearest(semitone), 0), 127)
        if !sendBend(semitone - Float(note), offset: offset) { dropped += 1 }
        if push(Message(offset: UInt32(offset), status: 0x90 | pitchChannel, data1: UInt8(note),
                        data2: Self.velocity(event.strength))) {
            pitchNote = note
        } else {
            dropped += 1
        }
        return dropped
    }

    /// Sends a pitch bend of `semitones` from the note (clamped to the range) if it changed.
    @inline(__always)
    mutating func sendBend(_ semitones: Float, offset: Int64) -> Bool {
        let scaled = Self.nearest(semitones / bendRange * 8192)
        let value = min(max(Self.bendCentre + scaled, 0), 16383)
        if value == pitchBend { return true }
        guard push(Message(offset: UInt32(offset), status: 0xE0 | pitchChannel,
                           data1: UInt8(value & 0x7F), data2: UInt8(value >> 7))) else { return false }
        pitchBend = value
        return true
    }

    @inline(__always)
    mutating func endPitchNote(offset: Int64) -> Int {
        let note = UInt8(pitchNote)
        pitchNote = -1
        return push(Message(offset: UInt32(offset), status: 0x80 | pitchChannel, data1: note, data2: 0)) ? 0 : 1
    }

    @inline(__always)
    mutating func push(_ m: Message) -> Bool {
        guard queueCount < Self.queueCapacity else { return false }
        queue[queueCount] = m
        queueCount += 1
        return true
    }

    /// Stable insertion sort by offset (a handful of messages per block): JACK wants time order,
    /// and a note-off must stay before a retriggered note-on at the same offset.
    @inline(__always)
    mutating func sortQueue() {
        var i = 1
        while i < queueCount {
            let m = queue[i]
            var j = i
            while j > 0 && queue[j - 1].offset > m.offset {
                queue[j] = queue[j - 1]
                j -= 1
            }
            queue[j] = m
            i += 1
        }
    }

    /// Writes the queued messages into a JACK MIDI port buffer. Returns how many did not fit.
    @_noLocks @_noAllocation
    func write(to buffer: UnsafeMutableRawPointer) -> Int {
        var failed = 0
        var i = 0
        while i < queueCount {
            let m = queue[i]
            bytes[0] = m.status
            bytes[1] = m.data1
            bytes[2] = m.data2
            if jack_midi_event_write(buffer, m.offset, bytes, 3) != 0 { failed += 1 }
            i += 1
        }
        return failed
    }
}
