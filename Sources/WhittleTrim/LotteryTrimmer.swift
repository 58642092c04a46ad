// The iterative lottery: train dense (snapshot at the rewind epoch), then each round score the
// units of the last trained ticket, cut, rewind the survivors to the snapshot (or re-initialise
// them), retrain. Baselines run after the main rounds: the same architectures re-initialised,
// and unstructured masking. Every step is checkpointed; a resumed run skips the steps done and
// gives the same result as an uninterrupted one with the same seed.

import Foundation
import WhittleNN
import WhittleTrain

public struct TrimProgress: Sendable {
    public var step: Int
    public var steps: Int
    public var label: String
    /// Fraction of this step done (training dominates).
    public var fraction: Double
    /// Fraction of the whole run done.
    public var overall: Double { (Double(step) + fraction) / Double(max(steps, 1)) }
}

public struct LotteryTrimmer: Sendable {
    public var config: TrimConfig
    public var trainer: any TicketTrainer
    public var timer: any TicketTimer
    public var checkpoint: TrimCheckpoint
    /// Interleaved timing passes over all tickets at the end (0: keep the per-step figures).
    public var timingPasses = 0

    public init(config: TrimConfig, trainer: any TicketTrainer, timer: any TicketTimer, directory: String) {
        self.config = config
        self.trainer = trainer
        self.timer = timer
        checkpoint = TrimCheckpoint(directory: directory)
    }

    /// Runs (or resumes) the whole run from `start`. `afterStep` runs once a step is checkpointed
    /// (tests interrupt there by throwing).
    public func run(start: ModelFile, resume: Bool,
                    progress: @escaping @Sendable (TrimProgress) -> Void = { _ in },
                    afterStep: (TrimStep) throws -> Void = { _ in }) throws -> TrimState {
        var state: TrimState
        if checkpoint.exists() {
            guard resume else {
                throw TrimError("\(checkpoint.directory) already holds a trimming run: pass --resume to continue it, or choose another --out")
            }
            state = try checkpoint.load()
            // Checkpoints from before teacher digests were recorded resume under this run's digests.
            if state.config.teacherDigests == nil && state.config.teachers != nil { state.config.teacherDigests = config.teacherDigests }
            guard state.config == config else {
                throw TrimError("\(checkpoint.directory): the checkpoint was made with other options (\(Self.describe(state.config))) than this run's (\(Self.describe(config))); resume with the same options")
            }
        } else {
            state = TrimState(config: config)
        }
        try checkpoint.prepare()
        let steps = config.steps
        for (index, step) in steps.enumerated() where !state.done.contains(step) {
            let report: @Sendable (Double) -> Void = { f in progress(TrimProgress(step: index, steps: steps.count, label: step.description, fraction: f)) }
            report(0)
            try perform(step, state: &state, start: start, progress: report)
            state.done.append(step)
            try checkpoint.save(state)
            report(1)
            try afterStep(step)
        }
        if !state.timed && timingPasses > 0 {
            try remeasure(&state, progress: progress)
            state.timed = true
            try checkpoint.save(state)
        }
        return state
    }

    /// Final timing: every ticket again in `timingPasses` interleaved passes, keeping the median,
    /// so load from other processes during the run (training, builds) affects all tickets alike.
    func remeasure(_ state: inout TrimState, progress: @escaping @Sendable (TrimProgress) -> Void) throws {
        var p50: [[Double]] = Array(repeating: [], count: state.rows.count), p999 = p50
        let models = try state.rows.map { try ModelFile.read(path: path($0.file)) }
        let total = timingPasses * models.count
        for pass in 0..<timingPasses {
            for (i, model) in models.enumerated() {
                progress(TrimProgress(step: pass * models.count + i, steps: total, label: "timing pass \(pass + 1)/\(timingPasses)", fraction: 0))
                let t = try timer.times(model)
                if let m = t.measured { p50[i].append(m.p50); p999[i].append(m.p999) }
            }
        }
        func median(_ v: [Double]) -> Double? { v.isEmpty ? nil : v.sorted()[v.count / 2] }
        for i in state.rows.indices {
            if let m = median(p50[i]) { state.rows[i].measuredP50 = m }
            if let m = median(p999[i]) { state.rows[i].measuredP999 = m }
        }
    }

