// A device profile: what this machine is, the fitted cost model, and the raw measurements it was
// fitted from. `predict` turns a model file into block times without running it.

import Foundation
import WhittleEngine
import WhittleNN

public struct DeviceProfile: Codable, Sendable {
    /// The second and later frames a block completes run right after the first, on warm caches:
    /// on the development VM a second frame cost about half the first. Their front end costs
    /// `frontEnd` × the first's; their layers `layerScale` × the hot microbenchmark time, with no
    /// per-byte term (the weights were just read).
    public struct LaterFrames: Codable, Sendable, Equatable {
        public var frontEnd: Double
        public var layerScale: Double
        public init(frontEnd: Double, layerScale: Double) { self.frontEnd = frontEnd; self.layerScale = layerScale }
    }

    /// Bumped whenever the meaning of a field changes; files with a version not in
    /// `readableVersions` are rejected. Version 2 added `engine.perTableRow` and `blockSpread`;
    /// a version-1 file reads with both absent (no table term, no scatter: its old predictions).
    /// Version 3 added `engine.byBlock` (the engine's base per block size; older files use the line)
    /// and `laterFrames` (older files price every frame as the first).
    public static let formatVersion = 3
    public static let readableVersions = 1...3

    public var version: Int
    public var machine: MachineIdentity
    /// True for profiles derived by scaling another machine's (not measured on the device).
    public var estimated: Bool
    public var note: String?
    /// ISO 8601 time of measurement (or of the estimate).
    public var created: String?
    /// Per cost type ("dense", "conv2d", ..., "frontend_logmel"): ns per run.
    public var layers: [String: CostCoefficients]
    public var engine: EngineCoefficients
    /// Layer time in the engine ÷ layer time in the microbenchmark loop, and the extra ns per
    /// byte of weights (re-read from memory after each block period's idle time evicted them),
    /// fitted from weight-heavy calibration detectors and the measured models.
    public var contextScale: Double
    public var contextPerByte: Double
    /// What the second and later frames of one block cost (nil before version 3: as the first).
    public var laterFrames: LaterFrames?
    /// How blocks doing the same work scatter around their median (nil: no scatter, version 1).
    public var blockSpread: BlockSpread?
    /// Raw data: the microbenchmarks and engine measurements the coefficients come from.
    public var calibration: [CalibrationPoint]
    public var measurements: [ProfileMeasurement]

    public init(machine: MachineIdentity, estimated: Bool = false, note: String? = nil, created: String? = nil,
                layers: [String: CostCoefficients], engine: EngineCoefficients, contextScale: Double = 1, contextPerByte: Double = 0,
                laterFrames: LaterFrames? = nil, blockSpread: BlockSpread? = nil, calibration: [CalibrationPoint] = [], measurements: [ProfileMeasurement] = []) {
        version = DeviceProfile.formatVersion
        self.machine = machine
        self.estimated = estimated
        self.note = note
        self.created = created
        self.layers = layers
        self.engine = engine
        self.contextScale = contextScale
        self.contextPerByte = contextPerByte
        self.laterFrames = laterFrames
        self.blockSpread = blockSpread
        self.calibration = calibration
        self.measurements = measurements
    }

    // MARK: - Files

