// Options of a trimming run. Everything that changes results is here, so a checkpoint can refuse
// to resume under different options.

public enum ResetKind: String, Codable, Sendable, CaseIterable {
    /// Survivors go back to the weights of the rewind epoch (lottery tickets with rewinding).
    case rewind
    /// Survivors are re-initialised at random (the papers' baseline).
    case reinit
}

public enum TrimMode: String, Codable, Sendable, CaseIterable {
    case structured, masking
    /// Structured trimming plus the re-initialised and masking baselines.
    case all
}

public struct TrimConfig: Codable, Sendable, Equatable {
    public var rounds = 8
    public var fraction = 0.25
    public var criterion: TrimCriterion = .magnitude
    public var miReference: MIReference = .target
    public var selection: SelectionScope = .global
    public var reset: ResetKind = .rewind
    public var mode: TrimMode = .structured
    public var rewindEpoch = 1
    public var seed: UInt64 = 0
    public var minUnits = 2
    /// Share of every ticket's training target taken from the trained dense model's outputs
    /// (knowledge distillation); nil: labels only. Optional so older checkpoints still load.
    public var distill: Double? = nil
    /// Teacher model files (an ensemble, averaged) taught with `distill` instead of the trained
    /// dense model, the dense model too; nil: the dense model teaches. Optional so older checkpoints still load.
    public var teachers: [String]? = nil
    /// Each teacher file's digest when the run began (`TeacherFiles`): a teacher changed later, or
    /// before a resume, is refused. Optional so older checkpoints still load.
    public var teacherDigests: [String]? = nil
    /// Fraction cut in the last round instead of `fraction` (lands the last ticket on a chosen
    /// width, e.g. the widest under 10 %); nil: `fraction`. Optional so older checkpoints still load.
    public var finalFraction: Double? = nil
    /// With rewind: every ticket's output layer starts from fresh weights, the rest rewound. Optional
    /// so older checkpoints still load.
    public var reinitHead: Bool? = nil
    /// Training options that the trainer applies, recorded so a resume cannot mix them.
    public var training: [String: String] = [:]
    public init() {}

    /// The fraction of the remaining units cut in structured or masking round `round` (1...rounds).
    public func fraction(round: Int) -> Double { round == rounds ? finalFraction ?? fraction : fraction }

    /// The work of a run, in order: dense, structured rounds, their re-initialised twins, masking rounds.
    public var steps: [TrimStep] {
        var steps = [TrimStep(method: .structured, round: 0)]
        if mode != .masking { steps += (1...max(rounds, 1)).map { TrimStep(method: .structured, round: $0) } }
        if mode == .all && reset == .rewind { steps += (1...max(rounds, 1)).map { TrimStep(method: .reinit, round: $0) } }
        if mode != .structured { steps += (1...max(rounds, 1)).map { TrimStep(method: .masking, round: $0) } }
        return steps
    }
}

public struct TrimStep: Codable, Sendable, Hashable, CustomStringConvertible {
    public var method: TrimMethod
    public var round: Int
    public var description: String { round == 0 ? "dense" : "\(method.rawValue) round \(round)" }
    /// The ticket's file in the output directory.
    public var file: String { method == .structured ? "round-\(round).safetensors" : "\(method.rawValue)-\(round).safetensors" }
    /// A training seed of its own for every step, derived from the run's seed.
    func seed(_ base: UInt64) -> UInt64 {
        var z = base &+ UInt64(TrimMethod.allCases.firstIndex(of: method)! * 10_000 + round) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
