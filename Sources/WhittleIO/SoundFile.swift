import CSndFile
import Foundation

/// Errors from sound-file I/O, each naming the file.
public enum SoundFileError: Error, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "cannot open '\(p)': \(r)"
        case .readFailed(let p, let r): return "cannot read '\(p)': \(r)"
        case .writeFailed(let p, let r): return "cannot write '\(p)': \(r)"
        }
    }
}

/// Any libsndfile-readable file, read block by block as mono float (channels averaged).
public final class SoundFileReader {
    public let path: String
    public let sampleRate: Int
    public let channels: Int
    public let frames: Int
    private let handle: OpaquePointer
    private var interleaved: [Float] = []

    public init(path: String) throws(SoundFileError) {
        self.path = path
        var info = SF_INFO()
        guard let h = sf_open(path, Int32(SFM_READ), &info) else {
            let reason = String(cString: sf_strerror(nil))
            if !FileManager.default.fileExists(atPath: path) {
                throw .cannotOpen(path: path, reason: "no such file")
            }
            throw .cannotOpen(path: path, reason: reason)
        }
        handle = h
        sampleRate = Int(info.samplerate)
        channels = Int(info.channels)
        frames = Int(info.frames)
    }

    deinit { sf_close(handle) }

    /// Reads up to `count` frames as mono into `buffer`; returns frames read (0 at the end).
    public func read(into buffer: UnsafeMutablePointer<Float>, count: Int) throws(SoundFileError) -> Int {
        if interleaved.count < count * channels { interleaved = [Float](repeating: 0, count: count * channels) }
        let got = interleaved.withUnsafeMutableBufferPointer { sf_readf_float(handle, $0.baseAddress, sf_count_t(count)) }
        if got < 0 { throw .readFailed(path: path, reason: String(cString: sf_strerror(handle))) }
        let n = Int(got)
        let scale = 1 / Float(channels)
        for f in 0..<n {
            var sum: Float = 0
            for c in 0..<channels { sum += interleaved[f * channels + c] }
            buffer[f] = sum * scale
        }
        return n
    }
}

/// Writes mono float frames; the format follows the file extension (WAV 32-bit float by default).
public final class SoundFileWriter {
    public let path: String
    private let handle: OpaquePointer

    public init(path: String, sampleRate: Int) throws(SoundFileError) {
        self.path = path
        var info = SF_INFO()
        info.samplerate = Int32(sampleRate)
        info.channels = 1
        let ext = (path as NSString).pathExtension.lowercased()
        switch ext {
        case "flac": info.format = Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_24)
        case "ogg": info.format = Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
        case "aif", "aiff": info.format = Int32(SF_FORMAT_AIFF | SF_FORMAT_FLOAT)
        default: info.format = Int32(SF_FORMAT_WAV | SF_FORMAT_FLOAT)
        }
        guard let h = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw .cannotOpen(path: path, reason: String(cString: sf_strerror(nil)))
        }
        handle = h
    }

    deinit { sf_close(handle) }

    public func write(_ buffer: UnsafePointer<Float>, count: Int) throws(SoundFileError) {
        let n = sf_writef_float(handle, buffer, sf_count_t(count))
        if n != count { throw .writeFailed(path: path, reason: String(cString: sf_strerror(handle))) }
    }
}
