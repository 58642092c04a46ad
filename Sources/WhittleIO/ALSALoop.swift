import CALSA
import CRealtime
import Glibc
import WhittleEngine

/// The ALSA audio thread's state: raw handles and buffers only (no class references, so no ARC).
struct ALSALoop {
    enum Slot { case stop, failed, frames, recoveries, priority, late }

    let rt: EngineRT
    let playback: OpaquePointer
    let capture: OpaquePointer?
    let playFormat: ALSASampleFormat
    let playChannels: Int
    let capFormat: ALSASampleFormat
    let capChannels: Int
    let period: Int
    let bufferSize: Int
    let playRaw: UnsafeMutableRawPointer
    let capRaw: UnsafeMutableRawPointer
    let monoIn: UnsafeMutablePointer<Float>
    let monoOut: UnsafeMutablePointer<Float>
    let slots: UnsafeMutablePointer<UInt64>
    var realtimePriority: Int32 = 70
    let rate: Double
    // Stall detection: some PCMs (the JACK plugin among them) never report an xrun, they
    // silently pad or drop. We compare frames moved with the clock since the last (re)start.
    let lateThreshold: UInt64
    var anchorNs: UInt64 = 0
    var anchorFrames: Int64 = 0
    var minLagNs: Int64 = .max
    /// Set by the loop before it raises `.failed`.
    var failure: String?

    init(rt: EngineRT, playback: ALSAPCM, capture: ALSAPCM?, period: Int) {
        self.rt = rt
        self.playback = playback.handle
        self.capture = capture?.handle
        playFormat = playback.format
        playChannels = playback.channels
        capFormat = capture?.format ?? .float32
        capChannels = capture?.channels ?? 1
        self.period = period
        bufferSize = playback.bufferSize
        playRaw = .allocate(byteCount: period * playback.frameBytes, alignment: 16)
        playRaw.initializeMemory(as: UInt8.self, repeating: 0, count: period * playback.frameBytes)
        let capBytes = period * (capture?.frameBytes ?? 4)
        capRaw = .allocate(byteCount: capBytes, alignment: 16)
        capRaw.initializeMemory(as: UInt8.self, repeating: 0, count: capBytes)
        monoIn = .allocate(capacity: period)
        monoIn.initialize(repeating: 0, count: period)
        monoOut = .allocate(capacity: period)
        monoOut.initialize(repeating: 0, count: period)
        slots = .allocate(capacity: 6)
        slots.initialize(repeating: 0, count: 6)
        rate = Double(playback.rate)
        let slack = Double(playback.bufferSize + 2 * period) / Double(playback.rate)
        lateThreshold = UInt64(max(slack, 0.010) * 1e9)
    }

    func deallocate() {
        playRaw.deallocate()
        capRaw.deallocate()
        monoIn.deallocate()
        monoOut.deallocate()
        slots.deallocate()
    }

    @inline(__always) func index(_ s: Slot) -> Int {
        switch s {
        case .stop: 0
        case .failed: 1
        case .frames: 2
        case .recoveries: 3
        case .priority: 4
        case .late: 5
        }
    }
    func load(_ s: Slot) -> UInt64 { whittle_load_acquire_u64(slots + index(s)) }
    func store(_ s: Slot, _ v: UInt64) { whittle_store_release_u64(slots + index(s), v) }
    func add(_ s: Slot, _ v: UInt64) { _ = whittle_fetch_add_u64(slots + index(s), v) }

    /// The thread body: prefill, then one period per iteration until asked to stop.
    mutating func run() {
        var param = sched_param()
        param.sched_priority = realtimePriority
        if pthread_setschedparam(pthread_self(), Int32(SCHED_FIFO), &param) == 0 {
            store(.priority, UInt64(realtimePriority))
        }
        _ = whittle_enable_ftz()
        guard restart() else { return }
        while load(.stop) == 0 {
            if let capture {
                let got = readPeriod(capture)
                if got < 0 {
                    guard recover(Int32(got)) else { return }
                    continue
                }
            }
            processPeriod()
            let wrote = writeFrames(playRaw, frames: period)
            if wrote < 0 {
                guard recover(Int32(wrote)) else { return }
                continue
            }
            add(.frames, UInt64(period))
            if fellBehind() {
                rt.noteXrun()
                add(.recoveries, 1)
                add(.late, 1)
                guard restart() else { return }
            }
        }
        snd_pcm_drop(playback)
        if let capture { snd_pcm_drop(capture) }
    }

