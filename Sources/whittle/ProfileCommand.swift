// `whittle profile`: block-time distributions through the real render path, device profiles
// (fitted cost model + raw data), and predictions from a profile. See WhittleProfile.

import ArgumentParser
import Foundation
import WhittleEngine
import WhittleNN
import WhittleProfile

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Measure render times of models or chains per block size; write or use a device profile.",
        discussion: """
        Measure:  whittle profile --model M... | --chain SPEC... [--block 64,128,256] [--rate 48000] [--seconds 5] [--out P.json]
        Predict:  whittle profile --predict M... --profile P.json [--block ...] [--no-measure]
        Each measurement runs EngineRT.render on a thread pinned to one core (SCHED_FIFO when permitted), one block per
        block period, in a child process under the LD_PRELOAD allocation probe (Tests/rtprobe/rtprobe.c, compiled with cc).
        With --out, single-layer microbenchmarks and null detectors through the engine calibrate the cost model.
        """)

    @Option(name: .customLong("model"), help: "A model file to measure (repeatable).")
    var models: [String] = []
    @Option(name: .customLong("chain"), help: "A chain spec to measure, e.g. \"flux,click\" (repeatable).")
    var chains: [String] = []
    @Option(help: "Host block sizes, comma-separated.")
    var block: String = "64,128,256"
    @Option(help: "Host sample rate (Hz).")
    var rate: Int = 48000
    @Option(help: "Seconds of audio per measurement.")
    var seconds: Double = 5
    @Option(help: "Write a device profile (JSON) fitted on this machine.")
    var out: String?
    @Option(name: .customLong("predict"), help: "Predict a model's block times from --profile (repeatable).")
    var predictions: [String] = []
    @Option(help: "Device profile to predict with.")
    var profile: String?
    @Flag(help: "With --predict: do not also measure the model here.")
    var noMeasure = false
    @Option(help: "Measure everything this many times, round by round, and keep the median (profiles: the run with the median p50; --predict: median p50 and p99.9).")
    var `repeat`: Int = 1
    @Flag(help: "Run each model's network one block after its front end (hops ≥ 2 blocks apart only): a lower worst block for one more block of latency.")
    var splitFrames = false
    @Flag(help: "Render blocks back to back instead of one per block period.")
    var fast = false
    @Option(help: "Allocation probe: a built rtprobe.so or the rtprobe.c source (default: found and compiled).")
    var probe: String?
    @Flag(help: "Run measurements in this process, without the allocation probe.")
    var noProbe = false
    @Option(help: "Seconds per calibration run of a null detector through the engine (with --out).")
    var calibrationSeconds: Double = 1.5
    @Option(help: "Fit a device profile again from the measurements stored in this one, without measuring (with --out): after a change to the cost model.")
    var refit: String?

    // A measurement child (internal): run one chain at one block size, write the ProfileMeasurement as JSON.
    @Option(help: .hidden) var childMeasure: String?
    @Option(help: .hidden) var childOut: String?
    @Option(help: .hidden) var childSchedule: String?

    func run() throws {
        do {
            if let chain = childMeasure { return try runChild(chain) }
            if let refit { return try runRefit(refit) }
            try check()
            if !predictions.isEmpty { return try runPredictions() }
            try runMeasurements()
        } catch let e as ProfileError {
            if case .badInput(let s) = e { throw Failure.exit(s, code: 2) }
            throw Failure.exit(e.description, code: 1)
        } catch let e as ModelLoadError {
            throw Failure.exit(e.message, code: 2)
        }
    }

    func check() throws {
        guard seconds > 0, seconds.isFinite, calibrationSeconds > 0 else { throw ProfileError.badInput("--seconds must be positive") }
        guard (1...20).contains(`repeat`) else { throw ProfileError.badInput("--repeat \(`repeat`) out of range (1...20)") }
        // A device profile's coefficients are fitted on whole frames; predictions apply the split.
        if out != nil && splitFrames {
            throw ProfileError.badInput("--split-frames cannot be used with --out: a device profile is fitted on whole frames (use --split-frames with --predict)")
        }
        guard (16_000...192_000).contains(rate) else { throw ProfileError.badInput("--rate \(rate) out of range (16000...192000)") }
        if predictions.isEmpty {
            guard !(models.isEmpty && chains.isEmpty) else { throw ProfileError.badInput("give --model, --chain or --predict (see --help)") }
        } else {
            guard profile != nil else { throw ProfileError.badInput("--predict needs --profile P.json") }
        }
        _ = try blocks()
    }

    func blocks() throws -> [Int] {
        let parts = block.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 16_384 }) else {
            throw ProfileError.badInput("--block must be comma-separated sizes in 1...16384, got '\(block)'")
        }
        return parts.map { $0! }
    }

    // MARK: - Measuring

    /// Block sizes the null detectors run at: the engine's base is measured at each (it is not
    /// linear in the size), so every size asked for is in, with the usual ones around it.
    var calibrationBlocks: [Int] { Array(Set([64, 128, 256, 512, 1024] + ((try? blocks()) ?? []))).sorted() }

    var probeLibrary: AllocationProbe? { noProbe ? nil : AllocationProbe.locate(explicit: probe) }

    /// Measures one chain at one block size: in a probed child when the probe is available.
    func measure(_ chain: String, block: Int, schedule: FrameSchedule?, seconds: Double, probe: AllocationProbe?) throws -> ProfileMeasurement {
        guard let probe else {
            return try LatencyMeasurement.measure(chain: chain, block: block, rate: rate, seconds: seconds, paced: !fast, schedule: schedule, splitFrames: splitFrames)
        }
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-profile-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).json")
        defer { try? FileManager.default.removeItem(at: out) }
        var args = ["profile", "--child-measure", chain, "--child-out", out.path, "--block", "\(block)", "--rate", "\(rate)", "--seconds", "\(seconds)"]
        if let schedule { args += ["--child-schedule", "\(schedule.modelRate),\(schedule.hop)"] }
        if fast { args.append("--fast") }
        if splitFrames { args.append("--split-frames") }
        // Skip the engine's warm-up renders in prepare and our own untimed blocks.
        let warm = LatencyMeasurement.enginePrepareRenders(block: block, rate: rate)
            + LatencyMeasurement.warmupBlocks(block: block, rate: rate, seconds: 0.25)
        let table = try probe.run(exe, args, warmupSections: warm)
        guard let data = FileManager.default.contents(atPath: out.path) else { throw ProfileError.failed("measurement child wrote no result") }
        var m = try JSONDecoder().decode(ProfileMeasurement.self, from: data)
        m.times.allocations = AllocationProbe.allocations(table)
        if let counted = table["counted_sections"], counted != UInt64(m.blocks) {
            note("note: the probe checked \(counted) render calls, \(m.blocks) were timed")
        }
        m.probe = table.filter { !$0.key.hasPrefix("total_") && ($0.value > 0 || $0.key == "counted_sections") }
        return m
    }

    func runChild(_ chain: String) throws {
        guard let path = childOut, let b = try blocks().first else { throw ProfileError.badInput("internal: --child-out and --block needed") }
        var schedule: FrameSchedule? = nil
        if let text = childSchedule {
            let p = text.split(separator: ",").compactMap { Int($0) }
            if p.count == 2 { schedule = FrameSchedule(hostRate: rate, modelRate: p[0], hop: p[1], block: b) }
        }
        let m = try LatencyMeasurement.measure(chain: chain, block: b, rate: rate, seconds: seconds, paced: !fast, schedule: schedule, splitFrames: splitFrames)
        try JSONEncoder().encode(m).write(to: URL(fileURLWithPath: path))
    }

    /// The chain spec, frame schedule and cost description of a model file.
    func target(model path: String, block: Int) throws -> (chain: String, schedule: FrameSchedule, work: ModelWork) {
        let file = try ModelFile.read(path: path)
        let work: ModelWork
        do { work = try ModelWork(file) } catch let e as ProfileError { throw ProfileError.badInput("\(path): \(e.description)") }
        return ("model=\(path)", FrameSchedule(hostRate: rate, modelRate: work.sampleRate, hop: work.hop, block: block), work)
    }

    /// One configuration to measure: a chain at one block size.
    struct Job {
        enum Kind { case target, engineCalibration, contextCalibration }
        var label: String
        var chain: String
        var block: Int
        var schedule: FrameSchedule?
        var seconds: Double
        var work: ModelWork?
        var kind: Kind
    }

    func runMeasurements() throws {
        let sizes = try blocks()
        for path in models { _ = try target(model: path, block: sizes[0]) }   // bad files fail before any timing
        let probe = probeLibrary
        note(probe.map { "allocation probe: \($0.library)" } ?? "allocation probe: not available (allocations not counted)")
        var jobs: [Job] = []
        for path in models {
            for b in sizes {
                let t = try target(model: path, block: b)
                jobs.append(Job(label: path, chain: t.chain, block: b, schedule: t.schedule, seconds: seconds, work: t.work, kind: .target))
            }
        }
        for chain in chains {
            for b in sizes { jobs.append(Job(label: chain, chain: chain, block: b, schedule: nil, seconds: seconds, work: nil, kind: .target)) }
        }
        // With --out, the null and weight-heavy detectors that calibrate the engine terms.
        var calibrationFiles: [String] = []
        defer { for f in calibrationFiles { try? FileManager.default.removeItem(atPath: f) } }
        if out != nil {
            for (label, file) in ProfileFit.calibrationModels() + ProfileFit.contextModels() {
                let work = try ModelWork(file)
                let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-calibration-\(getpid())-\(calibrationFiles.count).safetensors").path
                try file.write(path: tmp)
                calibrationFiles.append(tmp)
                let heavy = label.hasPrefix("context")
                for b in heavy ? [256, 1024] : calibrationBlocks {
                    let schedule = FrameSchedule(hostRate: rate, modelRate: work.sampleRate, hop: work.hop, block: b)
                    jobs.append(Job(label: "calibration: \(label)", chain: "model=\(tmp)", block: b, schedule: schedule,
                                    seconds: calibrationSeconds, work: work, kind: heavy ? .contextCalibration : .engineCalibration))
                }
            }
        }
        // Rounds outer, jobs inner: the profiled models and their calibration see the same spells
        // of a shared machine, and the median run of each drops the odd one out.
        // The layer microbenchmarks too: the engine runs and the hot layer times they are compared
        // with (contextScale) must come from the same spells.
        var runs = [[ProfileMeasurement]](repeating: [], count: jobs.count)
        var benchmarks: [[CalibrationPoint]] = []
        for round in 0..<`repeat` {
            note(`repeat` > 1 ? "measuring: round \(round + 1) of \(`repeat`)" : "measuring")
            for (i, j) in jobs.enumerated() {
                var m = try measure(j.chain, block: j.block, schedule: j.schedule, seconds: j.seconds, probe: probe)
                if j.kind != .target { m.target = j.label }
                runs[i].append(m)
            }
            if out != nil {
                note("calibrating: single-layer microbenchmarks")
                benchmarks.append(try LayerBenchmark.run(seconds: 0.05))
            }
        }
        ProfileReport.header()
        var measured: [(ProfileMeasurement, ModelWork?)] = []
        var engineRuns: [(ProfileMeasurement, ModelWork)] = [], contextRuns: [(ProfileMeasurement, ModelWork)] = []
        for (i, j) in jobs.enumerated() {
            let m = ProfileMeasurement.medianRun(runs[i])
            switch j.kind {
            case .target:
                ProfileReport.row(j.label, m)
                measured.append((m, j.work))
            case .engineCalibration: engineRuns.append((m, j.work!))
            case .contextCalibration: contextRuns.append((m, j.work!))
            }
        }
        if let out {
            try writeProfile(out, points: LayerBenchmark.median(benchmarks), measured: measured, engineRuns: engineRuns, contextRuns: contextRuns)
        }
        if runs.joined().contains(where: { ($0.times.allocations ?? 0) > 0 }) {
            throw Failure.exit("allocations seen on the render thread (see the table)", code: 1)
        }
    }

    func writeProfile(_ path: String, points: [CalibrationPoint], measured: [(ProfileMeasurement, ModelWork?)],
                      engineRuns: [(ProfileMeasurement, ModelWork)], contextRuns: [(ProfileMeasurement, ModelWork)]) throws {
        let result = try fit(points: points, measured: measured, engineRuns: engineRuns, contextRuns: contextRuns,
                             machine: .current(), created: ISO8601DateFormatter().string(from: Date()),
                             note: "measured by whittle profile (\(fast ? "back to back" : "paced") blocks at \(rate) Hz)")
        try write(result, to: path, measured: measured)
    }

    /// The cost model fitted to microbenchmarks and engine runs.
    func fit(points: [CalibrationPoint], measured: [(ProfileMeasurement, ModelWork?)],
             engineRuns: [(ProfileMeasurement, ModelWork)], contextRuns: [(ProfileMeasurement, ModelWork)],
             machine: MachineIdentity, created: String?, note: String?) throws -> DeviceProfile {
        var layers = ProfileFit.layerCoefficients(points)
        let modelRuns = measured.compactMap { m, w in w.map { (m, $0) } }
        // The profiled models' blocks without a frame are engine work at their own resampling ratio.
        guard let (engine, fronts, laterFrontEnd) = ProfileFit.engineAndFrontEnds(engineRuns, idleRuns: modelRuns, layers: layers) else {
            throw ProfileError.failed("cannot fit the engine coefficients (too few calibration blocks)")
        }
        layers.merge(fronts) { $1 }
        var result = DeviceProfile(machine: machine, estimated: false, note: note, created: created, layers: layers, engine: engine,
                                   blockSpread: BlockSpread.fit(engineRuns.map(\.0) + contextRuns.map(\.0) + measured.map(\.0)),
                                   calibration: points, measurements: engineRuns.map(\.0) + contextRuns.map(\.0) + measured.map(\.0))
        result.laterFrames = DeviceProfile.LaterFrames(frontEnd: laterFrontEnd, layerScale: 1)
        if let (scale, perByte, warm) = ProfileFit.context(contextRuns + modelRuns, profile: result) {
            result.contextScale = scale
            result.contextPerByte = perByte
            result.laterFrames?.layerScale = warm
        }
        return result
    }

    func write(_ result: DeviceProfile, to path: String, measured: [(ProfileMeasurement, ModelWork?)]) throws {
        try result.write(path: path)
        let e = result.engine
        let table = (e.byBlock ?? []).map { String(format: "%d: %.1f", $0.block, $0.ns / 1000) }.joined(separator: ", ")
        note(String(format: "wrote %@: engine base µs by block {%@} (line %.0f ns + %.2f ns/sample), %.3f ns/tap, %.3f ns/resampler row; layers in the engine ×%.2f + %.3f ns/byte; a block's later frames: front end ×%.2f, layers ×%.2f",
                    path, table, e.perBlock, e.perSample, e.perTap, e.perTableRow, result.contextScale, result.contextPerByte,
                    result.laterFrames?.frontEnd ?? 1, result.laterFrames?.layerScale ?? result.contextScale))
        if let s = result.blockSpread {
            let mid = BlockSpread.levels.firstIndex { $0 > 0.5 } ?? 0
            note(String(format: "  block scatter around the median (%d + %d groups): idle q%.0f ×%.2f, q%.0f ×%.2f; busy q%.0f ×%.2f",
                        s.idleGroups, s.busyGroups, 100 * BlockSpread.levels[mid + 1], s.idle[mid + 1], 100 * BlockSpread.levels[mid + 3], s.idle[mid + 3],
                        100 * BlockSpread.levels[mid + 1], s.busy[mid + 1]))
        }
        for case let (m, w?) in measured {
            let p = try result.prediction(for: w, block: m.block, rate: m.rate).times
            note(String(format: "  fit check %@ block %d: p50 predicted %.1f µs, measured %.1f µs (%+.0f%%)",
                        m.target, m.block, p.p50, m.times.p50, 100 * (p.p50 - m.times.p50) / m.times.p50))
        }
    }

    /// `--refit OLD --out NEW`: the stored microbenchmarks and measurements, fitted again.
    func runRefit(_ path: String) throws {
        guard let out else { throw ProfileError.badInput("--refit needs --out NEW.json") }
        let old = try DeviceProfile.load(path: path)
        guard !old.estimated else { throw ProfileError.badInput("\(path): an estimate has no measurements of its own to fit again") }
        var works: [String: ModelWork] = [:]
        for (label, file) in ProfileFit.calibrationModels() + ProfileFit.contextModels() { works["calibration: \(label)"] = try ModelWork(file) }
        var measured: [(ProfileMeasurement, ModelWork?)] = []
        var engineRuns: [(ProfileMeasurement, ModelWork)] = [], contextRuns: [(ProfileMeasurement, ModelWork)] = []
        for m in old.measurements {
            if m.target.hasPrefix("calibration: ") {
                guard let w = works[m.target] else { throw ProfileError.badInput("\(path): unknown calibration run '\(m.target)' (profile from another version)") }
                if m.target.hasPrefix("calibration: context") { contextRuns.append((m, w)) } else { engineRuns.append((m, w)) }
            } else if let spec = try? ChainSpec.parse(m.target), spec.processors.count == 1,
                      case .model(let file, _) = spec.processors[0] {
                do { measured.append((m, try ModelWork(ModelFile.read(path: file)))) }
                catch { throw ProfileError.badInput("\(path): measured model \(file) cannot be read here (\(error))") }
            } else {
                measured.append((m, nil))
            }
        }
        let result = try fit(points: old.calibration, measured: measured, engineRuns: engineRuns, contextRuns: contextRuns,
                             machine: old.machine, created: old.created, note: old.note.map { $0 + "; refitted" } ?? "refitted")
        try write(result, to: out, measured: measured)
    }

    // MARK: - Predicting

    func runPredictions() throws {
        let device = try DeviceProfile.load(path: profile!)
        let sizes = try blocks()
        let probe = noMeasure ? nil : probeLibrary
        if device.estimated && !noMeasure { note("note: \(profile!) is an estimate for another machine; errors against this machine mean little") }
        var rows: [(path: String, block: Int, chain: String, schedule: FrameSchedule, prediction: DeviceProfile.Prediction)] = []
        for path in predictions {
            for b in sizes {
                let t = try target(model: path, block: b)
                rows.append((path, b, t.chain, t.schedule, try device.prediction(for: t.work, block: b, rate: rate, splitFrames: splitFrames)))
            }
        }
        // Rounds outer, rows inner: a slow minute of a shared machine lands on one repetition of
        // every row rather than on all repetitions of one row; the median then drops it.
        var runs = [[ProfileMeasurement]](repeating: [], count: rows.count)
        if !noMeasure {
            for round in 0..<`repeat` {
                if `repeat` > 1 { note("measuring: round \(round + 1) of \(`repeat`)") }
                for (i, r) in rows.enumerated() {
                    runs[i].append(try measure(r.chain, block: r.block, schedule: r.schedule, seconds: seconds, probe: probe))
                }
            }
        }
        // The parts of a block's first (cold) frame say what split frames can gain: the larger part bounds it.
        print("model                                     block  predicted p50  p99.9 µs  front end  network µs" + (noMeasure ? ""
            : " | measured p50  p99.9 µs | error p50  p99.9  allocs" + (`repeat` > 1 ? " | p50 of each run µs" : "")))
        for (i, r) in rows.enumerated() {
            let predicted = r.prediction.times, frontEnd = r.prediction.frontEndMicroseconds
            var line = ProfileReport.pad(r.path, 42) + ProfileReport.num(Double(r.block), 6, 0)
                + ProfileReport.num(predicted.p50, 15) + ProfileReport.num(predicted.p999, 10)
                + ProfileReport.num(frontEnd, 11) + ProfileReport.num(r.prediction.frameMicroseconds - frontEnd, 12)
            if !noMeasure {
                let p50 = Quantile.median(runs[i].map(\.times.p50)), p999 = Quantile.median(runs[i].map(\.times.p999))
                let allocations = runs[i].compactMap(\.times.allocations)
                line += " |" + ProfileReport.num(p50, 13) + ProfileReport.num(p999, 10) + " |"
                    + ProfileReport.percent((predicted.p50 - p50) / p50, 10) + ProfileReport.percent((predicted.p999 - p999) / p999, 7)
                    + (allocations.isEmpty ? "       -" : ProfileReport.pad(String(allocations.reduce(0, +)), 8, right: true))
                if `repeat` > 1 { line += " | " + runs[i].map { String(format: "%.1f", $0.times.p50) }.joined(separator: " ") }
            }
            print(line)
        }
    }

    func note(_ s: String) { FileHandle.standardError.write((s + "\n").data(using: .utf8)!) }
}

