// What the lottery needs from training and timing, as small protocols: the real implementations
// wrap WhittleTrain and WhittleProfile (TrainingAdapter.swift, TimingAdapter.swift); tests use fakes
// so the loop, resume and budget logic are checked in milliseconds.

import WhittleNN
import WhittleTrain

public struct TrainedTicket: Sendable {
    public var model: ModelFile
    /// The weights after the rewind epoch, when one was asked for.
    public var rewind: ModelFile?
    public var metric: Double
    public init(model: ModelFile, rewind: ModelFile?, metric: Double) { self.model = model; self.rewind = rewind; self.metric = metric }
}

public protocol TicketTrainer: Sendable {
    /// Name of the validation metric (higher is better), for reports.
    var metricName: String { get }
    func initialize(_ graph: ModelGraph, seed: UInt64) throws -> ModelFile
    /// Trains `model` from its current weights. `masks` fix weights at zero (unstructured baseline);
    /// `distillation` blends a teacher's outputs into the targets. `progress` receives the fraction of this training done.
    func train(_ model: ModelFile, seed: UInt64, rewindEpoch: Int?, masks: [String: [Float]]?, distillation: Distillation?,
               progress: @escaping @Sendable (Double) -> Void) throws -> TrainedTicket
    /// Validation sequences for the activation and MI criteria.
    func validationBatches() throws -> [SequenceBatch]
}

public struct TicketTimes: Sendable {
    /// Measured here (µs), p50 and p99.9.
    public var measured: (p50: Double, p999: Double)?
    /// Predicted on the target profile (µs, p99.9).
    public var predicted: Double?
    public init(measured: (p50: Double, p999: Double)?, predicted: Double?) { self.measured = measured; self.predicted = predicted }
}

public protocol TicketTimer: Sendable {
    func times(_ model: ModelFile) throws -> TicketTimes
}

/// No timing (tests, or --no-measure without a profile).
public struct NoTimer: TicketTimer {
    public init() {}
    public func times(_ model: ModelFile) throws -> TicketTimes { TicketTimes(measured: nil, predicted: nil) }
}
