import ArgumentParser
import Glibc
import WhittleEngine
import WhittleIO

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the engine live on JACK or ALSA until stopped (SIGINT/SIGTERM) or --duration.",
        discussion: """
        JACK: registers whittle:in_1, whittle:out_1 and whittle:midi_out and connects nothing unless \
        asked (--connect-in/--connect-out/--connect-midi). The server must already run (it is never started).
        ALSA: opens --device for capture and playback (playback only if it has no capture).
        """
    )

    enum Backend: String, ExpressibleByArgument, CaseIterable { case jack, alsa }

    @Option(help: "Audio backend: jack or alsa.") var backend: Backend = .jack
    @Option(help: "Processing chain, e.g. \"flux,click\".") var chain = "flux,click"
    @Option(help: "Stop after this many seconds (default: run until SIGINT/SIGTERM).") var duration: Double?
    @Option(help: "Write events as JSONL to FILE ('-' for stdout).") var events: String?
    @Option(help: ArgumentHelp("Send events as OSC 1.0 over UDP to HOST:PORT: /whittle/onset ,f strength; /whittle/drum ,sf label strength; /whittle/pitch ,ff f0 confidence.", valueName: "host:port"))
    var osc: String?

    @Flag(help: "Run each model's network one block after its front end (hops ≥ 2 blocks apart only): a lower worst block for one more block of latency.")
    var splitFrames = false

    @Flag(help: "Let several models compute their frames in the same block (by default a block computes one model frame and the others wait up to (models − 1) blocks, counted in the latency).")
    var noFrameQueue = false

    @Option(help: "JACK server name (default server if omitted).") var server: String?
    @Option(name: .customLong("connect-in"), help: "JACK port to connect to whittle:in_1 (repeatable).")
    var connectIn: [String] = []
    @Option(name: .customLong("connect-out"), help: "JACK port to connect whittle:out_1 to (repeatable).")
    var connectOut: [String] = []
    @Option(name: .customLong("connect-midi"), help: "JACK MIDI port to connect whittle:midi_out to (repeatable).")
    var connectMIDI: [String] = []
    @Option(name: .customLong("midi-note"), help: "MIDI note for onset events (0-127).") var midiNote = 60
    @Option(name: .customLong("pitch-channel"), help: "MIDI channel (1-16) of the pitch voice: a note at the nearest semitone while voiced, pitch bend following f0 (onsets and drums use channel 1).")
    var pitchChannel = 2
    @Option(name: .customLong("bend-range"), help: "Pitch-bend range of the receiving synth in semitones (0.5-24); a new pitch note starts when f0 moves more than 0.75 semitone (at most this range) from the held one.")
    var bendRange: Double = 2

    @Option(help: "ALSA PCM device name (ALSA backend).") var device: String?
    @Option(help: "ALSA period size in frames.") var period = 256
    @Option(help: "ALSA periods per buffer.") var periods = 3
    @Option(help: "ALSA sample rate in Hz.") var rate = 48000

    func validate() throws {
        func bad(_ message: String) throws -> Never {
            liveError(message)
            throw ExitCode(2)
        }
        if let duration, !(duration > 0) { try bad("--duration must be > 0") }
        if !(0...127).contains(midiNote) { try bad("--midi-note must be in 0...127") }
        if let osc {
            do { _ = try OSCWriter.parse(osc) } catch { try bad(error.description) }
        }
        if !(1...16).contains(pitchChannel) { try bad("--pitch-channel must be in 1...16") }
        if !(bendRange >= 0.5 && bendRange <= 24) { try bad("--bend-range must be in 0.5...24 semitones") }
        if period <= 0 { try bad("--period must be > 0") }
        if periods < 2 { try bad("--periods must be >= 2") }
        if rate <= 0 { try bad("--rate must be > 0") }
        if backend == .alsa && device == nil { try bad("--backend alsa needs --device NAME (see 'whittle devices')") }
    }

    func run() throws {
        RunSignals.blockTermination()
        let engine: Engine
        do {
            engine = Engine(chain: try ChainSpec.parse(chain), splitFrames: splitFrames, frameQueue: !noFrameQueue)
        } catch {
            liveError("bad --chain '\(chain)': \(error)")
            throw ExitCode(2)
        }
        let writers = try eventWriters()
        switch backend {
        case .jack: try runJACK(engine: engine, writers: writers)
        case .alsa: try runALSA(engine: engine, writers: writers)
        }
    }

    /// The event writers --events and --osc ask for (an unusable destination is bad input: exit 2).
    func eventWriters() throws -> [EventWriter] {
        var writers: [EventWriter] = []
        if let events {
            do { writers.append(try JSONLWriter(path: events)) } catch {
                liveError("cannot write events to '\(events)': \(error)")
                throw ExitCode(2)
            }
        }
        if let osc {
            do { writers.append(try OSCWriter(destination: osc)) } catch {
                liveError(error.description)
                throw ExitCode(2)
            }
        }
        return writers
    }

    /// Starts the event writer thread (JSONL, OSC) if any writer was asked for, after the engine is prepared.
    func startEventPump(engine: Engine, writers: [EventWriter]) -> EventPump? {
        guard !writers.isEmpty else { return nil }
        let pump = EventPump(engine: engine, writers: writers)
        pump.start()
        return pump
    }

    func stopEventPump(_ pump: EventPump?, writers: [EventWriter]) {
        do { try pump?.stop() } catch { liveError("event output failed: \(error)") }
        for case let osc as OSCWriter in writers where osc.failed > 0 {
            liveError("OSC: \(osc.failed) of \(osc.sent + osc.failed) messages could not be sent")
        }
    }

    /// Control loop shared by the backends: returns why it stopped.
    func waitForStop(poll: () -> String?) -> String? {
        let start = whittleNow()
        while true {
            if let failure = poll() { return failure }
            var tick = 0.1
            if let duration {
                let left = duration - (whittleNow() - start)
                if left <= 0 { return nil }
                tick = min(tick, left)
            }
            if RunSignals.wait(seconds: tick) != nil { return nil }
        }
    }
}

func whittleNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
