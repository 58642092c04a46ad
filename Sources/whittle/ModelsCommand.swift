// `whittle models [DIR]`: one line per model file: task, parameters, MACs per second of audio,
// size on disk, rate, hop, provenance.

import ArgumentParser
import Foundation
import WhittleNN
import WhittleProfile

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List model files: task, params, MACs per second, size, rate, hop, provenance.")

    @Argument(help: "A directory (searched recursively for *.safetensors) or a model file.")
    var directory: String = "Models"

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw Failure.exit("\(directory): no such file or directory", code: 2)
        }
        let paths = isDirectory.boolValue ? collect(root: URL(fileURLWithPath: directory)) : [directory]
        guard !paths.isEmpty else { throw Failure.exit("\(directory): no .safetensors model files", code: 2) }
        print(pad("model", 44) + pad("task", 8) + pad("params", 9, right: true) + pad("MACs/s", 11, right: true)
              + pad("size", 10, right: true) + pad("rate", 7, right: true) + pad("hop", 6, right: true) + "  provenance")
        var failures = 0
        for path in paths {
            do {
                let s = try ModelSummary(path: path)
                print(pad(path, 44) + pad(s.task, 8) + pad(String(s.parameters), 9, right: true)
                      + pad(s.macsPerSecond.map(Self.si) ?? "-", 11, right: true) + pad(Self.bytes(s.bytesOnDisk), 10, right: true)
                      + pad(s.sampleRate.map(String.init) ?? "-", 7, right: true) + pad(s.hop.map(String.init) ?? "-", 6, right: true)
                      + "  " + s.provenanceSummary)
            } catch {
                failures += 1
                FileHandle.standardError.write("whittle: \(error)\n".data(using: .utf8)!)
            }
        }
        if failures > 0 { throw ExitCode(2) }
    }

    /// Every *.safetensors below `root`, sorted, as paths under `directory`.
    func collect(root: URL) -> [String] {
        var result: [String] = []
        let walker = FileManager.default.enumerator(atPath: root.path)
        while let relative = walker?.nextObject() as? String {
            if relative.hasSuffix(".safetensors") { result.append((directory as NSString).appendingPathComponent(relative)) }
        }
        return result.sorted()
    }

    static func si(_ v: Double) -> String {
        if v >= 1e9 { return String(format: "%.2f G", v / 1e9) }
        if v >= 1e6 { return String(format: "%.2f M", v / 1e6) }
        if v >= 1e3 { return String(format: "%.1f k", v / 1e3) }
        return String(format: "%.0f", v)
    }

    static func bytes(_ n: Int) -> String {
        n >= 1 << 20 ? String(format: "%.1f MB", Double(n) / 1048576) : (n >= 1024 ? String(format: "%.1f KB", Double(n) / 1024) : "\(n) B")
    }

    func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
