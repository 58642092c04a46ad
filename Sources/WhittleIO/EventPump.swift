import Foundation
import WhittleDSP
import WhittleEngine

/// Drains the engine's event ring on a non-real-time thread and hands each event to the
/// writers with its time in seconds. `frameOffset` shifts engine frames to output time
/// (e.g. the file backend's latency compensation).
public final class EventPump: @unchecked Sendable {
    private let engine: Engine
    private let writers: [EventWriter]
    private let sampleRate: Double
    private var thread: Thread?
    private let stopFlag = NSCondition()
    private var stopping = false
    public private(set) var delivered = 0

    public init(engine: Engine, writers: [EventWriter]) {
        self.engine = engine
        self.writers = writers
        self.sampleRate = Double(engine.sampleRate)
    }

    /// Delivers what is waiting now (the file backend calls this between blocks).
    public func pumpOnce() {
        delivered += engine.drainEvents { e in
            let seconds = Double(e.frame) / sampleRate
            for w in writers { w.write(e, seconds: seconds) }
        }
    }

    /// Starts a thread that drains every few milliseconds until `stop`.
    public func start(interval: TimeInterval = 0.005) {
        let t = Thread { [self] in
            while true {
                stopFlag.lock()
                let done = stopping
                stopFlag.unlock()
                pumpOnce()
                if done { break }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        t.name = "whittle-events"
        thread = t
        t.start()
    }

    /// Stops the thread after a last drain, then finishes every writer.
    public func stop() throws {
        if let thread {
            stopFlag.lock(); stopping = true; stopFlag.unlock()
            while !thread.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        }
        thread = nil
        pumpOnce()
        for w in writers { try w.finish() }
    }
}