    func perform(_ step: TrimStep, state: inout TrimState, start: ModelFile, progress: @escaping @Sendable (Double) -> Void) throws {
        let seed = step.seed(config.seed)
        switch (step.method, step.round) {
        case (_, 0):
            let ticket = try trainer.train(start, seed: seed, rewindEpoch: config.rewindEpoch, masks: nil,
                                           distillation: config.teachers == nil ? nil : try distillation(), progress: progress)
            try TrimCheckpoint.write(ticket.rewind ?? start, to: checkpoint.path(checkpoint.rewindName(round: 0)))
            state.kept = try Self.denseChannels(start)
            try record(step, ticket, parent: nil, state: &state)

        case (.structured, let k):
            if let exhausted = state.structuredExhaustedAt, exhausted < k { return }
            let trained = try ModelFile.read(path: path(TrimStep(method: .structured, round: k - 1).file))
            let snapshot = try ModelFile.read(path: checkpoint.path(checkpoint.rewindName(round: k - 1)))
            let graph = try UnitGraph(trained.graph)
            var scorer = UnitScorer(criterion: config.criterion, miReference: config.miReference)
            scorer.maxFrames = 4000
            let batches = config.criterion == .activation || config.criterion == .mi ? try trainer.validationBatches() : []
            let scores = try scorer.scores(trained, graph: graph, batches: batches)
            let cut = UnitSelection.select(graph, scores: scores, fraction: config.fraction(round: k), scope: config.selection, minUnits: config.minUnits)
            guard !cut.isEmpty else { state.structuredExhaustedAt = k; return }
            let removal = try graph.remove(cut, from: snapshot)
            for (node, keep) in removal.kept { state.kept[node] = keep.map { state.kept[node]![$0] } }
            var next = config.reset == .rewind ? removal.model : try reinitialised(removal.model, seed: seed)
            if config.reset == .rewind, config.reinitHead == true { next = try headReinitialised(next, seed: seed) }
            try TrimCheckpoint.write(next, to: checkpoint.path(checkpoint.rewindName(round: k)))
            let ticket = try trainer.train(next, seed: seed, rewindEpoch: nil, masks: nil, distillation: try distillation(), progress: progress)
            try record(step, ticket, parent: TrimStep(method: .structured, round: k - 1).file, state: &state)

        case (.reinit, let k):
            let source = TrimStep(method: .structured, round: k)
            guard state.rows.contains(where: { $0.method == .structured && $0.round == k }) else { return }  // stopped early
            let architecture = try ModelFile.read(path: path(source.file))
            let ticket = try trainer.train(try reinitialised(architecture, seed: seed), seed: seed, rewindEpoch: nil, masks: nil,
                                           distillation: try distillation(), progress: progress)
            try record(step, ticket, parent: source.file, state: &state)

        case (.masking, let k):
            let previous = k == 1 ? TrimStep(method: .structured, round: 0) : TrimStep(method: .masking, round: k - 1)
            let trained = try ModelFile.read(path: path(previous.file))
            let masks = k == 1 ? WeightMasking.full(trained, try WeightMasking.maskedTensors(trained)) : try checkpoint.readMasks(round: k - 1)
            let tighter = WeightMasking.tighten(masks, trained: trained, fraction: config.fraction(round: k), scope: config.selection)
            try checkpoint.writeMasks(tighter, round: k)
            let snapshot = try ModelFile.read(path: checkpoint.path(checkpoint.rewindName(round: 0)))
            let startModel = config.reset == .rewind ? snapshot : try trainer.initialize(snapshot.graph, seed: seed)
            let ticket = try trainer.train(WeightMasking.apply(tighter, to: startModel), seed: seed, rewindEpoch: nil, masks: tighter,
                                           distillation: try distillation(), progress: progress)
            // Training keeps masked weights at zero; re-apply so costs count exactly the mask.
            try record(step, TrainedTicket(model: WeightMasking.apply(tighter, to: ticket.model), rewind: nil, metric: ticket.metric),
                       parent: previous.file, state: &state)
        }
    }

    /// The given teachers, or else the trained dense model, as every ticket's teacher, when the run distils.
    func distillation() throws -> Distillation? {
        guard let w = config.distill else { return nil }
        if let teachers = config.teachers {
            let files = try teachers.enumerated().map { i, path in
                try TeacherFiles.read(path, expected: config.teacherDigests.flatMap { i < $0.count ? $0[i] : nil })
            }
            return Distillation(teachers: files, weight: Float(w))
        }
        return Distillation(teacher: try ModelFile.read(path: path(TrimStep(method: .structured, round: 0).file)), weight: Float(w))
    }

    func reinitialised(_ model: ModelFile, seed: UInt64) throws -> ModelFile {
        var fresh = try trainer.initialize(model.graph, seed: seed)
        fresh.metadata = model.metadata
        return fresh
    }

