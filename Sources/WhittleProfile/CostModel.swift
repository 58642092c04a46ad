// The fitted cost model. A model frame costs the front end (features for one hop) plus each
// layer's a + b·MACs + c·bytes + d·steps for its cost type (steps: short scalar loops the MACs
// do not capture, e.g. conv2d's receptive-field gathers), times a context factor (the engine runs one
// frame per block with colder caches than a microbenchmark loop); a block costs the engine's
// per-block and per-sample work, the resampler's taps, and the frames it completes.

import Foundation
import WhittleDSP
import WhittleNN

/// ns = constant + perMAC·MACs + perByte·bytes + perStep·steps, for one cost type.
public struct CostCoefficients: Codable, Sendable, Equatable {
    public var constant: Double
    public var perMAC: Double
    public var perByte: Double
    public var perStep: Double
    /// Microbenchmark points the fit used, and its RMS relative error on them.
    public var samples: Int?
    public var rmsRelativeError: Double?

    public init(constant: Double, perMAC: Double, perByte: Double, perStep: Double = 0, samples: Int? = nil, rmsRelativeError: Double? = nil) {
        self.constant = constant
        self.perMAC = perMAC
        self.perByte = perByte
        self.perStep = perStep
        self.samples = samples
        self.rmsRelativeError = rmsRelativeError
    }

    public func ns(macs: Double, bytes: Double, steps: Double = 0) -> Double { constant + perMAC * macs + perByte * bytes + perStep * steps }

    /// Scaled by `factor` (every term: a machine `factor` times slower).
    public func scaled(_ factor: Double) -> CostCoefficients {
        CostCoefficients(constant: constant * factor, perMAC: perMAC * factor, perByte: perByte * factor, perStep: perStep * factor,
                         samples: samples, rmsRelativeError: rmsRelativeError)
    }

    /// Fits by non-negative least squares on relative error (small layers count as much as big ones).
    public static func fit(_ points: [CalibrationPoint]) -> CostCoefficients? {
        guard !points.isEmpty else { return nil }
        let rows = points.map { [1, $0.macs, $0.bytes, $0.steps] }
        let y = points.map(\.ns)
        let weights = points.map { 1 / max($0.ns * $0.ns, 1e-6) }
        guard let beta = LeastSquares.nonNegative(rows, y, weights: weights) else { return nil }
        var c = CostCoefficients(constant: beta[0], perMAC: beta[1], perByte: beta[2], perStep: beta[3], samples: points.count)
        let squared = points.map { p -> Double in let e = (c.ns(macs: p.macs, bytes: p.bytes, steps: p.steps) - p.ns) / p.ns; return e * e }
        c.rmsRelativeError = (squared.reduce(0, +) / Double(points.count)).squareRoot()
        return c
    }
}

/// One microbenchmark: a single layer's work and its measured time per run.
public struct CalibrationPoint: Codable, Sendable, Equatable {
    public var type: String
    public var label: String
    public var macs: Double
    public var bytes: Double
    public var steps: Double
    public var ns: Double
}

/// The engine's own work per block (ns): render-call overhead, per host sample (input checks,
/// dry delay, mixing, hop cutting), per resampler tap computed, and per distinct polyphase
/// coefficient row the resampler reads in the block. The last is a cold-cache cost: a paced block
/// starts after a block period in which other work ran on the core, so each new row comes from
/// far away, and the output's serial sum keeps the next row's loads from overlapping; a ratio
/// with a large `up` (48 → 22.05 or 44.1 kHz: 147 phases) reads a new row for every output, one
/// with `up` = 1 (48 → 16 or 24 kHz) reads the same row all the time. Back-to-back (hot) blocks
/// show no such cost: all four ratios take the same time there.
///
/// The block's base (call + per-sample work) is not linear in the block size: a paced block
/// starts on a core that idled or ran other work, and its first microseconds run slower (cold
/// caches, TLB, clock), so per-sample cost falls with the block size. Measured on the development
/// VM: 55 ns per sample at 64–256 frames, about 20 at 1024. Version-3 profiles keep the base
/// measured at each calibrated block size (`byBlock`), interpolated between sizes; `perBlock +
/// perSample·block` is the straight line through it, used when there is no table.
public struct EngineCoefficients: Codable, Sendable, Equatable {
    public var perBlock: Double
    public var perSample: Double
    public var perTap: Double
    /// ns per distinct resampler coefficient row read in a block (0 in version-1 profiles).
    public var perTableRow: Double
    /// The base measured per block size, ascending (nil before version 3).
    public var byBlock: [BlockBase]?

    /// The engine's base time (ns, resampler excluded) at one host block size.
    public struct BlockBase: Codable, Sendable, Equatable {
        public var block: Int
        public var ns: Double
        public init(block: Int, ns: Double) { self.block = block; self.ns = ns }
    }

    public init(perBlock: Double, perSample: Double, perTap: Double, perTableRow: Double = 0, byBlock: [BlockBase]? = nil) {
        self.perBlock = perBlock
        self.perSample = perSample
        self.perTap = perTap
        self.perTableRow = perTableRow
        self.byBlock = byBlock.map { $0.sorted { $0.block < $1.block } }
    }

