// Fitting a device profile: layer coefficients from the microbenchmarks; engine and front-end
// coefficients from "null" detectors run through the engine (blocks grouped by the frames they
// completed); the context scale from real models run through the engine.

import Foundation
import WhittleNN

public enum ProfileFit {
    /// Measures one chain at one block size (in-process or in a probed child: the caller decides).
    public typealias Runner = (_ chain: String, _ block: Int, _ schedule: FrameSchedule?) throws -> ProfileMeasurement

    /// Null detectors spanning the front ends' sizes and the resampler's ratios.
    public static func calibrationModels() -> [(label: String, model: ModelFile)] {
        func logmel(_ n: Int, _ bands: Int, _ fmax: Int) -> String {
            #"{"type":"logmel","n_fft":\#(n),"bands":\#(bands),"fmin":30,"fmax":\#(fmax),"compression":1}"#
        }
        func harmonic(_ window: Int, _ n: Int, _ bins: Int, _ harmonics: Int) -> String {
            let h = [0.5, 1, 2, 3, 4, 5, 6, 7].prefix(harmonics).map { "\($0)" }.joined(separator: ",")
            return #"{"type":"harmonic_spectrum","window":\#(window),"n_fft":\#(n),"fmin":32,"bins":\#(bins),"bins_per_octave":60,"harmonics":[\#(h)],"compression":1}"#
        }
        return [
            ("null logmel n_fft 512, 40 bands, 16 kHz", SingleLayerModels.null(features: logmel(512, 40, 7000), count: 40, rate: 16000, hop: 160)),
            ("null logmel n_fft 1024, 64 bands, 22.05 kHz", SingleLayerModels.null(features: logmel(1024, 64, 8000), count: 64, rate: 22050, hop: 220)),
            ("null logmel n_fft 2048, 128 bands, 48 kHz", SingleLayerModels.null(features: logmel(2048, 128, 16000), count: 128, rate: 48000, hop: 480)),
            ("null logmel n_fft 1024, 128 bands, 16 kHz", SingleLayerModels.null(features: logmel(1024, 128, 8000), count: 128, rate: 16000, hop: 160)),
            ("null frames 1024, 16 kHz", SingleLayerModels.null(features: #"{"type":"frames","size":1024}"#, count: 1024, rate: 16000, hop: 160)),
            ("null frames 256, 48 kHz", SingleLayerModels.null(features: #"{"type":"frames","size":256}"#, count: 256, rate: 48000, hop: 240)),
            // Resampler ratios with one coefficient row (48 → 24 kHz) and with 147 rows (48 → 44.1 kHz):
            // with the 16 and 22.05 kHz ones above they separate the per-tap and per-table-row terms.
            // Same front end as the 22.05 kHz one, so only the ratio differs.
            ("null logmel n_fft 1024, 64 bands, 24 kHz", SingleLayerModels.null(features: logmel(1024, 64, 8000), count: 64, rate: 24000, hop: 240)),
            ("null logmel n_fft 1024, 64 bands, 44.1 kHz", SingleLayerModels.null(features: logmel(1024, 64, 8000), count: 64, rate: 44100, hop: 441)),
            ("null harmonic spectrum n_fft 2048, 360 × 6, 16 kHz", SingleLayerModels.null(features: harmonic(1024, 2048, 360, 6), count: 2160, rate: 16000, hop: 160)),
            ("null harmonic spectrum n_fft 1024, 120 × 3, 16 kHz", SingleLayerModels.null(features: harmonic(512, 1024, 120, 3), count: 360, rate: 16000, hop: 160)),
            ("null harmonic spectrum n_fft 4096, 240 × 4, 22.05 kHz", SingleLayerModels.null(features: harmonic(2048, 4096, 240, 4), count: 960, rate: 22050, hop: 220)),
            // Long hops (43–100 ms): blocks without a frame at every block size (the engine's base is
            // measured per size, and 10 ms hops leave no idle block at 1024 frames), and single-frame
            // blocks at the large sizes (a block's first frame against its later ones). A frame is at
            // least a hop long.
            ("null logmel n_fft 2048, 40 bands, 16 kHz, 100 ms hop", SingleLayerModels.null(features: logmel(2048, 40, 7000), count: 40, rate: 16000, hop: 1600)),
            ("null frames 2048, 48 kHz, 43 ms hop", SingleLayerModels.null(features: #"{"type":"frames","size":2048}"#, count: 2048, rate: 48000, hop: 2048)),
            ("null logmel n_fft 4096, 64 bands, 44.1 kHz, 50 ms hop", SingleLayerModels.null(features: logmel(4096, 64, 8000), count: 64, rate: 44100, hop: 2205)),
        ]
    }

    /// Layer coefficients per cost type.
    public static func layerCoefficients(_ points: [CalibrationPoint]) -> [String: CostCoefficients] {
        var result: [String: CostCoefficients] = [:]
        for type in Set(points.map(\.type)) {
            if let c = CostCoefficients.fit(points.filter { $0.type == type }) { result[type] = c }
        }
        return result
    }

    /// Engine and front-end coefficients from null-detector runs (each with its model's work), in
    /// one non-negative fit over block groups (median time of the blocks that completed k frames).
    /// The engine's base gets one unknown per block size measured (EngineCoefficients.byBlock: it is
    /// not linear in the size); the resampler's per-tap and per-row terms and the front ends are
    /// shared by all sizes, and so is the factor for a block's second and later frames (warm
    /// caches), searched over 0.2...1. Blocks with no frame are pure engine work and carry 4× weight: the p50
    /// of small blocks is one. `idleRuns` (the profiled models' own runs) add only their blocks with
    /// no frame. `layers` must already hold the layer coefficients (the null head's cost is subtracted).
    public static func engineAndFrontEnds(_ runs: [(ProfileMeasurement, ModelWork)], idleRuns: [(ProfileMeasurement, ModelWork)] = [],
                                          layers: [String: CostCoefficients])
        -> (engine: EngineCoefficients, frontEnds: [String: CostCoefficients], laterFrontEnd: Double)? {
        let frontTypes = ["frontend_logmel", "frontend_frames", "frontend_harmonic"]
        let all = runs.map { ($0.0, $0.1, false) } + idleRuns.map { ($0.0, $0.1, true) }
        func used(_ m: ProfileMeasurement, _ idleOnly: Bool) -> [ProfileMeasurement.FrameGroup] {
            (m.byFrames ?? []).filter { $0.blocks >= 20 && (!idleOnly || $0.frames == 0) }
        }
        let sizes = Set(all.flatMap { m, _, idle in used(m, idle).isEmpty ? [] : [m.block] }).sorted()
        guard !sizes.isEmpty else { return nil }
        // Frames after a block's first cost `later` × the first: one factor for every front end,
        // found by a search over the linear fits (each is solved exactly).
        func solve(later: Double) -> (beta: [Double], residual: Double, rows: [[Double]])? {
            var rows: [[Double]] = [], y: [Double] = [], weights: [Double] = []
            for (m, work, idleOnly) in all {
                let schedule = FrameSchedule(hostRate: m.rate, modelRate: work.sampleRate, hop: work.hop, block: m.block)
                let outputs = schedule.meanOutputs
                let taps = schedule.resamples ? outputs * Double(schedule.tapsPerOutput) : 0
                let head = work.layers.reduce(0.0) { $0 + (layers[$1.type]?.ns(macs: $1.macs, bytes: $1.bytes, steps: $1.steps) ?? 0) }
                for g in used(m, idleOnly) {
                    let k = Double(g.frames), runs = k == 0 ? 0 : 1 + later * (k - 1)
                    var row = sizes.map { $0 == m.block ? 1.0 : 0 }
                    row += [taps, schedule.tableRows(outputs: outputs)]
                    for t in frontTypes {
                        let on = work.frontEnd.type == t ? runs : 0
                        row += [on, on * work.frontEnd.macs, on * work.frontEnd.bytes, on * work.frontEnd.steps]
                    }
                    rows.append(row)
                    let ns = g.medianMicroseconds * 1000 - k * head
                    y.append(ns)
                    weights.append((g.frames == 0 ? 4 : 1) / max(ns * ns, 1))
                }
            }
            guard rows.count >= sizes.count + 2, let beta = LeastSquares.nonNegative(rows, y, weights: weights) else { return nil }
            let residual = zip(zip(rows, y), weights).reduce(0.0) { sum, item in
                let ((row, target), w) = item
                let e = zip(row, beta).reduce(0) { $0 + $1.0 * $1.1 } - target
                return sum + w * e * e
            }
            return (beta, residual, rows)
        }
        var best: (later: Double, fit: (beta: [Double], residual: Double, rows: [[Double]]))?
        for step in 0...16 {
            let later = 0.2 + 0.05 * Double(step)
            if let fit = solve(later: later), fit.residual < (best?.fit.residual ?? .infinity) { best = (later, fit) }
        }
        guard let (later, fit) = best else { return nil }
        let beta = fit.beta, n = sizes.count
        let table = sizes.enumerated().map { EngineCoefficients.BlockBase(block: $0.element, ns: beta[$0.offset]) }
        let line = straightLine(table)
        let engine = EngineCoefficients(perBlock: line.intercept, perSample: line.slope, perTap: beta[n], perTableRow: beta[n + 1], byBlock: table)
        var fronts: [String: CostCoefficients] = [:]
        for (i, t) in frontTypes.enumerated() {
            let b = n + 2 + 4 * i
            let used = fit.rows.filter { $0[b] > 0 }.count
            fronts[t] = CostCoefficients(constant: beta[b], perMAC: beta[b + 1], perByte: beta[b + 2], perStep: beta[b + 3], samples: used)
        }
        return (engine, fronts, later)
    }

    /// Least-squares line ns = intercept + slope·block through the table (slope 0 for one size).
    static func straightLine(_ table: [EngineCoefficients.BlockBase]) -> (intercept: Double, slope: Double) {
        let xs = table.map { Double($0.block) }, ys = table.map(\.ns)
        let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
        let sxx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        guard sxx > 0 else { return (my, 0) }
        let slope = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) } / sxx
        return (my - slope * mx, slope)
    }

    /// Weight-heavy detectors (log-mel → wide dense → 1): how layer time grows in the engine with
    /// the bytes a frame touches, beyond what hot microbenchmarks show.
    public static func contextModels() -> [(label: String, model: ModelFile)] {
        let features = #"{"type":"logmel","n_fft":1024,"bands":64,"fmin":30,"fmax":8000,"compression":1}"#
        return [(256, 22050, 220), (1024, 16000, 160), (2048, 22050, 220)].map { units, rate, hop in
            ("context: logmel 64 → dense \(units) → 1, \(rate / 1000) kHz", SingleLayerModels.wide(features: features, bands: 64, units: units, rate: rate, hop: hop))
        }
    }

    /// Fits rest = first·(scale·hot + perByte·weight bytes) + later·warm·hot over block groups with
    /// frames, where rest = median block time − engine − front ends, `hot` is the layers' time in
    /// the microbenchmarks, and a block's `first` frame (0 or 1) runs cold while its `later`
    /// frames (k − 1) find the weights just read.
    public static func context(_ runs: [(ProfileMeasurement, ModelWork)], profile: DeviceProfile) -> (scale: Double, perByte: Double, warm: Double)? {
        var rows: [[Double]] = [], y: [Double] = [], weights: [Double] = []
        var bare = profile
        bare.contextScale = 0
        bare.contextPerByte = 0
        let laterFrontEnd = profile.laterFrames?.frontEnd ?? 1
        for (m, work) in runs {
            guard let base = try? bare.prediction(for: work, block: m.block, rate: m.rate) else { continue }
            var hot = 0.0, bytes = 0.0
            for l in work.layers {
                let period = Double(max(l.period, 1))
                hot += (profile.layers[l.type]?.ns(macs: l.macs, bytes: l.bytes, steps: l.steps) ?? 0) / period
                bytes += l.weightBytes / period
            }
            let schedule = FrameSchedule(hostRate: m.rate, modelRate: work.sampleRate, hop: work.hop, block: m.block)
            let engineNs = profile.engine.ns(block: m.block, outputs: schedule.meanOutputs, schedule: schedule)
            for g in m.byFrames ?? [] where g.frames > 0 && g.blocks >= 20 {
                let later = Double(g.frames - 1)
                let rest = g.medianMicroseconds * 1000 - engineNs - (1 + later * laterFrontEnd) * base.frontEndMicroseconds * 1000
                rows.append([hot, bytes, later * hot])
                y.append(rest)
                weights.append(1 / max(g.medianMicroseconds * g.medianMicroseconds * 1e6, 1))
            }
        }
        guard rows.count >= 3, let beta = LeastSquares.nonNegative(rows, y, weights: weights) else { return nil }
        // Without blocks of two frames the warm factor is unknown: later frames then get the first
        // frame's scale (still without its per-byte term).
        let warm = rows.contains { $0[2] > 0 } ? min(10, max(0.5, beta[2])) : min(10, max(0.5, beta[0]))
        return (min(10, max(0.5, beta[0])), beta[1], warm)
    }
}
