import Foundation

/// Renders MIDI files to WAV by running `fluidsynth` as a subprocess.
public struct FluidSynthRenderer: Sendable {
    public var executable: String
    public var soundfont: String
    public var sampleRate: Int
    public var gain: Double
    public var reverb: Bool
    public var chorus: Bool

    public init(executable: String, soundfont: String, sampleRate: Int, gain: Double, reverb: Bool, chorus: Bool) {
        self.executable = executable
        self.soundfont = soundfont
        self.sampleRate = sampleRate
        self.gain = gain
        self.reverb = reverb
        self.chorus = chorus
    }

    /// `fluidsynth` from `PATH`, or nil if it is not installed.
    public static func findExecutable(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment["WHITTLE_FLUIDSYNTH"] { return explicit }
        let dirs = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return dirs.map { "\($0)/fluidsynth" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public var arguments: [String] {
        ["-n", "-i", "-q", "-R", reverb ? "1" : "0", "-C", chorus ? "1" : "0",
         "-r", String(sampleRate), "-g", String(gain), "-T", "wav"]
    }

    /// Renders `midi` to `wav`, writing a temporary file first so an interrupted
    /// render never leaves a plausible-looking output behind.
    public func render(midi: URL, to wav: URL) throws {
        let partial = wav.deletingLastPathComponent()
            .appendingPathComponent(".partial-\(UUID().uuidString)-\(wav.lastPathComponent)")
        defer { try? FileManager.default.removeItem(at: partial) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments + ["-F", partial.path, soundfont, midi.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()

        let size = ((try? FileManager.default.attributesOfItem(atPath: partial.path))?[.size] as? NSNumber)?.intValue ?? 0
        guard process.terminationStatus == 0, size > 44 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw DataError.renderFailed(midi.lastPathComponent, status: process.terminationStatus, message: text)
        }
        if FileManager.default.fileExists(atPath: wav.path) { try FileManager.default.removeItem(at: wav) }
        try FileManager.default.moveItem(at: partial, to: wav)
    }
}

public enum DataError: Error, CustomStringConvertible, Sendable {
    case renderFailed(String, status: Int32, message: String)
    case io(String)

    public var description: String {
        switch self {
        case let .renderFailed(name, status, message):
            "fluidsynth failed on \(name) (exit \(status))" + (message.isEmpty ? "" : ": \(message)")
        case let .io(message): message
        }
    }
}