    /// Conversion and render: the only part that must be real-time clean (the ALSA calls around
    /// it are blocking I/O by nature), checked by the probes through the rt hooks.
    @_noLocks @_noAllocation
    func processPeriod() {
        whittle_rt_enter()
        if capture != nil {
            ALSAConvert.toMono(UnsafeRawPointer(capRaw), format: capFormat, channels: capChannels, frames: period, into: monoIn)
        }
        rt.render(input: UnsafePointer(monoIn), output: monoOut, frames: period)
        ALSAConvert.fromMono(UnsafePointer(monoOut), format: playFormat, channels: playChannels, frames: period, into: playRaw)
        whittle_rt_exit()
    }

    /// Reads one full period; returns frames read or a negative ALSA error.
    func readPeriod(_ pcm: OpaquePointer) -> Int {
        var done = 0
        let frameBytes = capChannels * capFormat.bytesPerSample
        while done < period {
            let n = snd_pcm_readi(pcm, capRaw + done * frameBytes, snd_pcm_uframes_t(period - done))
            if n == -Int(EAGAIN) { continue }
            if n < 0 { return n }
            done += n
        }
        return done
    }

    func writeFrames(_ data: UnsafeMutableRawPointer, frames: Int) -> Int {
        var done = 0
        let frameBytes = playChannels * playFormat.bytesPerSample
        while done < frames {
            let n = snd_pcm_writei(playback, data + done * frameBytes, snd_pcm_uframes_t(frames - done))
            if n == -Int(EAGAIN) { continue }
            if n < 0 { return n }
            done += n
        }
        return done
    }

    /// True when the loop has lost more real time than the buffer can hide (a stall that the
    /// device did not report as an xrun).
    mutating func fellBehind() -> Bool {
        anchorFrames += Int64(period)
        let elapsed = Int64(whittle_now_ns() &- anchorNs)
        let lag = elapsed - Int64(Double(anchorFrames) * 1e9 / rate)
        minLagNs = min(minLagNs, lag)
        return lag - minLagNs > Int64(lateThreshold)
    }

    /// An xrun (or suspend) on either side: count it, recover the failing stream, and restart
    /// both from a fresh prefill so the input→output distance stays what it was at start.
    mutating func recover(_ code: Int32) -> Bool {
        if code == -EPIPE || code == -ESTRPIPE || code == -EINTR {
            // Let ALSA do its part (resume after suspend, prepare after xrun) on both streams.
            _ = snd_pcm_recover(playback, code, 1)
            if let capture { _ = snd_pcm_recover(capture, code, 1) }
            rt.noteXrun()
            add(.recoveries, 1)
            return restart()
        }
        fail("ALSA I/O error: \(alsaMessage(code))")
        return false
    }

    /// (Re)starts both streams: playback primed with a buffer of silence, capture started.
    mutating func restart() -> Bool {
        snd_pcm_drop(playback)
        var code = snd_pcm_prepare(playback)
        if code < 0 { fail("cannot prepare ALSA playback: \(alsaMessage(code))"); return false }
        if let capture {
            snd_pcm_drop(capture)
            code = snd_pcm_prepare(capture)
            if code < 0 { fail("cannot prepare ALSA capture: \(alsaMessage(code))"); return false }
        }
        playRaw.initializeMemory(as: UInt8.self, repeating: 0, count: period * playChannels * playFormat.bytesPerSample)
        var primed = 0
        while primed + period <= bufferSize {
            let n = writeFrames(playRaw, frames: period)
            if n < 0 { fail("cannot prime ALSA playback: \(alsaMessage(Int32(n)))"); return false }
            primed += period
        }
        if let capture {
            code = snd_pcm_start(capture)
            if code < 0 { fail("cannot start ALSA capture: \(alsaMessage(code))"); return false }
        }
        anchorNs = whittle_now_ns()
        anchorFrames = 0
        minLagNs = .max
        return true
    }

    mutating func fail(_ message: String) {
        failure = message
        store(.failed, 1)
    }
}