    enum CodingKeys: String, CodingKey { case perBlock, perSample, perTap, perTableRow, byBlock }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        perBlock = try c.decode(Double.self, forKey: .perBlock)
        perSample = try c.decode(Double.self, forKey: .perSample)
        perTap = try c.decode(Double.self, forKey: .perTap)
        perTableRow = try c.decodeIfPresent(Double.self, forKey: .perTableRow) ?? 0
        byBlock = try c.decodeIfPresent([BlockBase].self, forKey: .byBlock)?.sorted { $0.block < $1.block }
    }

    /// Base ns of a block of `block` host samples: the table, linear between its sizes and along
    /// its nearest segment beyond them (never below half the nearest entry); else the line.
    public func base(block: Int) -> Double {
        let b = Double(block)
        guard let table = byBlock, let first = table.first, let last = table.last else { return perBlock + perSample * b }
        guard table.count >= 2 else { return max(first.ns * 0.5, first.ns + perSample * (b - Double(first.block))) }
        var i = 0
        while i < table.count - 2 && block > table[i + 1].block { i += 1 }
        let lo = table[i], hi = table[i + 1]
        let slope = (hi.ns - lo.ns) / Double(hi.block - lo.block)
        let value = lo.ns + slope * (b - Double(lo.block))
        let nearest = block <= first.block ? first.ns : (block >= last.block ? last.ns : min(lo.ns, hi.ns))
        return max(value, 0.5 * nearest)
    }

    /// ns for one block of `block` host samples that produced `outputs` resampled samples.
    public func ns(block: Int, outputs: Double, schedule: FrameSchedule) -> Double {
        base(block: block) + perTap * outputs * Double(schedule.tapsPerOutput)
            + perTableRow * schedule.tableRows(outputs: outputs)
    }

    /// Every term `factor` times slower (a slower machine).
    public func scaled(_ factor: Double) -> EngineCoefficients {
        EngineCoefficients(perBlock: perBlock * factor, perSample: perSample * factor, perTap: perTap * factor,
                           perTableRow: perTableRow * factor, byBlock: byBlock?.map { BlockBase(block: $0.block, ns: $0.ns * factor) })
    }
}

/// A model's front end (features per hop) as a unit of work for the "frontend_<type>" cost type.
public struct FrontEndWork: Sendable, Equatable {
    public var type: String
    public var macs: Double
    public var bytes: Double
    public var steps: Double = 0

    /// From the model's `features` metadata (contracts §4). Log-mel: MACs = the n-point complex
    /// FFT's butterflies, bytes = the linear passes (shift, window, magnitudes, sparse mel), steps =
    /// bands (one log1p call each). Raw frames: bytes = shift and three normalising passes.
    public static func from(featuresJSON: String?) throws -> FrontEndWork {
        guard let text = featuresJSON else { return FrontEndWork(type: "frontend_none", macs: 0, bytes: 0, steps: 0) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let type = object["type"] as? String else {
            throw ProfileError.badInput("metadata 'features' is not a JSON object with a 'type'")
        }
        func int(_ key: String, _ fallback: Int) -> Int { (object[key] as? NSNumber)?.intValue ?? fallback }
        switch type {
        case "logmel":
            let n = Double(max(2, int("n_fft", 1024))), bands = Double(max(1, int("bands", 64)))
            return FrontEndWork(type: "frontend_logmel", macs: n / 2 * log2(n), bytes: 4 * (4 * n + n / 2), steps: bands)
        case "frames":
            let size = Double(max(1, int("size", 1024)))
            return FrontEndWork(type: "frontend_frames", macs: 0, bytes: 16 * size)
        case "harmonic_spectrum":
            // FFT, one log-frequency spectrum spanning every harmonic column's rows (one log1p per
            // band), then the columns gathered from it: its own type, since log-mel's per-band cost is
            // that of wide mel triangles.
            let n = Double(max(2, int("n_fft", 2048))), bins = max(1, int("bins", 360)), perOctave = max(1, int("bins_per_octave", 60))
            let harmonics = ((object["harmonics"] as? [Any]) ?? [0.5, 1, 2, 3, 4, 5]).compactMap { ($0 as? NSNumber)?.doubleValue }.filter { $0 > 0 }
            let shifts = FeatureSettings.harmonicShifts(harmonics, binsPerOctave: perOctave)
            let bands = Double(bins + (shifts.max() ?? 0) - (shifts.min() ?? 0))
            let gathered = Double(bins * max(1, harmonics.count))
            return FrontEndWork(type: "frontend_harmonic", macs: n / 2 * log2(n), bytes: 4 * (4 * n + n / 2) + 16 * bands + 8 * gathered, steps: bands)
        default:
            throw ProfileError.badInput("metadata 'features': unknown type '\(type)' (expected logmel, frames or harmonic_spectrum)")
        }
    }
}

/// A model reduced to what the cost model needs: its rate, hop, front end and layers.
public struct ModelWork: Sendable {
    public var sampleRate: Int
    public var hop: Int
    public var frontEnd: FrontEndWork
    public var layers: [LayerWork]

    public init(_ model: ModelFile) throws {
        guard let rateText = model.metadata["sample_rate"], let rate = Double(rateText), rate >= 1, rate == rate.rounded() else {
            throw ProfileError.badInput("model metadata needs an integer 'sample_rate' to be run by the engine")
        }
        guard let hopText = model.metadata["hop"], let hop = Int(hopText), hop >= 1 else {
            throw ProfileError.badInput("model metadata needs a positive integer 'hop' to be run by the engine")
        }
        sampleRate = Int(rate)
        self.hop = hop
        frontEnd = try FrontEndWork.from(featuresJSON: model.metadata["features"])
        layers = try GraphCost.layers(of: model.graph)
    }
}