    /// `model` with its output layer (the last node holding tensors) re-initialised: the rewound
    /// head of a narrow ticket can pin every output near zero (docs/detector-experiments.md, session 15).
    func headReinitialised(_ model: ModelFile, seed: UInt64) throws -> ModelFile {
        let fresh = try trainer.initialize(model.graph, seed: seed)
        guard let head = model.graph.nodes.last(where: { node in model.tensors.keys.contains { $0.hasPrefix(node.name + ".") } }) else {
            throw TrimError("the model has no layer with weights to re-initialise")
        }
        var out = model
        for name in model.tensors.keys where name.hasPrefix(head.name + ".") { out.tensors[name] = fresh.tensors[name] }
        return out
    }

    /// Writes the ticket with its provenance, measures it and adds its report row.
    func record(_ step: TrimStep, _ ticket: TrainedTicket, parent: String?, state: inout TrimState) throws {
        var model = ticket.model
        let costs = try ModelCosts(model)
        let dense = state.rows.first { $0.round == 0 }
        let denseWeights = dense?.weights ?? costs.weights
        var row = TrimRow(method: step.method, round: step.round, costs: costs, denseWeights: denseWeights,
                          metric: ticket.metric, widths: try Self.widths(model), file: step.file)
        let provenance = Provenance(method: step.method.rawValue, round: step.round, criterion: config.criterion.rawValue,
                                    selection: config.selection.rawValue, reset: config.reset.rawValue, fraction: config.fraction(round: step.round),
                                    seed: config.seed, parameters: costs.parameters, weightsKept: row.weightsKept,
                                    metric: ticket.metric, denseMetric: dense?.metric ?? ticket.metric, parent: parent,
                                    distill: step.round == 0 && config.teachers == nil ? nil : config.distill,
                                    teachers: config.distill == nil ? nil : config.teachers?.map { ($0 as NSString).lastPathComponent })
        model.metadata["provenance"] = try provenance.json()
        let times = try timer.times(model)
        row.measuredP50 = times.measured?.p50
        row.measuredP999 = times.measured?.p999
        row.predictedP999 = times.predicted
        row.bytes = try model.serialized().count
        try TrimCheckpoint.write(model, to: path(step.file))
        state.rows.append(row)
    }

    func path(_ file: String) -> String { checkpoint.directory + "/" + file }

    /// Units per trimmable layer of a model, e.g. "c1:24 c2:18 d1:100".
    public static func widths(_ model: ModelFile) throws -> String {
        let graph = try UnitGraph(model.graph)
        return graph.layers.filter { $0.units.contains { !graph.units[$0].frozen } }
            .map { "\($0.name):\($0.units.count)" }.joined(separator: " ")
    }

    static func denseChannels(_ model: ModelFile) throws -> [String: [Int]] {
        try UnitGraph(model.graph).producerUnits.mapValues { Array($0.indices) }
    }

    static func describe(_ c: TrimConfig) -> String {
        "rounds \(c.rounds), fraction \(c.fraction)" + (c.finalFraction.map { " (last round \($0))" } ?? "") + (c.reinitHead == true ? ", head re-initialised" : "") + ", criterion \(c.criterion.rawValue), selection \(c.selection.rawValue), "
            + "reset \(c.reset.rawValue), mode \(c.mode.rawValue), rewind epoch \(c.rewindEpoch), seed \(c.seed), min units \(c.minUnits)"
            + (c.distill.map { ", distill \($0)" } ?? "")
            + (c.teachers.map { ", teachers \($0.joined(separator: ","))" } ?? "")
            + (c.teacherDigests.map { " (digests \($0.joined(separator: ",")))" } ?? "")
            + (c.training.isEmpty ? "" : ", " + c.training.keys.sorted().map { "\($0) \(c.training[$0]!)" }.joined(separator: ", "))
    }
}

/// The `provenance` metadata of every ticket file.
struct Provenance: Codable {
    var method: String
    var round: Int
    var criterion: String
    var selection: String
    var reset: String
    var fraction: Double
    var seed: UInt64
    var parameters: Int
    var weightsKept: Double
    var metric: Double
    var denseMetric: Double
    var parent: String?
    /// The teacher's share of the targets, when the ticket was distilled (from the dense model, or from `teachers`).
    var distill: Double?
    /// The teachers' file names, when the run was given teachers.
    var teachers: [String]?

    enum CodingKeys: String, CodingKey {
        case method, round, criterion, selection, reset, fraction, seed, parameters, metric, parent, distill, teachers
        case weightsKept = "weights_kept", denseMetric = "dense_metric"
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
