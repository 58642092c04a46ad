// The papers' figure as a self-contained SVG: validation metric against the fraction of weights
// kept (log axis, 100 % on the left, trimming proceeds to the right) and against block time
// (p99.9 predicted on the target profile when there is one, else the median measured here: on a
// shared machine the measured tail is mostly other processes), one line per method,
// the dense model as a dashed reference line.

import Foundation

public enum TrimPlot {
    static let colors: [TrimMethod: String] = [.structured: "#1f77b4", .reinit: "#ff7f0e", .masking: "#2ca02c"]
    static let labels: [TrimMethod: String] = [.structured: "structured (trimmed)", .reinit: "re-initialised", .masking: "unstructured masking"]

    public static func svg(_ rows: [TrimRow], title: String, metricName: String = "validation metric") -> String {
        let panelWidth = 420.0, height = 340.0, margin = (left: 62.0, right: 16.0, top: 44.0, bottom: 52.0)
        let plotW = panelWidth - margin.left - margin.right, plotH = height - margin.top - margin.bottom
        let dense = rows.first { $0.method == .structured && $0.round == 0 } ?? rows.first
        let metrics = rows.map(\.metric)
        var (yLo, yHi) = (metrics.min() ?? 0, metrics.max() ?? 1)
        // A collapsed ticket (e.g. F = 0) would flatten every other curve: the axis stops at a quarter
        // of the dense metric below it, and lower points sit on the bottom edge as open triangles.
        if let d = dense?.metric, d > 0, yLo < 0.75 * d { yLo = min(0.75 * d, metrics.filter { $0 >= 0.75 * d }.min() ?? d) }
        if yHi - yLo < 1e-3 { yLo -= 0.01; yHi += 0.01 }
        let pad = 0.06 * (yHi - yLo)
        (yLo, yHi) = (yLo - pad, yHi + pad)
        // Metrics in [0, 1] (F-measures, accuracies) never get an axis beyond it.
        if metrics.allSatisfy({ (0...1).contains($0) }) { (yLo, yHi) = (max(yLo, 0), min(yHi, 1)) }
        let yTicks = niceTicks(yLo, yHi).filter { $0 >= yLo - 1e-9 && $0 <= yHi + 1e-9 }
        let usesPrediction = rows.contains { $0.predictedP999 != nil }
        func time(_ r: TrimRow) -> Double? { usesPrediction ? r.predictedP999 : r.measuredP50 }

        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(2 * panelWidth))" height="\(Int(height + 30))" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(panelWidth)" y="20" text-anchor="middle" font-size="15" font-weight="bold">\(escape(title))</text>

