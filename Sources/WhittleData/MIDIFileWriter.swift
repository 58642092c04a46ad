/// Serialises a `MIDIFile` to Standard MIDI File bytes.
public enum MIDIFileWriter {
    public static func bytes(_ file: MIDIFile) -> [UInt8] {
        var out: [UInt8] = Array("MThd".utf8)
        appendUInt32(6, to: &out)
        appendUInt16(UInt16(file.format), to: &out)
        appendUInt16(UInt16(file.tracks.count), to: &out)
        appendUInt16(UInt16(file.ticksPerQuarter), to: &out)
        for track in file.tracks {
            let body = trackBytes(track)
            out += Array("MTrk".utf8)
            appendUInt32(UInt32(body.count), to: &out)
            out += body
        }
        return out
    }

    /// Events are sorted stably by time; every delta is clamped at zero. (An event
    /// placed before its predecessor, like the old "keep rendering" event that landed
    /// before the last note-off, must never produce a negative delta.)
    static func trackBytes(_ track: [MIDIEvent]) -> [UInt8] {
        let sorted = track.enumerated().sorted { a, b in
            if a.element.tick != b.element.tick { return a.element.tick < b.element.tick }
            let oa = a.element.message.orderAtSameTick, ob = b.element.message.orderAtSameTick
            return oa != ob ? oa < ob : a.offset < b.offset
        }.map(\.element).filter { $0.message != .endOfTrack }

        var out: [UInt8] = []
        var lastTick = 0
        for event in sorted {
            appendVariableLength(max(0, event.tick - lastTick), to: &out)
            lastTick = max(lastTick, event.tick)
            out += messageBytes(event.message)
        }
        // An explicit end-of-track in the input only sets where the track ends.
        let endTick = track.filter { $0.message == .endOfTrack }.map(\.tick).max() ?? lastTick
        appendVariableLength(max(0, endTick - lastTick), to: &out)
        out += [0xFF, 0x2F, 0x00]
        return out
    }

    static func messageBytes(_ message: MIDIEvent.Message) -> [UInt8] {
        switch message {
        case let .noteOn(channel, key, velocity): [0x90 | (channel & 0x0F), key & 0x7F, velocity & 0x7F]
        case let .noteOff(channel, key, velocity): [0x80 | (channel & 0x0F), key & 0x7F, velocity & 0x7F]
        case let .programChange(channel, program): [0xC0 | (channel & 0x0F), program & 0x7F]
        case let .controlChange(channel, controller, value): [0xB0 | (channel & 0x0F), controller & 0x7F, value & 0x7F]
        case let .tempo(us):
            [0xFF, 0x51, 0x03, UInt8((us >> 16) & 0xFF), UInt8((us >> 8) & 0xFF), UInt8(us & 0xFF)]
        case let .trackName(name):
            [0xFF, 0x03] + variableLength(name.utf8.count) + Array(name.utf8)
        case .endOfTrack: [0xFF, 0x2F, 0x00]
        }
    }

    static func variableLength(_ value: Int) -> [UInt8] {
        var out: [UInt8] = []
        appendVariableLength(value, to: &out)
        return out
    }

    static func appendVariableLength(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0 && value < 0x1000_0000, "MIDI delta out of range")
        var groups: [UInt8] = [UInt8(value & 0x7F)]
        var rest = value >> 7
        while rest > 0 {
            groups.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        out += groups.reversed()
    }

    static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func appendUInt16(_ v: UInt16, to out: inout [UInt8]) {
        out += [UInt8(v >> 8), UInt8(v & 0xFF)]
    }
}
