// One row per ticket (a trained model of one round of one method), and the CSV and terminal
// table written from them. Rows are Codable: the checkpoint carries them across a resume.

import Foundation

public enum TrimMethod: String, Codable, Sendable, CaseIterable {
    /// Structured trimming: units removed physically (the method under test).
    case structured
    /// The architecture of each structured round, re-initialised and trained (the papers' baseline).
    case reinit
    /// Unstructured masking of single weights (the original lottery ticket; no speed-up).
    case masking
}

public struct TrimRow: Codable, Sendable, Equatable {
    public var method: TrimMethod
    public var round: Int
    public var parameters: Int
    public var weights: Int
    /// Weights relative to the dense model's.
    public var weightsKept: Double
    public var macsPerFrame: Double
    public var macsPerSecond: Double?
    public var bytes: Int
    /// Block time here through the engine (µs), when measured.
    public var measuredP50: Double?
    public var measuredP999: Double?
    /// Block time predicted on the target profile (µs), when a profile was given.
    public var predictedP999: Double?
    public var metric: Double
    /// Units per trimmable layer, e.g. "c1:24 c2:18".
    public var widths: String
    /// The ticket's model file, relative to the output directory.
    public var file: String

    public init(method: TrimMethod, round: Int, costs: ModelCosts, denseWeights: Int, metric: Double, widths: String, file: String) {
        self.method = method
        self.round = round
        parameters = costs.parameters
        weights = costs.weights
        weightsKept = denseWeights > 0 ? Double(costs.weights) / Double(denseWeights) : 1
        macsPerFrame = costs.macsPerFrame
        macsPerSecond = costs.macsPerSecond
        bytes = costs.bytes
        self.metric = metric
        self.widths = widths
        self.file = file
    }
}

public enum TrimReport {
    public static let csvHeader = "method,round,params,weights,weights_kept,macs_per_frame,macs_per_second,bytes,measured_p50_us,measured_p999_us,predicted_p999_us,metric,widths,file"

    public static func csv(_ rows: [TrimRow]) -> String {
        func number(_ v: Double?, _ digits: Int = 3) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "" }
        var lines = [csvHeader]
        for r in rows {
            lines.append([r.method.rawValue, "\(r.round)", "\(r.parameters)", "\(r.weights)", String(format: "%.5f", r.weightsKept),
                          String(format: "%.0f", r.macsPerFrame), number(r.macsPerSecond, 0), "\(r.bytes)",
                          number(r.measuredP50), number(r.measuredP999), number(r.predictedP999),
                          String(format: "%.5f", r.metric), "\"\(r.widths)\"", r.file].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A fixed-width table for the terminal.
    public static func table(_ rows: [TrimRow], metricName: String = "metric") -> String {
        let header = ["method", "round", "params", "kept %", "MACs/frame", "size kB", "here p50 µs", "here p99.9 µs", "target p99.9 µs", metricName]
        let body = rows.map { r -> [String] in
            [r.method.rawValue, "\(r.round)", "\(r.parameters)", String(format: "%.2f", 100 * r.weightsKept),
             String(format: "%.0f", r.macsPerFrame), String(format: "%.1f", Double(r.bytes) / 1000),
             r.measuredP50.map { String(format: "%.1f", $0) } ?? "-", r.measuredP999.map { String(format: "%.1f", $0) } ?? "-",
             r.predictedP999.map { String(format: "%.1f", $0) } ?? "-", String(format: "%.4f", r.metric)]
        }
        let widths = header.indices.map { c in ([header[c]] + body.map { $0[c] }).map(\.count).max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, s in
                let pad = String(repeating: " ", count: widths[c] - s.count)
                return c == 0 ? s + pad : pad + s
            }.joined(separator: "  ")
        }
        return ([line(header), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")] + body.map(line))
            .joined(separator: "\n") + "\n"
    }
}
