import Foundation
import WhittleDSP

/// Turns engine events into the formats the MIR ecosystem reads. Non-RT only.
public protocol EventWriter: AnyObject {
    func write(_ event: Event, seconds: Double)
    func finish() throws
}

/// One JSON object per line: {"t":1.234567,"kind":"onset","strength":0.8,...}.
public final class JSONLWriter: EventWriter {
    private let handle: FileHandle
    private let path: String
    private let closeAtEnd: Bool

    /// `path` "-" writes to standard output.
    public init(path: String) throws {
        self.path = path
        if path == "-" {
            handle = FileHandle.standardOutput
            closeAtEnd = false
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let h = FileHandle(forWritingAtPath: path) else {
                throw SoundFileError.cannotOpen(path: path, reason: "cannot create file")
            }
            handle = h
            closeAtEnd = true
        }
    }

    public func write(_ event: Event, seconds: Double) {
        var line = "{\"t\":\(String(format: "%.6f", seconds)),\"frame\":\(event.frame),\"kind\":\"\(Self.kindName(event.kind))\""
        line += ",\"strength\":\(String(format: "%.4f", event.strength))"
        if event.kind == .drum { line += ",\"label\":\(event.label)" }
        if event.kind == .pitch { line += ",\"f0\":\(String(format: "%.3f", event.value)),\"voiced\":\(event.label != 0)" }
        line += "}\n"
        handle.write(line.data(using: .utf8)!)
    }

    public func finish() throws {
        if closeAtEnd { try handle.close() }
    }

    static func kindName(_ kind: Event.Kind) -> String {
        switch kind {
        case .onset: return "onset"
        case .drum: return "drum"
        case .pitch: return "pitch"
        }
    }
}

/// Onsets as one time in seconds per line (mir_eval / Sonic Visualiser layout).
public final class OnsetListWriter: EventWriter {
    private var lines: [String] = []
    private let path: String

    public init(path: String) { self.path = path }

    public func write(_ event: Event, seconds: Double) {
        guard event.kind == .onset else { return }
        lines.append(String(format: "%.6f", seconds))
    }

    public func finish() throws { try writeLines(lines, to: path) }
}

/// Drum hits as `time<TAB>label` lines, labels KD, SD, HH (mir_eval / Sonic Visualiser).
public final class DrumListWriter: EventWriter {
    public static let labels = ["KD", "SD", "HH"]
    private var lines: [String] = []
    private let path: String

    public init(path: String) { self.path = path }

    public func write(_ event: Event, seconds: Double) {
        guard event.kind == .drum, DrumListWriter.labels.indices.contains(Int(event.label)) else { return }
        lines.append(String(format: "%.6f\t%@", seconds, DrumListWriter.labels[Int(event.label)]))
    }

    public func finish() throws { try writeLines(lines, to: path) }
}

/// Pitch as CSV `time,frequency,confidence`, one row per detector frame (CREPE's layout).
public final class PitchCSVWriter: EventWriter {
    private var lines: [String] = ["time,frequency,confidence"]
    private let path: String

    public init(path: String) { self.path = path }

    public func write(_ event: Event, seconds: Double) {
        guard event.kind == .pitch else { return }
        lines.append(String(format: "%.3f,%.3f,%.6f", seconds, event.value, event.strength))
    }

    public func finish() throws { try writeLines(lines, to: path) }
}

func writeLines(_ lines: [String], to path: String) throws {
    let text = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
        throw SoundFileError.writeFailed(path: path, reason: error.localizedDescription)
    }
}
