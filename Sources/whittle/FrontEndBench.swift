// `whittle bench frontend`: the detectors' front ends per hop, and the real FFT inside them,
// against FFTW (libfftw3f, loaded with dlopen when present: a reference measured in the same
// run, never a dependency of the engine).

import ArgumentParser
import Foundation
import WhittleDSP
import WhittleNN
import WhittleProcessors

struct FrontEndBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontend", abstract: "The real FFT against FFTW, and each model's front end and network per frame (pitch: and the online tracker): hot, and with caches evicted.")

    @Option(help: "Seconds of measurement per item.")
    var seconds: Double = 1.0

    @Option(parsing: .upToNextOption, help: "Models whose front end and network to time.")
    var models: [String] = ["Models/onset.safetensors", "Models/drums.safetensors", "Models/pitch.safetensors"]

    func run() throws {
        guard seconds > 0, seconds.isFinite else { throw ValidationError("--seconds must be positive") }
        let fftw = FFTWReference()
        print("item                                 best ns   p50 ns  p99.9 ns   FFTW ns  ratio")
        for n in [1024, 2048] {
            let fft = FFT(size: n)
            defer { fft.deallocate() }
            let x = RawBuffer.floats(n)
            defer { x.deallocate() }
            for i in 0..<n { x[i] = Float(sin(Double(i) * 0.37)) }
            let ours = Timing.measure(seconds / 2) { fft.forward(x) }
            let reference = fftw?.measure(size: n, seconds: seconds / 2)
            print(row("real FFT \(n)", ours, reference))
        }
        for path in models {
            let model = try Model.load(path: path)
            let settings = try NeuralDetectorSettings(metadata: model.metadata, path: path)
            let extractor = FeatureExtractor(settings.features)
            defer { extractor.deallocate() }
            let hop = settings.features.hop
            let signal = RawBuffer.floats(4096 + hop)
            defer { signal.deallocate() }
            for i in 0..<(4096 + hop) { signal[i] = Float(sin(Double(i) * 0.05) + 0.1 * sin(Double(i) * 1.3)) }
            var offset = 0
            let input = model.inputs[0].buffer, count = model.inputs[0].count
            let pushHop: () -> Void = {
                extractor.push(signal + offset)
                offset = (offset + 97) & 4095
            }
            let network: () -> Void = { input.update(from: extractor.features, count: count); model.process() }
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            print(row("\(name): front end", Timing.measure(seconds / 2, pushHop), nil))
            print(row("\(name): network", Timing.measure(seconds / 2, network), nil))
            print(row("\(name): frame, caches evicted", Timing.measureCold(calls: 300) { pushHop(); network() }, nil))
            if settings.task == .pitch {
                // The online pitch tracker (model=M:track=1) on this model's own salience frames.
                let tracker = PitchTracker(bins: 360, settings.tracking ?? .standard)
                defer { tracker.deallocate() }
                let frames = 64, salience = RawBuffer.floats(360 * frames)
                defer { salience.deallocate() }
                for f in 0..<frames { pushHop(); network(); (salience + 360 * f).update(from: model.outputs[0].buffer, count: 360) }
                var f = 0, sink = 0
                print(row("\(name): pitch tracker", Timing.measure(seconds / 2) { sink &+= tracker.push(salience + 360 * f); f = (f + 1) % frames }, nil))
                if sink == -1 { print("") }   // keeps the pushes
            }
        }
        if fftw == nil { print("FFTW: libfftw3f.so.3 not found, no reference") }
        print("best: mean of the best 0.01 s batch (hot caches; evicted: the fastest call); p50/p99.9: single calls. ratio = ours / FFTW.")
    }

    private func row(_ name: String, _ t: Timing, _ reference: Double?) -> String {
        let ref = reference.map { String(format: "%9.0f", $0) } ?? "        –"
        let ratio = reference.map { String(format: "%6.2f", t.best / $0) } ?? "     –"
        return name.padding(toLength: 35, withPad: " ", startingAt: 0)
            + String(format: "%9.0f%9.0f%10.0f", t.best, t.p50, t.p999) + ref + " " + ratio
    }
}

/// Hot best-batch mean and single-call percentiles of a closure, in ns.
struct Timing {
    var best: Double, p50: Double, p999: Double

    static func measure(_ seconds: Double, _ call: () -> Void) -> Timing {
        var batches: [Double] = [], single: [Double] = []
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        repeat {
            var n = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var now = start
            while now - start < 10_000_000 {
                let t0 = now
                call()
                now = DispatchTime.now().uptimeNanoseconds
                single.append(Double(now - t0))
                n += 1
            }
            batches.append(Double(now - start) / Double(n))
        } while DispatchTime.now().uptimeNanoseconds < deadline || batches.count < 3
        return summary(best: batches.min()!, single)
    }

    /// Single calls, each after 16 MB of other memory was written (the caches hold none of the
    /// call's data: the first frame after an idle vCPU wakes, on this VM).
    static func measureCold(calls: Int, _ call: () -> Void) -> Timing {
        let evict = UnsafeMutablePointer<UInt8>.allocate(capacity: 16 << 20)
        defer { evict.deallocate() }
        var single: [Double] = []
        for c in 0..<calls {
            evict.update(repeating: UInt8(truncatingIfNeeded: c), count: 16 << 20)
            let t0 = DispatchTime.now().uptimeNanoseconds
            call()
            single.append(Double(DispatchTime.now().uptimeNanoseconds - t0))
        }
        return summary(best: single.min()!, single)
    }

    private static func summary(best: Double, _ values: [Double]) -> Timing {
        var single = values
        single.sort()
        return Timing(best: best, p50: single[single.count / 2],
                      p999: single[min(single.count - 1, Int(Double(single.count) * 0.999))])
    }
}

/// FFTW's single-precision real-to-complex transform, planned with FFTW_MEASURE.
struct FFTWReference {
    private typealias Malloc = @convention(c) (Int) -> UnsafeMutableRawPointer?
    private typealias Plan = @convention(c) (Int32, UnsafeMutablePointer<Float>, UnsafeMutableRawPointer, UInt32) -> OpaquePointer?
    private typealias Execute = @convention(c) (OpaquePointer) -> Void
    private let malloc: Malloc, plan: Plan, execute: Execute

    init?() {
        guard let lib = dlopen("libfftw3f.so.3", RTLD_NOW),
              let m = dlsym(lib, "fftwf_malloc"), let p = dlsym(lib, "fftwf_plan_dft_r2c_1d"),
              let e = dlsym(lib, "fftwf_execute") else { return nil }
        malloc = unsafeBitCast(m, to: Malloc.self)
        plan = unsafeBitCast(p, to: Plan.self)
        execute = unsafeBitCast(e, to: Execute.self)
    }

    /// Best-batch ns per transform (plans and buffers are leaked: a benchmark's lifetime).
    func measure(size n: Int, seconds: Double) -> Double? {
        guard let input = malloc(4 * n)?.bindMemory(to: Float.self, capacity: n),
              let output = malloc(8 * (n / 2 + 1)) else { return nil }
        let fftwMeasure: UInt32 = 0
        guard let p = plan(Int32(n), input, output, fftwMeasure) else { return nil }
        for i in 0..<n { input[i] = Float(sin(Double(i) * 0.37)) }
        return Timing.measure(seconds) { execute(p) }.best
    }
}
