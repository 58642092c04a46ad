import CALSA
import CRealtime
import Glibc
import WhittleEngine

public struct ALSAReport: Sendable {
    public var device: String
    public var mode: String
    public var format: String
    public var channels: Int
    public var sampleRate: Int
    public var periodSize: Int
    public var periods: Int
    public var frames: UInt64
    public var recoveries: UInt64
    /// Recoveries triggered by the stall detector rather than by an ALSA error.
    public var stalls: UInt64
    public var realtimePriority: String?
}

/// Runs an Engine on an ALSA PCM: capture → mono → render → every playback channel, one period
/// at a time on its own thread (SCHED_FIFO when permitted). Playback-only when the device has
/// no capture side, with silence as input.
public final class ALSAHost {
    public struct Options: Sendable {
        public var device: String
        public var rate = 48000
        public var period = 256
        public var periods = 3
        public var realtimePriority: Int32 = 70
        public init(device: String) { self.device = device }
    }

    public let engine: Engine
    public let options: Options
    let playback: ALSAPCM
    let capture: ALSAPCM?
    /// Why capture is absent, if it is.
    public let captureNote: String?
    let loop: UnsafeMutablePointer<ALSALoop>
    private var thread: pthread_t?

    public init(engine: Engine, options: Options) throws {
        self.engine = engine
        self.options = options
        whittle_alsa_quiet()
        playback = try ALSAPCM(device: options.device, stream: SND_PCM_STREAM_PLAYBACK, rate: options.rate,
                               period: options.period, periods: options.periods)
        var capture: ALSAPCM?
        var note: String?
        do {
            capture = try ALSAPCM(device: options.device, stream: SND_PCM_STREAM_CAPTURE, rate: playback.rate,
                                  period: playback.periodSize, periods: options.periods)
        } catch {
            note = "\(error)"
        }
        if let c = capture, c.rate != playback.rate {
            note = "capture rate \(c.rate) Hz differs from playback rate \(playback.rate) Hz"
            capture = nil
        }
        self.capture = capture
        captureNote = note

        let period = playback.periodSize
        do {
            try engine.prepare(sampleRate: Double(playback.rate), maxBlock: max(4096, period), blockSize: period)
        } catch {
            throw ALSAError.failed("cannot prepare engine: \(error)")
        }
        whittle_rt_hooks_resolve()
        loop = .allocate(capacity: 1)
        loop.initialize(to: ALSALoop(rt: engine.realtime, playback: playback, capture: capture, period: period))
        loop.pointee.realtimePriority = options.realtimePriority
    }

    public var sampleRate: Int { playback.rate }
    public var mode: String { capture == nil ? "playback only" : "capture+playback" }

    public func start() throws {
        var tid = pthread_t()
        let code = pthread_create(&tid, nil, { arg in
            arg!.assumingMemoryBound(to: ALSALoop.self).pointee.run()
            return nil
        }, UnsafeMutableRawPointer(loop))
        guard code == 0 else { throw ALSAError.failed("cannot start the ALSA thread: \(String(cString: strerror(code)))") }
        thread = tid
    }

    /// Control-thread check: the loop's fatal error, if it stopped by itself.
    public func poll() -> String? {
        loop.pointee.load(.failed) != 0 ? (loop.pointee.failure ?? "ALSA loop failed") : nil
    }

    public func stop() {
        guard let thread else { return }
        loop.pointee.store(.stop, 1)
        pthread_join(thread, nil)
        self.thread = nil
    }

    public var report: ALSAReport {
        let prio = loop.pointee.load(.priority)
        return ALSAReport(
            device: options.device, mode: mode, format: playback.format.description, channels: playback.channels,
            sampleRate: playback.rate, periodSize: playback.periodSize, periods: playback.bufferSize / max(1, playback.periodSize),
            frames: loop.pointee.load(.frames), recoveries: loop.pointee.load(.recoveries), stalls: loop.pointee.load(.late),
            realtimePriority: prio > 0 ? "SCHED_FIFO \(prio)" : nil)
    }

    deinit {
        stop()
        loop.pointee.deallocate()
        loop.deinitialize(count: 1)
        loop.deallocate()
    }
}
