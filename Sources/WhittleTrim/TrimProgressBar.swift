// A one-line progress bar with ETA on stderr, redrawn at most a few times per second, silent
// when stderr is not a terminal (logs and CI stay clean).

import Foundation

public final class TrimProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var firstFraction: Double?

    public init(enabled: Bool = isatty(STDERR_FILENO) != 0) { self.enabled = enabled }

    /// `fraction` of the whole job done (0...1), `label` what is running now.
    public func update(_ fraction: Double, _ label: String) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.2 || fraction >= 1 else { return }
        lastDraw = now
        // ETA from this invocation's pace (a resumed run starts part-way).
        let base = firstFraction ?? fraction
        if firstFraction == nil { firstFraction = fraction }
        let elapsed = now.timeIntervalSince(started), done = fraction - base
        let eta = done > 0.002 ? elapsed / done * (1 - fraction) : nil
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.line(fraction, label, elapsed: elapsed, eta: eta)).utf8))
    }

    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    public static func line(_ fraction: Double, _ label: String, elapsed: Double, eta: Double?) -> String {
        let width = 28, f = min(max(fraction, 0), 1)
        let filled = Int(f * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        return "\(bar) \(String(format: "%3.0f", 100 * f))%  \(label)  \(clock(elapsed)) elapsed" + (eta.map { ", ETA \(clock($0))" } ?? "")
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
