import CJACK
import WhittleDSP
import WhittleEngine

/// Turns engine events into MIDI note-on/off messages placed inside the JACK block.
///
/// Fixed-capacity storage allocated at setup; the per-block work is plain loops over it.
/// A note-on lands at `event.frame + latency` (where the event is heard at the output), clamped
/// into the block; its note-off follows `noteLength` frames later, possibly in a later block.
struct JACKMIDIScheduler {
    struct Pending { var note: UInt8; var offFrame: Int64 }
    struct Message { var offset: UInt32; var status: UInt8; var data1: UInt8; var data2: UInt8 }

    static let pendingCapacity = 64
    static let queueCapacity = 256

    var onsetNote: UInt8
    var channel: UInt8
    var noteLength: Int64
    var pending: UnsafeMutablePointer<Pending>
    var pendingCount = 0
    var queue: UnsafeMutablePointer<Message>
    var queueCount = 0
    var bytes: UnsafeMutablePointer<UInt8>

    init(onsetNote: UInt8, channel: UInt8, noteLength: Int64) {
        self.onsetNote = onsetNote
        self.channel = channel & 0x0F
        self.noteLength = max(1, noteLength)
        pending = .allocate(capacity: Self.pendingCapacity)
        queue = .allocate(capacity: Self.queueCapacity)
        bytes = .allocate(capacity: 4)
        bytes.initialize(repeating: 0, count: 4)
    }

    func deallocate() {
        pending.deallocate()
        queue.deallocate()
        bytes.deallocate()
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

    /// Builds this block's messages, time-ordered, into `queue`. Returns how many were dropped.
    @_noLocks @_noAllocation
    mutating func schedule(rt: EngineRT, blockStart: Int64, frames: Int, latency: Int64) -> Int {
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
        // Note-ons for this block's events.
        let count = rt.lastBlockEventCount
        var k = 0
        while k < count {
            let event = rt.lastBlockEvent(k)
            k += 1
            guard let note = note(for: event) else { continue }
            let offset = min(max(event.frame + latency - blockStart, 0), Int64(frames - 1))
            let velocity = UInt8(min(max(Int(event.strength * 127 + 0.5), 1), 127))
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
        sortQueue()
        return dropped
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
