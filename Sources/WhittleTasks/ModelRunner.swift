import WhittleNN

/// Runs a runtime model (the engine's inference code) over feature frames, one frame per call,
/// and collects its first output.
public enum ModelRunner {
    public static func outputs(_ model: Model, frames: Int, width: Int, feature: (Int, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        guard let input = model.inputs.first, let output = model.outputs.first else { return [] }
        precondition(input.count == width, "model input takes \(input.count) values, features give \(width)")
        model.reset()
        var out: [Float] = []
        out.reserveCapacity(frames * output.count)
        for t in 0..<frames {
            feature(t, input.buffer)
            model.process()
            for k in 0..<output.count { out.append(output.buffer[k]) }
        }
        return out
    }

    public static func outputs(_ model: Model, features: FeatureMatrix) -> [Float] {
        features.values.withUnsafeBufferPointer { v in
            outputs(model, frames: features.frames, width: features.width) { t, dst in
                dst.update(from: v.baseAddress! + t * features.width, count: features.width)
            }
        }
    }
}
