// Block times of a ticket: measured here through the engine (WhittleProfile.LatencyMeasurement,
// EngineRT.render with the model as a processor) and predicted on a device profile. A model
// whose metadata lacks what the engine's model processor needs gets defaults for timing only:
// the host rate with a hop of one block (exactly one model frame per block, so every block's time
// includes the model) and a log-mel front end of the input's height. A graph the engine cannot
// run (input not [bands, 1]) is timed as the bare model: its frames per block × Model.process().

import Foundation
import WhittleNN
import WhittleProfile

public struct ProfileTimer: TicketTimer {
    public var block: Int
    public var rate: Int
    /// Seconds of audio per measurement (paced in real time); 0 = do not measure here.
    public var seconds: Double
    public var profile: DeviceProfile?
    /// Time tickets as the engine runs them with split frames (network one block after the front end).
    public var splitFrames: Bool

    public init(block: Int, rate: Int, seconds: Double, profile: DeviceProfile?, splitFrames: Bool = false) {
        self.block = block
        self.rate = rate
        self.seconds = seconds
        self.profile = profile
        self.splitFrames = splitFrames
    }

    public func times(_ model: ModelFile) throws -> TicketTimes {
        let view = Self.timingView(model, block: block, rate: rate)
        var measured: (Double, Double)? = nil
        if seconds > 0 {
            if Self.engineCanRun(view) {
                // Unpaced: blocks back to back, the same per-block work in a fraction of the wall time.
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-trim-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).safetensors").path
                try view.write(path: path)
                defer { try? FileManager.default.removeItem(atPath: path) }
                let t = try LatencyMeasurement.measure(chain: "model=\(path)", block: block, rate: rate, seconds: seconds, paced: false, splitFrames: splitFrames).times
                measured = (t.p50, t.p999)
            } else {
                let t = try ModelTiming.measure(view, block: block, rate: rate, seconds: seconds)
                measured = (t.p50, t.p999)
            }
        }
        let predicted = try profile.map { try $0.predict(view, block: block, rate: rate, splitFrames: splitFrames).p999 }
        return TicketTimes(measured: measured, predicted: predicted)
    }

    static func engineCanRun(_ model: ModelFile) -> Bool {
        guard let shape = model.graph.inputs.first?.shape else { return false }
        return shape.count == 2 && shape[1] == 1
    }

    /// The model with timing defaults for any missing sample_rate, hop and features.
    public static func timingView(_ model: ModelFile, block: Int, rate: Int) -> ModelFile {
        var m = model
        if m.metadata["sample_rate"] == nil || m.metadata["hop"] == nil {
            m.metadata["sample_rate"] = "\(rate)"
            m.metadata["hop"] = "\(block)"
        }
        if m.metadata["features"] == nil, let shape = m.graph.inputs.first?.shape, shape.count == 2, shape[1] == 1 {
            let hop = Int(m.metadata["hop"]!) ?? 160
            var fft = 16
            while fft < max(hop, 2 * shape[0]) { fft *= 2 }
            m.metadata["features"] = "{\"type\":\"logmel\",\"n_fft\":\(fft),\"bands\":\(shape[0])}"
        }
        return m
    }
}

/// Bare-model timing: each host block runs the model frames that fall into it.
public enum ModelTiming {
    public static func measure(_ model: ModelFile, block: Int, rate: Int, seconds: Double) throws -> BlockTimes {
        let runtime = try model.build()
        let modelRate = Double(model.metadata["sample_rate"] ?? "") ?? Double(rate)
        let hop = Double(model.metadata["hop"] ?? "") ?? Double(block)
        let framesPerBlock = Double(block) / Double(rate) * modelRate / hop
        for port in runtime.inputs { for i in 0..<port.count { port.buffer[i] = Float(i % 7) * 0.1 } }
        let blocks = max(100, Int(seconds * Double(rate) / Double(block)))
        var samples: [Double] = []
        samples.reserveCapacity(blocks)
        var owed = 0.0
        for _ in 0..<blocks + 20 {
            owed += framesPerBlock
            let start = DispatchTime.now().uptimeNanoseconds
            while owed >= 1 { runtime.process(); owed -= 1 }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
        }
        return BlockTimes(samples: Array(samples.dropFirst(20)))
    }
}
