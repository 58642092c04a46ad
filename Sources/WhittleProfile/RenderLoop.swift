// Drives EngineRT.render on a dedicated thread, the way a backend's audio thread would: pinned to
// one core when the system allows, SCHED_FIFO when permitted, one block per block period (or back
// to back), timing every block into a preallocated array.

import Foundation
import Glibc
import WhittleEngine

struct RenderLoopResult: Sendable {
    /// Render time of every measured block, in µs.
    var times: [Double]
    var pinnedCPU: Int?
    var realtimePriority: Bool
    /// Untimed blocks rendered first (after the engine's own warm-up in prepare).
    var warmupBlocks: Int
}

enum RenderLoop {
    /// Renders `warmup` blocks (not timed), then `blocks` timed blocks of `block` frames of `signal`
    /// (looped). `paced`: one block per block period of `rate`, as a sound card would ask.
    static func run(_ engine: Engine, signal: [Float], block: Int, rate: Int, warmup: Int, blocks: Int, paced: Bool) -> RenderLoopResult {
        let box = Box(engine.realtime, signal: signal, block: block, count: warmup + blocks)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.pinnedCPU = pinToLastCPU()
            box.realtime = raisePriority()
            box.render(paced: paced, periodNs: UInt64(Double(block) * 1e9 / Double(rate)))
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        done.wait()
        defer { box.deallocate() }
        let times = (warmup..<(warmup + blocks)).map { Double(box.times[$0]) / 1000 }
        return RenderLoopResult(times: times, pinnedCPU: box.pinnedCPU, realtimePriority: box.realtime, warmupBlocks: warmup)
    }

    /// Pins the calling thread to the highest-numbered CPU it may run on (the other jobs on a
    /// shared machine tend to start on CPU 0). Returns the CPU, or nil when pinning failed.
    static func pinToLastCPU() -> Int? {
        // glibc's sched_{get,set}affinity need _GNU_SOURCE, so Swift does not import them: look them up.
        typealias Affinity = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
        guard let get = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_getaffinity"),
              let set = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sched_setaffinity") else { return nil }
        let getAffinity = unsafeBitCast(get, to: Affinity.self), setAffinity = unsafeBitCast(set, to: Affinity.self)
        var mask = [UInt64](repeating: 0, count: 16)   // 1024 CPUs, the size of glibc's cpu_set_t
        let bytes = mask.count * 8
        guard mask.withUnsafeMutableBytes({ getAffinity(0, bytes, $0.baseAddress!) }) == 0 else { return nil }
        guard let cpu = (0..<(bytes * 8)).last(where: { mask[$0 / 64] & (1 << UInt64($0 % 64)) != 0 }) else { return nil }
        var one = [UInt64](repeating: 0, count: 16)
        one[cpu / 64] = 1 << UInt64(cpu % 64)
        return one.withUnsafeMutableBytes({ setAffinity(0, bytes, $0.baseAddress!) }) == 0 ? cpu : nil
    }

    /// SCHED_FIFO at a middling priority, if this process may (root or RLIMIT_RTPRIO).
    static func raisePriority() -> Bool {
        var param = sched_param()
        param.sched_priority = 70
        return pthread_setschedparam(pthread_self(), Int32(SCHED_FIFO), &param) == 0
    }

    static func nowNs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Everything the render thread touches, allocated before it starts.
    final class Box: @unchecked Sendable {
        let rt: EngineRT
        let signal: UnsafeMutablePointer<Float>
        let signalCount: Int
        let output: UnsafeMutablePointer<Float>
        let times: UnsafeMutablePointer<UInt64>
        let block: Int
        let count: Int
        var pinnedCPU: Int? = nil
        var realtime = false

        init(_ rt: EngineRT, signal: [Float], block: Int, count: Int) {
            self.rt = rt
            // The signal plus one block of wrap-around, so every block is contiguous.
            signalCount = max(signal.count, block)
            self.signal = .allocate(capacity: signalCount + block)
            for i in 0..<(signalCount + block) { self.signal[i] = signal.isEmpty ? 0 : signal[i % signal.count] }
            output = .allocate(capacity: block)
            times = .allocate(capacity: count)
            times.initialize(repeating: 0, count: count)
            self.block = block
            self.count = count
        }

        func render(paced: Bool, periodNs: UInt64) {
            var position = 0
            var next = RenderLoop.nowNs()
            for i in 0..<count {
                if paced {
                    next += periodNs
                    var ts = timespec(tv_sec: Int(next / 1_000_000_000), tv_nsec: Int(next % 1_000_000_000))
                    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
                }
                let start = RenderLoop.nowNs()
                rt.render(input: signal + position, output: output, frames: block)
                times[i] = RenderLoop.nowNs() - start
                position += block
                if position >= signalCount { position -= signalCount }
            }
        }

        func deallocate() {
            signal.deallocate(); output.deallocate(); times.deallocate()
        }
    }
}
