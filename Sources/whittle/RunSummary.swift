import Glibc
import WhittleEngine
import WhittleIO

/// The one-screen report printed when a live run ends.
struct RunSummary {
    var stats: EngineStats
    var sampleRate: Double
    var backend: String
    var jack: JACKReport? = nil
    var alsa: ALSAReport? = nil

    func print() {
        func us(_ ns: UInt64) -> String { String(Double(ns) / 1000, precision: 1) }
        var lines = ["whittle run summary (\(backend))"]
        let seconds = sampleRate > 0 ? Double(stats.frames) / sampleRate : 0
        lines.append("  blocks \(stats.blocks)  frames \(stats.frames)  (\(String(seconds, precision: 2)) s of audio)")
        lines.append("  xruns \(stats.xruns)  deadline misses \(stats.deadlineMisses)  bypasses \(stats.bypasses)")
        lines.append("  render us: p50 \(us(stats.renderP50))  p99.9 \(us(stats.renderP999))  max \(us(stats.renderMax))")
        if let jack {
            lines.append("  events \(stats.events)  dropped events \(stats.droppedEvents)  MIDI dropped \(jack.midiDropped)")
            lines.append("  jack: \(jack.sampleRate) Hz, \(jack.blockSize) frames/block, latency \(jack.latency) frames")
            let first = jack.firstJackFrame.map(String.init) ?? "none"
            lines.append("  jack frames: first \(first), anchor jack \(jack.anchorJackFrame) = engine \(jack.anchorEngineFrame), skipped cycles \(jack.discontinuities)")
            let log = jack.anchors.map { "\($0.jackFrame)=\($0.engineFrame)" }.joined(separator: " ")
            lines.append("  jack anchors (jack=engine): \(log.isEmpty ? "none" : log)")
        }
        if let alsa {
            lines.append("  events \(stats.events)  dropped events \(stats.droppedEvents)")
            lines.append("  alsa: \(alsa.device) \(alsa.mode), \(alsa.format), \(alsa.channels) ch, \(alsa.sampleRate) Hz, period \(alsa.periodSize) x \(alsa.periods)")
            lines.append("  alsa: frames \(alsa.frames), recoveries \(alsa.recoveries) (\(alsa.stalls) unreported stalls), realtime priority \(alsa.realtimePriority ?? "not permitted")")
        }
        writeAll(1, lines.joined(separator: "\n") + "\n")
    }
}

extension String {
    init(_ value: Double, precision: Int) {
        var scale = 1.0
        for _ in 0..<precision { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var s = "\(rounded)"
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < precision { s += String(repeating: "0", count: precision - decimals) }
        }
        self = s
    }
}