        """
        // Left panel: log x of weights kept, reversed.
        let kept = rows.map { max($0.weightsKept, 1e-6) }
        let xMin = pow(10, floor(log10(kept.min() ?? 0.01) * 2) / 2), xMax = 1.0
        let left = Panel(x0: margin.left, y0: margin.top, w: plotW, h: plotH, yLo: yLo, yHi: yHi) { v in
            (log10(xMax) - log10(max(v, xMin))) / (log10(xMax) - log10(xMin))
        }
        out += left.frame(xLabel: "weights kept (%, log scale)", yLabel: metricName, yTicks: yTicks,
                          xTicks: logTicks(xMin, xMax).map { ($0, percent($0)) })
        // Right panel: linear x of block time.
        let times = rows.compactMap(time)
        let tHi = niceTicks(0, max(1.06 * (times.max() ?? 1), 1e-3)).last!
        let right = Panel(x0: panelWidth + margin.left, y0: margin.top, w: plotW, h: plotH, yLo: yLo, yHi: yHi) { $0 / tHi }
        out += right.frame(xLabel: usesPrediction ? "p99.9 block time on the target, µs (predicted)" : "median block time here, µs (measured)",
                           yLabel: metricName, yTicks: yTicks, xTicks: niceTicks(0, tHi).map { ($0, trimNumber($0)) })
        if let dense {
            out += left.hline(dense.metric) + right.hline(dense.metric)
        }
        for method in TrimMethod.allCases {
            var series = rows.filter { $0.method == method }.sorted { $0.round < $1.round }
            guard !series.isEmpty else { continue }
            // Every method starts from the dense model.
            if let dense, series.first?.round != 0 { series.insert(dense, at: 0) }
            out += left.series(series.map { ($0.weightsKept, $0.metric) }, color: colors[method]!)
            out += right.series(series.compactMap { r in time(r).map { ($0, r.metric) } }, color: colors[method]!)
        }
        // Legend under the panels.
        var lx = margin.left
        let ly = height + 8
        for method in TrimMethod.allCases where rows.contains(where: { $0.method == method }) {
            out += "<line x1=\"\(lx)\" y1=\"\(ly)\" x2=\"\(lx + 24)\" y2=\"\(ly)\" stroke=\"\(colors[method]!)\" stroke-width=\"2\"/>"
            out += "<circle cx=\"\(lx + 12)\" cy=\"\(ly)\" r=\"3.5\" fill=\"\(colors[method]!)\"/>"
            out += "<text x=\"\(lx + 30)\" y=\"\(ly + 4)\">\(labels[method]!)</text>\n"
            lx += 200
        }
        if dense != nil {
            out += "<line x1=\"\(lx)\" y1=\"\(ly)\" x2=\"\(lx + 24)\" y2=\"\(ly)\" stroke=\"#555\" stroke-dasharray=\"5,4\"/>"
            out += "<text x=\"\(lx + 30)\" y=\"\(ly + 4)\">dense model</text>\n"
        }
        if metrics.contains(where: { $0 < yLo }) {
            out += "<text x=\"\(2 * panelWidth - 12)\" y=\"\(height + 24)\" text-anchor=\"end\" font-size=\"11\" fill=\"#555\">▽ below the axis (failed training)</text>\n"
        }
        return out + "</svg>\n"
    }

    struct Panel {
        let x0: Double, y0: Double, w: Double, h: Double, yLo: Double, yHi: Double
        /// Maps an x value to 0...1 of the width.
        let xUnit: (Double) -> Double
        func px(_ x: Double) -> Double { x0 + w * min(max(xUnit(x), -0.02), 1.02) }
        func py(_ y: Double) -> Double { y0 + h * (1 - (y - yLo) / (yHi - yLo)) }

        func frame(xLabel: String, yLabel: String, yTicks: [Double], xTicks: [(Double, String)]) -> String {
            var s = "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(w)\" height=\"\(h)\" fill=\"none\" stroke=\"#333\"/>\n"
            for t in yTicks {
                let y = py(t)
                s += "<line x1=\"\(x0)\" y1=\"\(y)\" x2=\"\(x0 + w)\" y2=\"\(y)\" stroke=\"#e4e4e4\"/>"
                s += "<text x=\"\(x0 - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(trimNumber(t))</text>\n"
            }
            for (t, label) in xTicks {
                let x = px(t)
                s += "<line x1=\"\(x)\" y1=\"\(y0)\" x2=\"\(x)\" y2=\"\(y0 + h)\" stroke=\"#e4e4e4\"/>"
                s += "<line x1=\"\(x)\" y1=\"\(y0 + h)\" x2=\"\(x)\" y2=\"\(y0 + h + 5)\" stroke=\"#333\"/>"
                s += "<text x=\"\(x)\" y=\"\(y0 + h + 18)\" text-anchor=\"middle\">\(label)</text>\n"
            }
            s += "<text x=\"\(x0 + w / 2)\" y=\"\(y0 + h + 38)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
            s += "<text transform=\"translate(\(x0 - 46),\(y0 + h / 2)) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
            return s
        }

        func hline(_ y: Double) -> String {
            "<line x1=\"\(x0)\" y1=\"\(py(y))\" x2=\"\(x0 + w)\" y2=\"\(py(y))\" stroke=\"#555\" stroke-dasharray=\"5,4\"/>\n"
        }

        func series(_ points: [(Double, Double)], color: String) -> String {
            guard !points.isEmpty else { return "" }
            let path = points.map { "\(String(format: "%.2f", px($0.0))),\(String(format: "%.2f", py(max($0.1, yLo))))" }.joined(separator: " ")
            var s = "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>\n"
            for p in points {
                let (x, y) = (String(format: "%.2f", px(p.0)), String(format: "%.2f", py(p.1)))
                if p.1 < yLo {
                    let bottom = y0 + h
                    s += "<path d=\"M \(String(format: "%.2f", px(p.0) - 5)) \(bottom - 9) h 10 l -5 9 z\" fill=\"white\" stroke=\"\(color)\" stroke-width=\"1.5\"><title>\(trimNumber(p.1))</title></path>"
                } else {
                    s += "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"3.5\" fill=\"\(color)\"/>"
                }
            }
            return s + "\n"
        }
    }

    /// 1-2-5 ticks covering [lo, hi], about five of them.
    static func niceTicks(_ lo: Double, _ hi: Double) -> [Double] {
        let span = max(hi - lo, 1e-9), raw = span / 6
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw }!
        let start = floor(lo / step) * step
        return stride(from: start, through: ceil(hi / step) * step + step / 2, by: step).map { ($0 / step).rounded() * step }
    }

    /// 1-2-5 decades between lo and hi (fractions).
    static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        var ticks: [Double] = []
        var decade = pow(10, floor(log10(lo)))
        while decade <= hi * 1.0001 {
            for m in [1.0, 2, 5] where decade * m >= lo * 0.9999 && decade * m <= hi * 1.0001 { ticks.append(decade * m) }
            decade *= 10
        }
        return ticks
    }

    static func percent(_ fraction: Double) -> String { trimNumber(100 * fraction) }

    static func trimNumber(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e9 { return String(Int(v)) }
        var s = String(format: "%.4f", v)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
