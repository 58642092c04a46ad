import Foundation
import Testing
import WhittleDSP
@testable import WhittleIO

/// The JACK MIDI scheduler's logic without JACK: events in, MIDI messages (bytes and offsets) out.
@Suite struct PitchMIDITests {
    typealias Message = JACKMIDIScheduler.Message

    /// A scheduler fed block by block; collects every message with its absolute frame.
    final class Harness {
        var midi: JACKMIDIScheduler
        var frame: Int64 = 0
        let block: Int
        let latency: Int64
        var sent: [(frame: Int64, bytes: [UInt8])] = []
        var dropped = 0

        init(block: Int = 128, latency: Int64 = 0, pitch: PitchMIDISettings = PitchMIDISettings()) {
            self.block = block
            self.latency = latency
            midi = JACKMIDIScheduler(onsetNote: 60, channel: 0, noteLength: 2400, pitch: pitch, sampleRate: 48000)
        }
        deinit { midi.deallocate() }

        /// Runs one block with these events (frames must lie in the block, before latency).
        func block(_ events: [Event]) {
            dropped += events.withUnsafeBufferPointer { buf in
                midi.schedule(events: buf.baseAddress ?? UnsafePointer(bitPattern: 8)!, count: buf.count,
                              blockStart: frame, frames: block, latency: latency)
            }
            for i in 0..<midi.queueCount {
                let m = midi.queue[i]
                sent.append((frame + Int64(m.offset), [m.status, m.data1, m.data2]))
            }
            frame += Int64(block)
        }

        /// One pitch event per hop of 480 frames (10 ms) for each f0 (0 = unvoiced), 128-frame blocks.
        func pitchTrack(_ f0s: [Float], confidence: Float = 0.9, hop: Int64 = 480) {
            var i = 0
            let end = Int64(f0s.count) * hop
            while frame < end + 4000 {
                var events: [Event] = []
                while i < f0s.count && Int64(i) * hop < frame + Int64(block) {
                    let f = f0s[i]
                    events.append(Event(kind: .pitch, label: f > 0 ? 1 : 0, frame: Int64(i) * hop, strength: f > 0 ? confidence : 0.05, value: f))
                    i += 1
                }
                block(events)
            }
        }

        func messages(status high: UInt8) -> [(frame: Int64, bytes: [UInt8])] { sent.filter { $0.bytes[0] & 0xF0 == high } }
    }

    static func hz(_ midiNote: Double) -> Float { Float(440 * pow(2, (midiNote - 69) / 12)) }

    @Test func voicedPitchStartsANoteWithBendAndVelocity() {
        let h = Harness()
        // 69.3 semitones: note 69 (A4), bend +0.3 of ±2 → 8192 + 0.15·8192 = 9421 → LSB 9421 & 127 = 77, MSB 73.
        h.block([Event(kind: .pitch, label: 1, frame: 10, strength: 0.5, value: Self.hz(69.3))])
        #expect(h.sent.count == 2)
        #expect(h.sent[0].bytes == [0xE1, 77, 73])           // bend first, on channel 2 (0-based 1)
        #expect(h.sent[1].bytes == [0x91, 69, 64])           // note-on, velocity round(0.5·127) = 64
        #expect(h.sent.allSatisfy { $0.frame == 10 })
        #expect(9421 & 127 == 77 && 9421 >> 7 == 73)
    }

    @Test func glideWithinRangeBendsWithoutRetrigger() {
        let h = Harness()
        // 60.0 → 60.6 semitones over 30 hops: inside the 0.75-semitone retrigger distance.
        let track = (0..<30).map { Self.hz(60 + 0.6 * Double($0) / 29) }
        h.pitchTrack(track)
        let ons = h.messages(status: 0x90), bends = h.messages(status: 0xE0)
        #expect(ons.count == 1)
        #expect(ons.first?.bytes[1] == 60)
        #expect(bends.count >= 20, "\(bends.count) bends")
        // Bends rise monotonically and end at +0.6 semitone: 8192 + 0.3·8192 = 10650.
        let values = bends.map { Int($0.bytes[1]) | Int($0.bytes[2]) << 7 }
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
        #expect(abs(values.last! - 10650) <= 2, "last bend \(values.last!)")
        // The note ends after the gap once the track stops (no unvoiced event here).
        let offs = h.messages(status: 0x80)
        #expect(offs.count == 1)
        #expect(offs.first.map { $0.frame == 29 * 480 + 2400 } == true, "note-off at \(offs.first?.frame ?? -1)")
    }

    @Test func jumpRetriggers() {
        let h = Harness()
        h.pitchTrack([Float](repeating: Self.hz(60), count: 10) + [Float](repeating: Self.hz(64), count: 10))
        let ons = h.messages(status: 0x90)
        #expect(ons.map { $0.bytes[1] } == [60, 64])
        let offs = h.messages(status: 0x80)
        #expect(offs.count == 2)
        #expect(offs.first.map { $0.bytes[1] == 60 && $0.frame == 10 * 480 } == true)
        // At the jump: note-off 60, then note-on 64, at the same frame and in that order.
        let at = h.sent.filter { $0.frame == 10 * 480 }.map { $0.bytes[0] & 0xF0 }
        #expect(at.first == 0x80 && at.last == 0x90)
    }

