import CALSA
import Glibc

public enum ALSAError: Error, CustomStringConvertible {
    /// The device name does not resolve to a PCM (bad usage: exit 2).
    case noSuchDevice(String, String)
    /// The device exists but could not be opened or configured, or failed while running.
    case failed(String)

    public var description: String {
        switch self {
        case .noSuchDevice(let name, let why): return "ALSA device '\(name)' not found (\(why))"
        case .failed(let why): return why
        }
    }
}

func alsaMessage(_ code: Int32) -> String { String(cString: snd_strerror(code)) }

/// One opened and configured PCM stream (interleaved, blocking).
final class ALSAPCM {
    let handle: OpaquePointer
    let stream: snd_pcm_stream_t
    let format: ALSASampleFormat
    let channels: Int
    let rate: Int
    let periodSize: Int
    let bufferSize: Int

    var frameBytes: Int { channels * format.bytesPerSample }

    /// Opens `device` for `stream`; throws noSuchDevice when the name does not resolve.
    init(device: String, stream: snd_pcm_stream_t, rate wantedRate: Int, period wantedPeriod: Int, periods wantedPeriods: Int) throws {
        var pcm: OpaquePointer?
        let code = snd_pcm_open(&pcm, device, stream, 0)
        guard code == 0, let pcm else {
            if code == -ENOENT || code == -ENODEV || code == -ENXIO || code == -EINVAL {
                throw ALSAError.noSuchDevice(device, alsaMessage(code))
            }
            throw ALSAError.failed("cannot open ALSA device '\(device)': \(alsaMessage(code))")
        }
        handle = pcm
        self.stream = stream
        let direction = stream == SND_PCM_STREAM_CAPTURE ? "capture" : "playback"
        func check(_ code: Int32, _ what: String) throws {
            if code < 0 {
                snd_pcm_close(pcm)
                throw ALSAError.failed("ALSA device '\(device)' (\(direction)): cannot set \(what): \(alsaMessage(code))")
            }
        }

        // Hardware parameters. The *_alloca macros are not imported: use *_malloc during setup.
        var hwp: OpaquePointer?
        snd_pcm_hw_params_malloc(&hwp)
        defer { snd_pcm_hw_params_free(hwp) }
        try check(snd_pcm_hw_params_any(pcm, hwp), "any parameters")
        try check(snd_pcm_hw_params_set_access(pcm, hwp, SND_PCM_ACCESS_RW_INTERLEAVED), "interleaved access")
        guard let chosen = ALSASampleFormat.preference.first(where: { snd_pcm_hw_params_test_format(pcm, hwp, $0.alsa) == 0 }) else {
            try check(-EINVAL, "a sample format (none of FLOAT_LE, S32_LE, S16_LE)")
            fatalError("unreachable")
        }
        format = chosen
        try check(snd_pcm_hw_params_set_format(pcm, hwp, chosen.alsa), "format \(chosen)")
        var ch: UInt32 = 1
        try check(snd_pcm_hw_params_set_channels_near(pcm, hwp, &ch), "channels")
        var r = UInt32(wantedRate)
        try check(snd_pcm_hw_params_set_rate_near(pcm, hwp, &r, nil), "rate \(wantedRate)")
        var period = snd_pcm_uframes_t(wantedPeriod)
        try check(snd_pcm_hw_params_set_period_size_near(pcm, hwp, &period, nil), "period size \(wantedPeriod)")
        var periods = UInt32(wantedPeriods)
        try check(snd_pcm_hw_params_set_periods_near(pcm, hwp, &periods, nil), "periods \(wantedPeriods)")
        try check(snd_pcm_hw_params(pcm, hwp), "hardware parameters")
        var buffer = snd_pcm_uframes_t(0)
        snd_pcm_hw_params_get_period_size(hwp, &period, nil)
        snd_pcm_hw_params_get_buffer_size(hwp, &buffer)
        channels = Int(ch)
        rate = Int(r)
        periodSize = Int(period)
        bufferSize = Int(buffer)

        // Software parameters: playback starts by itself once the prefilled buffer is full;
        // capture is started explicitly.
        var swp: OpaquePointer?
        snd_pcm_sw_params_malloc(&swp)
        defer { snd_pcm_sw_params_free(swp) }
        try check(snd_pcm_sw_params_current(pcm, swp), "software parameters")
        try check(snd_pcm_sw_params_set_avail_min(pcm, swp, period), "avail_min")
        let threshold = stream == SND_PCM_STREAM_PLAYBACK ? buffer : snd_pcm_uframes_t(Int.max >> 1)
        try check(snd_pcm_sw_params_set_start_threshold(pcm, swp, threshold), "start threshold")
        try check(snd_pcm_sw_params(pcm, swp), "software parameters")
    }

    deinit { snd_pcm_close(handle) }
}
