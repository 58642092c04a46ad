import Foundation
import WhittleNN
import Testing

/// All live tests share the two cores and start their own JACK servers: run them one at a time.
@Suite(.serialized)
struct LiveTests {}

enum Live {
    /// The package root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `whittle` binary under test: $WHITTLE_BIN, else the one built next to this test bundle
    /// (`swift test` builds it in the same configuration; its real-time modules are -O everywhere).
    static func whittle() throws -> String {
        if let path = ProcessInfo.processInfo.environment["WHITTLE_BIN"] { return path }
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let candidate = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("whittle").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw LiveError("whittle binary not found at \(candidate); build it or set WHITTLE_BIN")
        }
        return candidate
    }

    /// A fresh scratch directory for one test.
    static func scratch(_ name: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("whittle-live-\(getpid())-\(name)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// fluidsynth and TimGM6mb are installed (scripts/setup), so a test can render its own data.
    static let canRenderTimGM = FileManager.default.isExecutableFile(atPath: "/usr/bin/fluidsynth")
        && FileManager.default.fileExists(atPath: "/usr/share/sounds/sf2/TimGM6mb.sf2")

    /// `whittle data` with TimGM6mb into DIR/data: `items` items of `seconds` s from `seed`; returns the directory.
    static func renderTimGM(_ whittle: String, in dir: URL, items: Int = 1, seed: Int, seconds: Int, options: [String] = []) throws -> String {
        let data = dir.appendingPathComponent("data").path
        let render = try run(whittle, ["data", "--out", data, "--items", "\(items)", "--seed", "\(seed)", "--soundfont", "timgm",
                                       "--seconds", "\(seconds)"] + options, timeout: 300)
        try #require(render.status == 0, "\(render.stderr)")
        return data
    }

    /// Compiles one of the in-repo C helpers with the system compiler.
    static func compileC(_ source: String, output: URL, flags: [String]) throws {
        let result = try run("/usr/bin/cc", ["-O2", "-Wall", "-o", output.path, root.appendingPathComponent(source).path] + flags,
                             timeout: 60)
        guard result.status == 0 else { throw LiveError("cc \(source) failed:\n\(result.stderr)") }
    }
}

struct LiveError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A child process with stdout and stderr in files (no pipe can fill up and stall it).
final class Child {
    let process = Process()
    let out: URL
    let err: URL

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in dir: URL, tag: String) throws {
        out = dir.appendingPathComponent("\(tag).out")
        err = dir.appendingPathComponent("\(tag).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var stdout: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

    /// Waits until stderr or stdout contains `text`; false on timeout or early exit.
    func waitFor(_ text: String, timeout: Double) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if stderr.contains(text) || stdout.contains(text) { return true }
            if !process.isRunning { return stderr.contains(text) || stdout.contains(text) }
            usleep(20_000)
        }
        return false
    }

    /// Waits for exit; kills the process (SIGKILL) and returns nil on timeout.
    @discardableResult
    func wait(timeout: Double) -> Int32? {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < end { usleep(10_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    func signal(_ sig: Int32) { if process.isRunning { kill(pid, sig) } }

    /// Ends the process if it is still running (SIGTERM, then SIGKILL).
    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        if wait(timeout: 5) == nil { kill(pid, SIGKILL) }
    }
}

struct RunResult {
    var status: Int32?
    var stdout: String
    var stderr: String
    var seconds: Double
}

extension Live {
    /// Runs a command to completion (killed after `timeout` seconds: status nil).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    timeout: Double, in dir: URL? = nil) throws -> RunResult {
        let dir = try dir ?? scratch("cmd")
        let start = Date()
        let child = try Child(executable, arguments, environment: environment, in: dir, tag: "cmd-\(UInt32.random(in: 0...UInt32.max))")
        let status = child.wait(timeout: timeout)
        return RunResult(status: status, stdout: child.stdout, stderr: child.stderr, seconds: Date().timeIntervalSince(start))
    }
}

/// A named JACK dummy server for one test; stopped by `stop()` (call it in a defer).
final class DummyJACK {
    let name: String
    let child: Child

    init(period: Int, rate: Int = 48000, in dir: URL) throws {
        // Not fatal: jackd may start anyway; if it does not, the reason goes with its own error.
        let reclaim = (try? DummyJACK.reclaimDeadServers(in: dir)) ?? "jack-reclaim did not run"
        // Short on purpose: Debian's jack_lsp (jackd2 1.9.21) corrupts its heap and aborts when the
        // server name has 24 characters or more.
        name = "wt\(getpid() % 100_000)-\(UInt16.random(in: 0...9999))"
        child = try Child("/usr/bin/jackd", ["-n", name, "-d", "dummy", "-r", "\(rate)", "-p", "\(period)"],
                          environment: ["JACK_NO_AUDIO_RESERVATION": "1"], in: dir, tag: "jackd")
        // `jack_wait -c` exits 0 either way: the word "running" is the answer.
        let end = Date().addingTimeInterval(10)
        while Date() < end {
            let check = try Live.run("/usr/bin/jack_wait", ["-s", name, "-c"], timeout: 5, in: dir)
            if check.stdout.contains("running") && !check.stdout.contains("not running") { return }
            if !child.process.isRunning { break }
            usleep(100_000)
        }
        child.stop()
        throw LiveError("jackd \(name) did not start:\n\(child.stderr)\n\(reclaim)")
    }

    func stop() { child.stop() }

    /// Frees the registry slots of JACK servers that died without unregistering (see
    /// Tests/jackclient/jack-reclaim.c): jackd2 has 8 slots, and fresh names never reuse dead ones.
    /// Returns what it printed (and its exit status when not 0).
    @discardableResult
    static func reclaimDeadServers(in dir: URL) throws -> String {
        let tool = dir.appendingPathComponent("jack-reclaim")
        try Live.compileC("Tests/jackclient/jack-reclaim.c", output: tool, flags: [])
        let result = try Live.run(tool.path, [], timeout: 10, in: dir)
        let status = result.status.map { $0 == 0 ? "" : "jack-reclaim exit \($0)\n" } ?? "jack-reclaim timed out\n"
        return status + result.stdout + result.stderr
    }
}

/// Figures parsed from `whittle run`'s summary.
struct RunSummaryFigures {
    var text: String
    func int(after label: String) -> Int? {
        guard let range = text.range(of: label) else { return nil }
        let digits = text[range.upperBound...].drop(while: { $0 == " " }).prefix(while: { $0.isNumber })
        return Int(digits)
    }
    var blocks: Int? { int(after: "blocks ") }
    var frames: Int? { int(after: "  frames ") }
    var xruns: Int? { int(after: "xruns ") }
    var events: Int? { int(after: "events ") }
    var latency: Int? { int(after: "latency ") }
    var anchorJack: Int? { int(after: "anchor jack ") }
    var anchorEngine: Int? { int(after: "= engine ") }
    var skipped: Int? { int(after: "skipped cycles ") }
    /// The anchor log: (JACK frame, engine frame) pairs, oldest first.
    var anchors: [(jack: Int, engine: Int)] {
        guard let range = text.range(of: "jack anchors (jack=engine): ") else { return [] }
        let line = text[range.upperBound...].prefix(while: { $0 != "\n" })
        return line.split(separator: " ").compactMap { pair in
            let parts = pair.split(separator: "=")
            guard parts.count == 2, let j = Int(parts[0]), let e = Int(parts[1]) else { return nil }
            return (j, e)
        }
    }
    /// The map between JACK and engine frames in force over JACK frames start..<end: the latest
    /// anchor at or before `start`, or nil if the engine skipped a cycle inside the span (a skip
    /// after it, such as the clock jump when freewheel ends, does not matter).
    func anchor(over start: Int, _ end: Int) -> (jack: Int, engine: Int)? {
        let log = anchors
        guard let last = log.last(where: { $0.jack <= start }) else { return nil }
        // A full log lost the anchors between its last two entries: trust it only if the
        // latest anchor precedes the span.
        if (skipped ?? 0) + 1 > log.count && last.jack != log.last?.jack { return nil }
        if log.contains(where: { $0.jack > start && $0.jack < end }) { return nil }
        return last
    }
    var recoveries: Int? { int(after: "recoveries ") }
    var alsaFrames: Int? { int(after: "alsa: frames ") }
}

extension Live {
    /// Writes a model file with the project's own safetensors writer (`metadata["graph"]` is the graph JSON).
    static func writeModel(path: String, metadata: [String: String], tensors: [(String, [Int], [Float])]) throws {
        var meta = metadata
        let graph = try ModelGraph.parse(json: meta.removeValue(forKey: "graph") ?? "")
        try ModelFile(graph: graph, tensors: Dictionary(uniqueKeysWithValues: tensors.map { ($0.0, TensorData(shape: $0.1, values: $0.2)) }),
                      metadata: meta).write(path: path)
    }

    /// Output bins of a bump at 440 Hz on the CREPE axis (20-cent bins, bin 0 at 1997.38 cents above 10 Hz).
    static func bump440() -> [Float] {
        let centre = (1200 * log2(440.0 / 10) - 1997.3794) / 20
        return (0..<360).map { Float(exp(-pow(Double($0) - centre, 2) / 2)) }
    }

    /// A pitch "detector" whose output is always a bump at 440 Hz, confidence 0.98 (voiced).
    static func constantPitchModel(path: String) throws {
        let graph = #"{"inputs":[{"name":"frame","shape":[256,1]}],"outputs":["pitch"],"nodes":[{"name":"flat","op":"flatten","inputs":["frame"]},{"name":"pitch","op":"dense","inputs":["flat"],"units":360,"activation":"sigmoid"}]}"#
        try writeModel(path: path, metadata: ["graph": graph, "task": "pitch", "sample_rate": "16000", "hop": "160",
                                              "features": #"{"type":"frames","size":256}"#],
                       tensors: [("pitch.weight", [360, 256], [Float](repeating: 0, count: 360 * 256)),
                                 ("pitch.bias", [360], bump440().map { 8 * $0 - 4 })])
    }

    /// A pitch "detector" that hears whether there is sound: the bump at 440 Hz scaled by the mean
    /// |x| of its (normalised) 256-sample frame. Silence (an all-zero frame) is unvoiced (confidence
    /// 0.02), a sine voiced (about 0.98): dense 256→512 relu with weights [I; −I] gives |x|, then
    /// dense 512→360 sigmoid with weights 8·bump/230 and bias −4.
    static func soundPitchModel(path: String) throws {
        let graph = #"{"inputs":[{"name":"frame","shape":[256,1]}],"outputs":["pitch"],"nodes":[{"name":"flat","op":"flatten","inputs":["frame"]},{"name":"abs","op":"dense","inputs":["flat"],"units":512,"activation":"relu"},{"name":"pitch","op":"dense","inputs":["abs"],"units":360,"activation":"sigmoid"}]}"#
        var w1 = [Float](repeating: 0, count: 512 * 256)
        for j in 0..<256 { w1[j * 256 + j] = 1; w1[(256 + j) * 256 + j] = -1 }
        let bump = bump440()
        var w2 = [Float](repeating: 0, count: 360 * 512)
        for i in 0..<360 { for k in 0..<512 { w2[i * 512 + k] = 8 * bump[i] / 230 } }
        try writeModel(path: path, metadata: ["graph": graph, "task": "pitch", "sample_rate": "16000", "hop": "160",
                                              "features": #"{"type":"frames","size":256}"#],
                       tensors: [("abs.weight", [512, 256], w1), ("abs.bias", [512], [Float](repeating: 0, count: 512)),
                                 ("pitch.weight", [360, 512], w2), ("pitch.bias", [360], [Float](repeating: -4, count: 360))])
    }
}
