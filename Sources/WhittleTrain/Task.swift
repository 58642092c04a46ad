// What a training task supplies: sequences, a loss per output and a validation metric.
// Real tasks (onset, drums, pitch on rendered data) implement the same protocol.

/// Sequences for a graph: inputs[name] is [B, T] + that input's frame shape; targets[output] is
/// [B, T(out)] + the output's frame shape (T(out) = ⌈T / period⌉ for strided graphs; pitch targets may be [B, T, 1] Hz).
public struct Batch: Sendable, Equatable {
    public var inputs: [String: TensorData]
    public var targets: [String: TensorData]
    public init(inputs: [String: TensorData], targets: [String: TensorData]) { self.inputs = inputs; self.targets = targets }

    public var count: Int { inputs.values.first?.shape.first ?? 0 }
    var length: Int { inputs.values.first?.shape.dropFirst().first ?? 0 }

    /// Sequences `range` along the batch axis.
    public func slice(_ range: Range<Int>) -> Batch {
        func cut(_ t: TensorData) -> TensorData {
            let per = t.shape.dropFirst().reduce(1, *)
            return TensorData(shape: [range.count] + t.shape.dropFirst(), values: Array(t.values[(range.lowerBound * per)..<(range.upperBound * per)]))
        }
        return Batch(inputs: inputs.mapValues(cut), targets: targets.mapValues(cut))
    }

    /// Batches joined along the batch axis (they must agree in every other axis).
    public static func joined(_ parts: [Batch]) -> Batch {
        func join(_ ts: [TensorData]) -> TensorData {
            TensorData(shape: [ts.reduce(0) { $0 + $1.shape[0] }] + ts[0].shape.dropFirst(), values: ts.flatMap(\.values))
        }
        var inputs: [String: TensorData] = [:], targets: [String: TensorData] = [:]
        for k in parts[0].inputs.keys { inputs[k] = join(parts.map { $0.inputs[k]! }) }
        for k in parts[0].targets.keys { targets[k] = join(parts.map { $0.targets[k]! }) }
        return Batch(inputs: inputs, targets: targets)
    }
}

public protocol TrainingTask: Sendable {
    var name: String { get }
    /// Training sequences for an epoch, in any grouping: the trainer regroups them into batches of
    /// `TrainOptions.batchSize` sequences of equal length, shuffled with the seed.
    func trainingBatches(epoch: Int, seed: UInt64) throws -> [Batch]
    func validationBatches() throws -> [Batch]
    func loss(output: String) -> LossKind
    /// Validation metric, higher is better; `outputs[i]` holds the graph outputs for `batches[i]`.
    func metric(outputs: [[String: TensorData]], batches: [Batch]) -> Double
}

/// Tasks by name, for the CLI.
public enum TrainingTasks {
    public static let names = ["synthetic"]
    public static func named(_ name: String, graph: ModelGraph, seed: UInt64) throws -> TrainingTask {
        switch name {
        case "synthetic": return try SyntheticTask(graph: graph, seed: seed)
        default: throw TrainError("unknown task '\(name)' (known: \(names.joined(separator: ", ")))")
        }
    }
}
