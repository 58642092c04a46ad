import CJACK
import CRealtime
import WhittleDSP
import WhittleEngine
#if canImport(Glibc)
import Glibc
#endif

public enum JACKError: Error, CustomStringConvertible {
    case serverNotRunning(server: String?)
    case openFailed(status: UInt32)
    case portRegistration(String)
    case callbackSetup(String)
    case activation
    case connection(from: String, to: String, code: Int32)
    case prepare(String)

    public var description: String {
        switch self {
        case .serverNotRunning(let server):
            return "JACK server \(server.map { "'\($0)'" } ?? "(default)") is not running"
        case .openFailed(let status): return "cannot open JACK client (status 0x\(String(status, radix: 16)))"
        case .portRegistration(let name): return "cannot register JACK port \(name)"
        case .callbackSetup(let what): return "cannot set JACK \(what) callback"
        case .activation: return "cannot activate JACK client"
        case .connection(let from, let to, let code): return "cannot connect \(from) -> \(to) (error \(code))"
        case .prepare(let why): return "cannot prepare engine: \(why)"
        }
    }
}

/// JACK frame `jackFrame` is engine frame `engineFrame` (until the next anchor).
public struct JACKAnchor: Sendable, Equatable {
    public var jackFrame: UInt64
    public var engineFrame: UInt64
}

/// Figures the JACK host gathered, for the run summary.
public struct JACKReport: Sendable {
    public var serverName: String?
    public var sampleRate: Int
    public var blockSize: Int
    public var latency: Int
    public var firstJackFrame: UInt64?
    public var anchorJackFrame: UInt64
    public var anchorEngineFrame: UInt64
    /// Every anchor (first cycle, then one after each skip), oldest first, up to JACKShared.anchorLogCapacity.
    public var anchors: [JACKAnchor]
    public var discontinuities: UInt64
    public var events: UInt64
    public var midiDropped: UInt64
    public var oversizeBlocks: UInt64
}

/// A JACK client running an Engine: ports whittle:in_1, whittle:out_1, whittle:midi_out.
///
/// Lifecycle: init (open, register, prepare) → activate(connectIn:connectOut:) → poll() from the
/// control thread → close(). Never connects ports unless asked.
public final class JACKHost {
    public struct Options: Sendable {
        public var serverName: String?
        public var clientName = "whittle"
        public var onsetNote: UInt8 = 60
        public var midiChannel: UInt8 = 0
        /// Pitch events as a monophonic MIDI voice with pitch bend.
        public var pitch = PitchMIDISettings()
        public var minMaxBlock = 4096
        public init(serverName: String? = nil) { self.serverName = serverName }
    }

    public let engine: Engine
    public let options: Options
    let client: OpaquePointer
    let ctx: UnsafeMutablePointer<JACKContext>
    private var closed = false

