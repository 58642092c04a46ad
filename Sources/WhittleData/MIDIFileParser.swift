/// Parses Standard MIDI File bytes (running status, meta and sysex events) back into
/// a `MIDIFile`. Used to verify what we write; unknown meta events are skipped.
public enum MIDIFileParser {
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public static func parse(_ bytes: [UInt8]) throws -> MIDIFile {
        var reader = ByteReader(bytes: bytes)
        guard try reader.ascii(4) == "MThd", try reader.uint32() == 6 else {
            throw ParseError(description: "not a Standard MIDI File (no MThd header)")
        }
        let format = Int(try reader.uint16())
        let trackCount = Int(try reader.uint16())
        let division = Int(try reader.uint16())
        guard division & 0x8000 == 0 else { throw ParseError(description: "SMPTE time division is not supported") }
        var tracks: [[MIDIEvent]] = []
        for _ in 0..<trackCount {
            guard try reader.ascii(4) == "MTrk" else { throw ParseError(description: "missing MTrk chunk") }
            let length = Int(try reader.uint32())
            var track = ByteReader(bytes: try reader.take(length))
            tracks.append(try parseTrack(&track))
        }
        return MIDIFile(format: format, ticksPerQuarter: division, tracks: tracks)
    }

    static func parseTrack(_ r: inout ByteReader) throws -> [MIDIEvent] {
        var events: [MIDIEvent] = []
        var tick = 0
        var runningStatus: UInt8 = 0
        while !r.isAtEnd {
            tick += try r.variableLength()
            var status = try r.byte()
            if status < 0x80 {   // running status: this byte is already data
                guard runningStatus != 0 else { throw ParseError(description: "data byte without status") }
                r.position -= 1
                status = runningStatus
            }
            switch status {
            case 0xFF:
                let type = try r.byte()
                let data = try r.take(try r.variableLength())
                switch type {
                case 0x51 where data.count == 3:
                    events.append(MIDIEvent(tick: tick, .tempo(microsecondsPerQuarter:
                        Int(data[0]) << 16 | Int(data[1]) << 8 | Int(data[2]))))
                case 0x03: events.append(MIDIEvent(tick: tick, .trackName(String(decoding: data, as: UTF8.self))))
                case 0x2F: events.append(MIDIEvent(tick: tick, .endOfTrack)); return events
                default: break
                }
            case 0xF0, 0xF7:
                _ = try r.take(try r.variableLength())
            default:
                runningStatus = status
                let channel = status & 0x0F
                switch status & 0xF0 {
                case 0x80: events.append(MIDIEvent(tick: tick, .noteOff(channel: channel, key: try r.byte(), velocity: try r.byte())))
                case 0x90: events.append(MIDIEvent(tick: tick, .noteOn(channel: channel, key: try r.byte(), velocity: try r.byte())))
                case 0xB0: events.append(MIDIEvent(tick: tick, .controlChange(channel: channel, controller: try r.byte(), value: try r.byte())))
                case 0xC0: events.append(MIDIEvent(tick: tick, .programChange(channel: channel, program: try r.byte())))
                case 0xA0, 0xE0: _ = try r.take(2)
                case 0xD0: _ = try r.take(1)
                default: throw ParseError(description: "unknown status byte \(status)")
                }
            }
        }
        throw ParseError(description: "track without end-of-track event")
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    var isAtEnd: Bool { position >= bytes.count }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw MIDIFileParser.ParseError(description: "unexpected end of data") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, position + count <= bytes.count else {
            throw MIDIFileParser.ParseError(description: "unexpected end of data")
        }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    mutating func ascii(_ count: Int) throws -> String { String(decoding: try take(count), as: UTF8.self) }
    mutating func uint16() throws -> UInt16 { let b = try take(2); return UInt16(b[0]) << 8 | UInt16(b[1]) }
    mutating func uint32() throws -> UInt32 {
        let b = try take(4)
        return UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])
    }

    mutating func variableLength() throws -> Int {
        var value = 0
        for _ in 0..<4 {
            let b = try byte()
            value = value << 7 | Int(b & 0x7F)
            if b & 0x80 == 0 { return value }
        }
        throw MIDIFileParser.ParseError(description: "variable-length quantity longer than 4 bytes")
    }
}
