/// A Standard MIDI File in memory: tracks of events at absolute tick times.
public struct MIDIFile: Sendable, Equatable {
    public var format: Int
    public var ticksPerQuarter: Int
    public var tracks: [[MIDIEvent]]

    public init(format: Int = 1, ticksPerQuarter: Int, tracks: [[MIDIEvent]]) {
        self.format = format
        self.ticksPerQuarter = ticksPerQuarter
        self.tracks = tracks
    }
}

public struct MIDIEvent: Sendable, Equatable {
    public var tick: Int
    public var message: Message

    public init(tick: Int, _ message: Message) {
        self.tick = tick
        self.message = message
    }

    /// Channels are 0-based (GM drums are channel 9, "channel 10" to musicians).
    public enum Message: Sendable, Equatable {
        case noteOn(channel: UInt8, key: UInt8, velocity: UInt8)
        case noteOff(channel: UInt8, key: UInt8, velocity: UInt8)
        case programChange(channel: UInt8, program: UInt8)
        case controlChange(channel: UInt8, controller: UInt8, value: UInt8)
        case tempo(microsecondsPerQuarter: Int)
        case trackName(String)
        case endOfTrack
    }
}

extension MIDIEvent.Message {
    /// Order of simultaneous events: setup first, then note-offs before note-ons so a
    /// repeated key is released before it is struck again, end of track last.
    var orderAtSameTick: Int {
        switch self {
        case .trackName: 0
        case .tempo: 1
        case .programChange: 2
        case .controlChange: 3
        case .noteOff: 4
        case .noteOn(_, _, let velocity): velocity == 0 ? 4 : 5
        case .endOfTrack: 6
        }
    }
}
