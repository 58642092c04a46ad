// Hyper-parameters, progress reports and results of a training run.

public struct TrainOptions: Sendable {
    public var epochs = 20, batchSize = 16, learningRate: Float = 1e-3, weightDecay: Float = 0, seed: UInt64 = 0
    /// Snapshot of the weights after this epoch (0 = at initialisation) for lottery rewinding.
    public var rewindEpoch: Int? = nil
    /// Early stopping: stop after this many epochs without a better validation metric.
    public var patience: Int? = nil
    /// A checkpoint is written here after every epoch; with `resume` a run continues from it.
    public var checkpointDirectory: String? = nil
    public var resume = false
    /// Fixed multiplicative masks per tensor (unstructured lottery baseline).
    public var masks: [String: [Float]]? = nil
    /// Data-parallel workers (each takes a slice of every batch).
    public var threads = 2
    /// OpenBLAS threads per GEMM (1 when the workers already use the cores).
    public var blasThreads = 1
    /// Global gradient-norm clipping.
    public var clipNorm: Float = 5
    /// Tests: stop as if interrupted after this many epochs (the checkpoint is written first).
    var stopAfterEpochs: Int? = nil

    public init() {}

    public func validate() throws {
        guard epochs >= 1 else { throw TrainError("--epochs must be at least 1 (got \(epochs))") }
        guard batchSize >= 1 else { throw TrainError("--batch must be at least 1 (got \(batchSize))") }
        guard learningRate > 0, learningRate.isFinite, learningRate < 10 else { throw TrainError("--lr must be a positive number below 10 (got \(learningRate))") }
        guard weightDecay >= 0, weightDecay.isFinite, weightDecay < 1 else { throw TrainError("--weight-decay must be in [0, 1) (got \(weightDecay))") }
        if let r = rewindEpoch, r < 0 || r > epochs { throw TrainError("--rewind-epoch must be in 0...\(epochs) (got \(r))") }
        if let p = patience, p < 1 { throw TrainError("--patience must be at least 1 (got \(p))") }
        guard (1...64).contains(threads), (1...64).contains(blasThreads) else { throw TrainError("threads must be in 1...64") }
        guard clipNorm > 0 else { throw TrainError("clip norm must be positive") }
        if resume && checkpointDirectory == nil { throw TrainError("--resume needs --checkpoints DIR") }
    }
}

public struct TrainProgress: Sendable {
    public var epoch: Int, epochs: Int
    public var batch: Int, batches: Int
    /// Mean training loss of the epoch so far.
    public var loss: Double
    /// Set once the epoch's validation has run.
    public var validationMetric: Double?
    public var elapsedSeconds: Double
    public var etaSeconds: Double?
}

public struct TrainOutcome: Sendable {
    /// The weights with the best validation metric.
    public var model: ModelFile
    public var rewind: ModelFile?
    public var validationMetric: Double
    public var epochsRun: Int
    /// Validation metric after each epoch (and training loss), for curves and reports.
    public var history: [(epoch: Int, loss: Double, metric: Double)]
}