    @Test func hysteresisHoldsTheNoteJustPastHalfASemitone() {
        let h = Harness()
        // 0.7 semitone up is past the nearest-semitone boundary but within 0.5 + 0.25: no retrigger.
        h.pitchTrack([Float](repeating: Self.hz(60), count: 5) + [Float](repeating: Self.hz(60.7), count: 5)
                     + [Float](repeating: Self.hz(60.8), count: 5))
        #expect(h.messages(status: 0x90).map { $0.bytes[1] } == [60, 61])
    }

    @Test func unvoicedEndsTheNote() {
        let h = Harness()
        h.pitchTrack([Float](repeating: Self.hz(57), count: 5) + [0, 0, 0] + [Float](repeating: Self.hz(57), count: 3))
        let ons = h.messages(status: 0x90), offs = h.messages(status: 0x80)
        #expect(ons.count == 2)
        #expect(offs.count == 2)
        #expect(offs.first?.frame == Int64(5 * 480))               // the first unvoiced hop
        #expect(ons.last?.frame == Int64(8 * 480))
        // Every message on the pitch channel, notes and bends alike.
        #expect(h.sent.allSatisfy { $0.bytes[0] & 0x0F == 1 })
    }

    @Test func lowConfidenceAndBadFrequenciesAreUnvoiced() {
        let h = Harness()
        h.block([Event(kind: .pitch, label: 1, frame: 0, strength: 0.9, value: 440)])
        h.block([Event(kind: .pitch, label: 1, frame: 128, strength: 0.9, value: .nan)])
        #expect(h.messages(status: 0x80).count == 1)
        h.block([Event(kind: .pitch, label: 0, frame: 256, strength: 0.9, value: 440)])
        h.block([Event(kind: .pitch, label: 1, frame: 384, strength: 0.9, value: 0)])
        #expect(h.messages(status: 0x90).count == 1)
    }

    @Test func bendRangeScalesTheBendAndCapsTheRetriggerDistance() {
        var settings = PitchMIDISettings()
        settings.bendRange = 0.5
        settings.channel = 15
        let h = Harness(pitch: settings)
        // +0.4 semitone from the held note at range ±0.5: 8192 + 0.8·8192 = 14746; the retrigger
        // distance is capped at 0.5, so +0.6 starts a new note.
        h.pitchTrack([Self.hz(60), Self.hz(60.4), Self.hz(60.6)])
        let bends = h.messages(status: 0xE0).map { Int($0.bytes[1]) | Int($0.bytes[2]) << 7 }
        #expect(bends.first == 14746)
        #expect(h.messages(status: 0x90).map { $0.bytes[1] } == [60, 61])
        #expect(h.sent.allSatisfy { $0.bytes[0] & 0x0F == 15 })
    }

    @Test func latencyPlacesMessagesAndOnsetsStillWork() {
        let h = Harness(latency: 200)
        h.block([Event(kind: .onset, frame: 5, strength: 1), Event(kind: .pitch, label: 1, frame: 5, strength: 1, value: 440)])
        h.block([])
        h.block([Event(kind: .drum, label: 2, frame: 300, strength: 0.25)])
        h.block([])
        h.block([])
        // Reported in block 0, heard at 5 + 200 = 205: the note-ons wait for block 1, frame 205.
        #expect(h.sent.contains { $0.bytes == [0x90, 60, 127] && $0.frame == 205 })
        #expect(h.sent.contains { $0.bytes == [0x91, 69, 127] && $0.frame == 205 })
        #expect(h.sent.contains { $0.bytes == [0x90, 42, 32] && $0.frame == 500 })
        #expect(h.sent.count == 3)                                 // 440 Hz is A4 exactly: no bend
        #expect(h.midi.deferredCount == 0)
        #expect(h.dropped == 0)
    }

    /// Stopping ends every sounding note: onset/drum notes, the pitch voice (and its bend).
    @Test func endAllNotesLeavesNothingHanging() {
        let h = Harness()
        h.block([Event(kind: .onset, frame: 0, strength: 1), Event(kind: .drum, label: 0, frame: 3, strength: 1),
                 Event(kind: .pitch, label: 1, frame: 5, strength: 1, value: Self.hz(62.3))])
        let before = h.sent.count
        #expect(h.midi.endAllNotes(offset: 127) == 0)
        let tail = (0..<h.midi.queueCount).map { h.midi.queue[$0] }
        #expect(Set(tail.filter { $0.status == 0x80 }.map(\.data1)) == [60, 36])
        #expect(tail.contains(Message(offset: 127, status: 0x81, data1: 62, data2: 0)))
        #expect(tail.contains(Message(offset: 127, status: 0xE1, data1: 0, data2: 0x40)))
        #expect(tail.count == 4 + before)   // the block's own messages stay in the queue, before them
        #expect(h.midi.pendingCount == 0 && h.midi.pitchNote == -1 && h.midi.deferredCount == 0)
    }
}