/// The measurement table's layout.
enum ProfileReport {
    static func header() {
        print("target                                    block    p50 µs    p99 µs  p99.9 µs    max µs   %block p50/p99.9/max    ×RT  allocs")
    }

    static func row(_ name: String, _ m: ProfileMeasurement) {
        let pct = m.percentOfBlock
        let share = String(format: "%.1f/%.1f/%.1f", pct["p50"] ?? 0, pct["p999"] ?? 0, pct["max"] ?? 0)
        print(pad(name, 42) + num(Double(m.block), 6, 0) + num(m.times.p50, 10) + num(m.times.p99, 10) + num(m.times.p999, 10)
              + num(m.times.max, 10) + pad(share, 24, right: true) + num(m.realTime, 7, 0)
              + (m.times.allocations.map { pad(String($0), 8, right: true) } ?? "       -"))
        if let probe = m.probe {
            let other = probe.filter { !["sections", "counted_sections"].contains($0.key) && !AllocationProbe.allocationCalls.contains($0.key) && $0.value > 0 }
            if !other.isEmpty {
                print("  also on the render thread: " + other.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
        }
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }

    static func num(_ v: Double, _ width: Int, _ decimals: Int = 1) -> String { pad(String(format: "%.\(decimals)f", v), width, right: true) }
    static func percent(_ v: Double, _ width: Int) -> String { pad(String(format: "%+.0f%%", 100 * v), width, right: true) }
}