    public static func load(path: String) throws -> DeviceProfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProfileError.badInput("\(path): cannot read the device profile")
        }
        struct VersionOnly: Decodable { var version: Int? }
        guard let probe = try? JSONDecoder().decode(VersionOnly.self, from: data) else {
            throw ProfileError.badInput("\(path): not a JSON device profile")
        }
        guard let version = probe.version else { throw ProfileError.badInput("\(path): device profile has no 'version'") }
        guard readableVersions.contains(version) else {
            throw ProfileError.badInput("\(path): device profile version \(version), this whittle reads versions \(readableVersions.lowerBound)...\(formatVersion) (re-run whittle profile)")
        }
        do {
            return try JSONDecoder().decode(DeviceProfile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ProfileError.badInput("\(path): device profile field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))' is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ProfileError.badInput("\(path): device profile field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch {
            throw ProfileError.badInput("\(path): device profile is damaged (\(error))")
        }
    }

    public func write(path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ProfileError.failed("\(path): cannot write the device profile (\(error.localizedDescription))")
        }
    }

    // MARK: - Prediction

    /// Predicted block time of the model's processor in the engine, at host `rate` and `block`.
    public func predict(_ model: ModelFile, block: Int, rate: Int, splitFrames: Bool = false) throws -> BlockTimes {
        try prediction(for: ModelWork(model), block: block, rate: rate, splitFrames: splitFrames).times
    }

    /// The prediction with its parts, for reports.
    /// `splitFrames`: the engine runs each frame's network one block after its front end (WhittleEngine.FrameSplit).
    public func prediction(for work: ModelWork, block: Int, rate: Int, splitFrames: Bool = false) throws -> Prediction {
        guard block >= 1, rate >= 1 else { throw ProfileError.badInput("block and rate must be positive") }
        func cost(_ type: String, _ macs: Double, _ bytes: Double, _ steps: Double) throws -> Double {
            guard let c = layers[type] else {
                throw ProfileError.badInput("device profile has no coefficients for '\(type)' (known: \(layers.keys.sorted().joined(separator: ", ")))")
            }
            return c.ns(macs: macs, bytes: bytes, steps: steps)
        }
        let f = work.frontEnd
        let frontEnd = f.type == "frontend_none" ? 0 : try cost(f.type, f.macs, f.bytes, f.steps)
        // Layers of a block's first frame (cold) and of its later ones (warm); mean over strided
        // layers' periods, and all layers for the worst case.
        var firstMean = 0.0, firstAll = 0.0, laterMean = 0.0, laterAll = 0.0
        for layer in work.layers {
            let hot = try cost(layer.type, layer.macs, layer.bytes, layer.steps)
            let cold = contextScale * hot + contextPerByte * layer.weightBytes
            let warm = laterFrames.map { $0.layerScale * hot } ?? cold
            let period = Double(max(layer.period, 1))
            firstMean += cold / period
            firstAll += cold
            laterMean += warm / period
            laterAll += warm
        }
        let laterFrontEnd = frontEnd * (laterFrames?.frontEnd ?? 1)
        let schedule = FrameSchedule(hostRate: rate, modelRate: work.sampleRate, hop: work.hop, block: block)
        let n = max(schedule.blocks(seconds: 10), 1000)
        let frames = schedule.frames(blocks: n), converted = schedule.convertedSamples(blocks: n)
        func base(_ b: Int) -> Double { engine.ns(block: block, outputs: Double(converted[b]), schedule: schedule) }
        // Skip the first blocks: the resampler's start-up delay is not steady state.
        let steady = (n / 10)..<n
        // Front ends and networks run in each block, as ModelNode.run schedules them; the first of
        // each kind in a block is cold.
        let split = splitFrames && FrameSplit.applies(hop: work.hop, modelRate: work.sampleRate, hostRate: rate, block: block)
        func runs(_ count: Double, first: Double, later: Double) -> Double { count <= 0 ? 0 : first + (count - 1) * later }
        func blockWork(_ b: Int, all: Bool) -> Double {
            let k = Double(frames[b])
            let (first, later) = all ? (firstAll, laterAll) : (firstMean, laterMean)
            let networks = split ? (b > 0 && frames[b - 1] > 0 ? 1 : 0) + max(0, k - 1) : k
            return base(b) + runs(k, first: frontEnd, later: laterFrontEnd) + runs(networks, first: first, later: later)
        }
        let points = steady.map { blockWork($0, all: false) }
        let typical = points.sorted()
        let worst = steady.map { blockWork($0, all: true) }.max() ?? 0
        // p50 of all blocks, each scattered around its predicted (median) time as measured here.
        let spread = blockSpread.flatMap { $0.isValid ? $0 : nil }
        let p50 = spread.map { $0.quantile(0.5, times: points, frames: Array(frames[steady])) } ?? Quantile.of(typical, 0.5)
        let times = BlockTimes(p50: p50 / 1000, p99: Quantile.of(typical, 0.99) / 1000,
                               p999: worst / 1000, max: worst / 1000)
        let counts = steady.map { frames[$0] }
        return Prediction(times: times, frameMicroseconds: (frontEnd + firstMean) / 1000, frontEndMicroseconds: frontEnd / 1000,
                          typicalFrames: Quantile.of(counts.map(Double.init).sorted(), 0.5), maxFrames: counts.max() ?? 0)
    }

    public struct Prediction: Sendable {
        public var times: BlockTimes
        /// A block's first model frame (front end + layers), µs.
        public var frameMicroseconds: Double
        public var frontEndMicroseconds: Double
        /// Frames completed by the median block and by the fullest block.
        public var typicalFrames: Double
        public var maxFrames: Int
    }
}
