// A small task that trains in under a minute: find event onsets in noisy spectrogram-like frames.
// Each frame has `bands` values: background noise, sustained tones that start and stop (energy
// without an event, so loudness alone is not enough), and events — a broadband burst that decays
// over a few frames. The target is 1 on each event's first frame. Metric: onset F-measure with
// ±1 frame tolerance after peak picking at 0.5, as the onset processor does live.

public struct SyntheticTask: TrainingTask {
    public let name = "synthetic"
    public let inputName: String, outputName: String
    public let bands: Int
    public let frames: Int, trainingSequences: Int, validationSequences: Int
    public let seed: UInt64
    let inputShape: [Int]

    /// For a graph with one input of `bands` values per frame ([bands] or [bands, 1]) and one output of 1 value at full rate.
    public init(graph: ModelGraph, seed: UInt64 = 0, frames: Int = 100, trainingSequences: Int = 256, validationSequences: Int = 64) throws {
        guard let input = graph.inputs.first, graph.inputs.count == 1, input.shape.reduce(1, *) == input.shape[0], input.shape[0] >= 4 else {
            throw TrainError("synthetic task: the graph needs one input of shape [bands] or [bands, 1] with at least 4 bands")
        }
        guard let output = graph.outputs.first else { throw TrainError("synthetic task: the graph has no output") }
        inputName = input.name; outputName = output; inputShape = input.shape; bands = input.shape[0]
        self.seed = seed; self.frames = frames
        self.trainingSequences = trainingSequences; self.validationSequences = validationSequences
    }

    public func trainingBatches(epoch: Int, seed: UInt64) throws -> [Batch] { [generate(trainingSequences, salt: 1)] }
    public func validationBatches() throws -> [Batch] { [generate(validationSequences, salt: 2)] }
    public func loss(output: String) -> LossKind { .bce(positiveWeight: 2, widen: 1, widenValue: 0.5) }

    public func metric(outputs: [[String: TensorData]], batches: [Batch]) -> Double {
        var hits = 0, detections = 0, events = 0
        for (out, batch) in zip(outputs, batches) {
            guard let y = out[outputName], let t = batch.targets[outputName] else { continue }
            let B = t.shape[0], T = t.shape[1]
            for b in 0..<B {
                let p = Array(y.values[(b * T)..<((b + 1) * T)]), truth = Array(t.values[(b * T)..<((b + 1) * T)])
                let peaks = (0..<T).filter { i in p[i] >= 0.5 && (i == 0 || p[i] > p[i - 1]) && (i == T - 1 || p[i] >= p[i + 1]) }
                var onsets = (0..<T).filter { truth[$0] >= 1 }
                detections += peaks.count; events += onsets.count
                for peak in peaks {
                    if let j = onsets.firstIndex(where: { abs($0 - peak) <= 1 }) { hits += 1; onsets.remove(at: j) }
                }
            }
        }
        return detections + events == 0 ? 1 : 2 * Double(hits) / Double(detections + events)
    }

    func generate(_ count: Int, salt: UInt64) -> Batch {
        var random = TrainRandom.stream(seed, salt)
        var x = [Float](repeating: 0, count: count * frames * bands), y = [Float](repeating: 0, count: count * frames)
        for s in 0..<count {
            // Per-sequence gain: the detector must not rely on absolute levels.
            let gain = random.uniform(0.5, 1.5)
            var tone = -1, event: Float = 0, shape = [Float](repeating: 0, count: bands)
            var gap = 0
            for t in 0..<frames {
                if random.uniform() < 0.08 { tone = tone < 0 ? random.int(bands - 1) : -1 }
                gap += 1
                if gap > 3 && random.uniform() < 0.1 {
                    gap = 0
                    event = random.uniform(0.3, 0.9)
                    // Broadband, but over a random half or more of the bands.
                    let width = bands / 2 + random.int(bands / 2 + 1), low = random.int(bands - width + 1)
                    for k in 0..<bands { shape[k] = k >= low && k < low + width ? random.uniform(0.5, 1) : 0 }
                    y[s * frames + t] = 1
                }
                for k in 0..<bands {
                    var v = 0.3 * random.normal()
                    if tone >= 0 && (k == tone || k == tone + 1) { v += 1.2 }
                    v += event * shape[k]
                    x[(s * frames + t) * bands + k] = gain * v
                }
                event *= 0.6
            }
        }
        return Batch(inputs: [inputName: TensorData(shape: [count, frames] + inputShape, values: x)],
                     targets: [outputName: TensorData(shape: [count, frames, 1], values: y)])
    }
}