    public init(engine: Engine, options: Options) throws {
        self.engine = engine
        self.options = options
        whittle_jack_quiet()
        var status = jack_status_t(rawValue: 0)
        let opened: OpaquePointer? = options.clientName.withCString { name in
            if let server = options.serverName {
                return server.withCString { whittle_jack_client_open(name, JackNoStartServer, &status, $0) }
            }
            return whittle_jack_client_open(name, JackNoStartServer, &status, nil)
        }
        guard let client = opened else {
            if status.rawValue & JackServerFailed.rawValue != 0 {
                throw JACKError.serverNotRunning(server: options.serverName)
            }
            throw JACKError.openFailed(status: status.rawValue)
        }
        self.client = client

        func register(_ name: String, _ type: String, _ flags: JackPortFlags) throws -> OpaquePointer {
            guard let port = jack_port_register(client, name, type, UInt(flags.rawValue), 0) else {
                jack_client_close(client)
                throw JACKError.portRegistration(name)
            }
            return port
        }
        let inPort = try register("in_1", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput)
        let outPort = try register("out_1", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput)
        let midiPort = try register("midi_out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput)

        let rate = Double(jack_get_sample_rate(client))
        let maxBlock = max(options.minMaxBlock, Int(jack_get_buffer_size(client)))
        do {
            try engine.prepare(sampleRate: rate, maxBlock: maxBlock, blockSize: Int(jack_get_buffer_size(client)))
        } catch {
            jack_client_close(client)
            throw JACKError.prepare("\(error)")
        }
        whittle_rt_hooks_resolve()

        let shared = UnsafeMutablePointer<UInt64>.allocate(capacity: JACKShared.count)
        shared.initialize(repeating: 0, count: JACKShared.count)
        let flags = UnsafeMutablePointer<Int32>.allocate(capacity: JACKFlag.count)
        flags.initialize(repeating: 0, count: JACKFlag.count)
        let reason = UnsafeMutablePointer<CChar>.allocate(capacity: 256)
        reason.initialize(repeating: 0, count: 256)
        ctx = .allocate(capacity: 1)
        ctx.initialize(to: JACKContext(
            rt: engine.realtime, client: client, inPort: inPort, outPort: outPort, midiPort: midiPort,
            latency: Int64(engine.latencyFrames), maxBlock: maxBlock,
            midi: JACKMIDIScheduler(onsetNote: options.onsetNote, channel: options.midiChannel,
                                    noteLength: Int64(rate * 0.05), pitch: options.pitch, sampleRate: rate),
            pitchGapSeconds: options.pitch.gapSeconds,
            shared: shared, flags: flags, engine: Unmanaged.passUnretained(engine), shutdownReason: reason))

        let arg = UnsafeMutableRawPointer(ctx)
        guard jack_set_process_callback(client, jackProcessCallback, arg) == 0 else { throw fail("process") }
        guard jack_set_latency_callback(client, jackLatencyCallback, arg) == 0 else { throw fail("latency") }
        guard jack_set_xrun_callback(client, jackXrunCallback, arg) == 0 else { throw fail("xrun") }
        guard jack_set_buffer_size_callback(client, jackBufferSizeCallback, arg) == 0 else { throw fail("buffer size") }
        guard jack_set_sample_rate_callback(client, jackSampleRateCallback, arg) == 0 else { throw fail("sample rate") }
        jack_on_info_shutdown(client, jackShutdownCallback, arg)
        refreshFormat()
    }

    private func fail(_ what: String) -> JACKError {
        close()
        return .callbackSetup(what)
    }

    /// Current server rate and block size (the last values seen once the client is closed).
    public private(set) var sampleRate = 0
    public private(set) var blockSize = 0
    private func refreshFormat() {
        sampleRate = Int(jack_get_sample_rate(client))
        blockSize = Int(jack_get_buffer_size(client))
    }
    public var latencyFrames: Int { Int(ctx.pointee.latency) }

    /// Starts processing, then makes the requested connections (ports named as `jack_lsp` shows them).
    public func activate(connectIn: [String], connectOut: [String], connectMIDI: [String] = []) throws {
        // Warm our own per-block path (MIDI scheduling) off the audio thread; the engine's render
        // path was warmed by prepare() and is not run here, so its frame count stays at zero.
        // Every branch runs once (onset, drum, voiced and unvoiced pitch, the gap), then all is forgotten.
        let warm = UnsafeMutablePointer<Event>.allocate(capacity: 5)
        defer { warm.deallocate() }
        warm[0] = Event(kind: .onset, frame: 0, strength: 0.5)
        warm[1] = Event(kind: .drum, label: 1, frame: 0, strength: 0.5)
        warm[2] = Event(kind: .pitch, label: 1, frame: 0, strength: 0.5, value: 440)
        warm[3] = Event(kind: .pitch, label: 1, frame: 1, strength: 0.5, value: 880)
        warm[4] = Event(kind: .pitch, label: 0, frame: 2, strength: 0.1, value: 440)
        let frames = max(blockSize, 8)
        _ = ctx.pointee.midi.schedule(events: warm, count: 5, blockStart: 0, frames: frames, latency: 0)
        _ = ctx.pointee.midi.schedule(events: warm, count: 3, blockStart: Int64(frames), frames: frames, latency: 0)
        _ = ctx.pointee.midi.schedule(rt: ctx.pointee.rt, blockStart: 1 << 40, frames: frames, latency: 0)
        _ = ctx.pointee.midi.schedule(events: warm, count: 3, blockStart: 1 << 41, frames: frames, latency: 0)
        _ = ctx.pointee.midi.endAllNotes(offset: 0)
        ctx.pointee.midi.clear()
        guard jack_activate(client) == 0 else { throw JACKError.activation }
        for source in connectIn { try connect(source, "\(options.clientName):in_1") }
        for dest in connectOut { try connect("\(options.clientName):out_1", dest) }
        for dest in connectMIDI { try connect("\(options.clientName):midi_out", dest) }
    }

    private func connect(_ from: String, _ to: String) throws {
        let code = jack_connect(client, from, to)
        // EEXIST: already connected, which is what was asked for.
        guard code == 0 || code == EEXIST else { throw JACKError.connection(from: from, to: to, code: code) }
    }

    /// Control-thread housekeeping; returns the server's shutdown reason once it has gone away.
    public func poll() -> String? {
        if ctx.flag(.shutdown) {
            let reason = String(cString: ctx.pointee.shutdownReason)
            return reason.isEmpty ? "no reason given" : reason
        }
        refreshFormat()
        if ctx.flag(.latencyChanged) {
            ctx.setFlag(.latencyChanged, false)
            jack_recompute_total_latencies(client)
        }
        return nil
    }

    public var report: JACKReport {
        JACKReport(
            serverName: options.serverName, sampleRate: sampleRate, blockSize: blockSize, latency: latencyFrames,
            firstJackFrame: ctx.read(.started) != 0 ? ctx.read(.firstJackFrame) : nil,
            anchorJackFrame: ctx.read(.anchorJackFrame), anchorEngineFrame: ctx.read(.anchorEngineFrame),
            anchors: ctx.readAnchors(), discontinuities: ctx.read(.discontinuities), events: ctx.read(.events),
            midiDropped: ctx.read(.midiDropped), oversizeBlocks: ctx.read(.oversizeBlocks))
    }

    /// Deactivates and closes the client. After a server shutdown only the local state is freed.
    public func close() {
        guard !closed else { return }
        closed = true
        if !ctx.flag(.shutdown) {
            // No note left hanging on the synths downstream: the next cycle ends every sounding
            // note (a few ms; given up after 200 ms if the server does not run a cycle).
            ctx.setFlag(.endNotes, true)
            for _ in 0..<200 where !ctx.flag(.notesEnded) && !ctx.flag(.shutdown) { usleep(1000) }
            jack_deactivate(client)
            jack_client_close(client)
        }
    }

    deinit {
        close()
        // The context stays allocated if the server vanished: a late JACK thread may still hold it.
        if !ctx.flag(.shutdown) {
            ctx.pointee.midi.deallocate()
            ctx.pointee.shared.deallocate()
            ctx.pointee.flags.deallocate()
            ctx.pointee.shutdownReason.deallocate()
            ctx.deallocate()
        }
    }
}
