import CSndFile
import Glibc

/// Minimal sound-file reading through libsndfile (offline use: tests, manifests).
public struct WavFile: Sendable {
    public var sampleRate: Int
    public var channels: Int
    public var frameCount: Int
    /// Interleaved samples in [-1, 1]; empty when only the header was read.
    public var samples: [Float]

    public var durationSeconds: Double { Double(frameCount) / Double(sampleRate) }

    /// Sample `frame` of the channel mix (the mean of all channels).
    public func mono(_ frame: Int) -> Float {
        var sum: Float = 0
        for c in 0..<channels { sum += samples[frame * channels + c] }
        return sum / Float(channels)
    }

    public static func read(_ path: String, headerOnly: Bool = false) throws -> WavFile {
        var info = SF_INFO()
        guard let file = sf_open(path, Int32(SFM_READ), &info) else {
            throw DataError.io("cannot read sound file \(path): \(String(cString: sf_strerror(nil)))")
        }
        defer { sf_close(file) }
        var samples: [Float] = []
        if !headerOnly {
            samples = [Float](repeating: 0, count: Int(info.frames) * Int(info.channels))
            let read = samples.withUnsafeMutableBufferPointer { sf_readf_float(file, $0.baseAddress, info.frames) }
            guard read == info.frames else { throw DataError.io("short read from \(path)") }
        }
        return WavFile(sampleRate: Int(info.samplerate), channels: Int(info.channels),
                       frameCount: Int(info.frames), samples: samples)
    }

    /// Writes 16-bit PCM WAV (what fluidsynth writes), through a temporary file so an interrupted
    /// write never leaves a plausible-looking file behind.
    public func write(_ path: String) throws {
        let partial = path + ".partial"
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = Int32(channels)
        info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
        guard let file = sf_open(partial, Int32(SFM_WRITE), &info) else {
            throw DataError.io("cannot write sound file \(path): \(String(cString: sf_strerror(nil)))")
        }
        let written = samples.withUnsafeBufferPointer { sf_writef_float(file, $0.baseAddress, sf_count_t(frameCount)) }
        sf_close(file)
        guard written == frameCount, rename(partial, path) == 0 else {
            unlink(partial)
            throw DataError.io("short write to \(path)")
        }
    }
}
