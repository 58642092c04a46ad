import CALSA

/// The interleaved sample formats the ALSA backend accepts, in order of preference.
public enum ALSASampleFormat: Sendable, CustomStringConvertible {
    case float32, s32, s16

    static let preference: [ALSASampleFormat] = [.float32, .s32, .s16]

    var alsa: snd_pcm_format_t {
        switch self {
        case .float32: return SND_PCM_FORMAT_FLOAT_LE
        case .s32: return SND_PCM_FORMAT_S32_LE
        case .s16: return SND_PCM_FORMAT_S16_LE
        }
    }

    public var bytesPerSample: Int {
        switch self {
        case .float32, .s32: return 4
        case .s16: return 2
        }
    }

    public var description: String {
        switch self {
        case .float32: return "FLOAT_LE"
        case .s32: return "S32_LE"
        case .s16: return "S16_LE"
        }
    }
}

/// Interleaved device samples ↔ the engine's mono float. Plain loops over preallocated memory.
enum ALSAConvert {
    /// Averages all channels of `frames` interleaved frames into `mono`.
    @_noLocks @_noAllocation
    static func toMono(_ raw: UnsafeRawPointer, format: ALSASampleFormat, channels: Int, frames: Int,
                       into mono: UnsafeMutablePointer<Float>) {
        let gain = 1 / Float(channels)
        switch format {
        case .float32:
            let p = raw.assumingMemoryBound(to: Float.self)
            for f in 0..<frames {
                var sum: Float = 0
                for c in 0..<channels { sum += p[f * channels + c] }
                mono[f] = sum * gain
            }
        case .s32:
            let p = raw.assumingMemoryBound(to: Int32.self)
            let scale = gain / 2_147_483_648
            for f in 0..<frames {
                var sum: Float = 0
                for c in 0..<channels { sum += Float(p[f * channels + c]) }
                mono[f] = sum * scale
            }
        case .s16:
            let p = raw.assumingMemoryBound(to: Int16.self)
            let scale = gain / 32768
            for f in 0..<frames {
                var sum: Float = 0
                for c in 0..<channels { sum += Float(p[f * channels + c]) }
                mono[f] = sum * scale
            }
        }
    }

    /// Copies `mono` to every channel of `frames` interleaved frames, clipping for integer formats.
    @_noLocks @_noAllocation
    static func fromMono(_ mono: UnsafePointer<Float>, format: ALSASampleFormat, channels: Int, frames: Int,
                         into raw: UnsafeMutableRawPointer) {
        switch format {
        case .float32:
            let p = raw.assumingMemoryBound(to: Float.self)
            for f in 0..<frames {
                let x = mono[f]
                for c in 0..<channels { p[f * channels + c] = x }
            }
        case .s32:
            let p = raw.assumingMemoryBound(to: Int32.self)
            for f in 0..<frames {
                // 2^31 - 128 is the largest float below 2^31, so the conversion cannot trap.
                let x = Int32(clip(mono[f]) * 2_147_483_520)
                for c in 0..<channels { p[f * channels + c] = x }
            }
        case .s16:
            let p = raw.assumingMemoryBound(to: Int16.self)
            for f in 0..<frames {
                let x = Int16(clip(mono[f]) * 32767)
                for c in 0..<channels { p[f * channels + c] = x }
            }
        }
    }

    /// Clips to [-1, 1]; NaN becomes 0 (the engine never emits it, but a trap here would be worse).
    @inline(__always)
    static func clip(_ x: Float) -> Float {
        x >= -1 ? (x <= 1 ? x : 1) : (x < -1 ? -1 : 0)
    }
}
