import Foundation
import Testing
import WhittleNN
import WhittleTrain
@testable import WhittleTrim

struct Interrupted: Error {}

func scratchDirectory(_ name: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-trim-\(name)-\(getpid())").path
    try? FileManager.default.removeItem(atPath: path)
    return path
}

@Suite struct LotteryTests {
    func config(_ mode: TrimMode = .all, criterion: TrimCriterion = .magnitude) -> TrimConfig {
        var c = TrimConfig()
        c.rounds = 3
        c.mode = mode
        c.criterion = criterion
        c.seed = 5
        return c
    }

    @Test func roundsShrinkAndEveryTicketBuilds() throws {
        let dir = scratchDirectory("rounds")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let trimmer = LotteryTrimmer(config: config(), trainer: FakeTrainer(), timer: MACTimer(), directory: dir)
        let state = try trimmer.run(start: randomModel(TestGraphs.cnn), resume: false)
        let structured = state.rows.filter { $0.method == .structured }
        #expect(structured.map(\.round) == [0, 1, 2, 3])
        #expect(zip(structured, structured.dropFirst()).allSatisfy { $1.weights < $0.weights && $1.macsPerFrame < $0.macsPerFrame })
        #expect(state.rows.filter { $0.method == .reinit }.count == 3)
        let masking = state.rows.filter { $0.method == .masking }
        #expect(masking.count == 3 && masking.last!.weightsKept < 0.6)
        // Masked tickets keep dense shapes: same file size as the dense model.
        #expect(masking.allSatisfy { $0.bytes >= structured[0].bytes - 512 })
        for row in state.rows {
            let model = try ModelFile.read(path: dir + "/" + row.file)
            _ = try model.build()
            #expect(model.metadata["provenance"]?.contains("\"round\":\(row.round)") == true)
        }
        // Kept channels are indices into the dense model.
        #expect(state.kept["c1"]!.allSatisfy { (0..<6).contains($0) })
    }

    @Test func interruptedRunResumesToTheSameResult() throws {
        let (a, b) = (scratchDirectory("whole"), scratchDirectory("resumed"))
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let start = try randomModel(TestGraphs.cnn)
        let whole = try LotteryTrimmer(config: config(criterion: .activation), trainer: FakeTrainer(), timer: NoTimer(), directory: a)
            .run(start: start, resume: false)
        let trimmer = LotteryTrimmer(config: config(criterion: .activation), trainer: FakeTrainer(), timer: NoTimer(), directory: b)
        #expect(throws: Interrupted.self) {
            try trimmer.run(start: start, resume: false, afterStep: { step in if step.method == .structured && step.round == 2 { throw Interrupted() } })
        }
        // Without --resume an existing run is never overwritten.
        #expect(throws: TrimError.self) { try trimmer.run(start: start, resume: false) }
        // Other options: refused.
        var other = config(criterion: .magnitude)
        other.seed = 5
        #expect(throws: TrimError.self) {
            try LotteryTrimmer(config: other, trainer: FakeTrainer(), timer: NoTimer(), directory: b).run(start: start, resume: true)
        }
        let resumed = try trimmer.run(start: start, resume: true)
        #expect(resumed.rows == whole.rows)
        #expect(resumed.kept == whole.kept)
        for row in whole.rows {
            let x = try ModelFile.read(path: a + "/" + row.file), y = try ModelFile.read(path: b + "/" + row.file)
            #expect(x == y, "\(row.file)")
        }
    }

    @Test(arguments: TrimCriterion.allCases)
    func everyCriterionScoresEveryUnit(criterion: TrimCriterion) throws {
        let model = try randomModel(TestGraphs.cnn)
        let graph = try UnitGraph(model.graph)
        let scores = try UnitScorer(criterion: criterion).scores(model, graph: graph, batches: FakeTrainer().validationBatches())
        #expect(scores.count == graph.units.count)
        #expect(scores.allSatisfy { $0.isFinite && $0 >= 0 })
        #expect(Set(graph.prunableUnits.map { scores[$0] }).count > 1)
    }

    @Test func localSelectionAndReinitReset() throws {
        let dir = scratchDirectory("local")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = config(.structured)
        c.selection = .local
        c.reset = .reinit
        c.rounds = 2
        let state = try LotteryTrimmer(config: c, trainer: FakeTrainer(), timer: NoTimer(), directory: dir).run(start: randomModel(TestGraphs.cnn), resume: false)
        #expect(state.rows.map(\.widths) == ["c1:6 c2:5 d1:7", "c1:4 c2:4 d1:5", "c1:3 c2:3 d1:4"])
    }

    @Test func finalFractionCutsOnlyTheLastRound() throws {
        let dir = scratchDirectory("final")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = config(.structured)
        c.selection = .local
        c.rounds = 2
        c.finalFraction = 0.5
        let state = try LotteryTrimmer(config: c, trainer: FakeTrainer(), timer: NoTimer(), directory: dir).run(start: randomModel(TestGraphs.cnn), resume: false)
        // Round 1 cuts 25 % a layer as without it; round 2 half of what is left (down to min units 2).
        #expect(state.rows.map(\.widths) == ["c1:6 c2:5 d1:7", "c1:4 c2:4 d1:5", "c1:2 c2:2 d1:2"])
        let last = try ModelFile.read(path: dir + "/round-2.safetensors").metadata["provenance"] ?? ""
        #expect(last.contains("\"fraction\":0.5"))
    }

    @Test func reinitHeadRestartsOnlyTheOutputLayer() throws {
        let (a, b) = (scratchDirectory("rewound"), scratchDirectory("head"))
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let start = try randomModel(TestGraphs.cnn)
        var c = config(.structured)
        c.rounds = 1
        _ = try LotteryTrimmer(config: c, trainer: FakeTrainer(), timer: NoTimer(), directory: a).run(start: start, resume: false)
        c.reinitHead = true
        _ = try LotteryTrimmer(config: c, trainer: FakeTrainer(), timer: NoTimer(), directory: b).run(start: start, resume: false)
        let rewound = try ModelFile.read(path: a + "/checkpoint/rewind-1.safetensors")
        let fresh = try ModelFile.read(path: b + "/checkpoint/rewind-1.safetensors")
        #expect(rewound.tensors.keys.sorted() == fresh.tensors.keys.sorted())
        for name in rewound.tensors.keys.sorted() {
            if name.hasPrefix("head.") { #expect(rewound.tensors[name] != fresh.tensors[name], "\(name) kept its rewound weights") }
            else { #expect(rewound.tensors[name] == fresh.tensors[name], "\(name) changed") }
        }
    }

    @Test func distillingRunTeachesEveryTicketWithTheTrainedDenseModel() throws {
        let dir = scratchDirectory("distil")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = config()
        c.distill = 0.5
        let recorder = RecordingTrainer()
        _ = try LotteryTrimmer(config: c, trainer: recorder, timer: NoTimer(), directory: dir).run(start: randomModel(TestGraphs.cnn), resume: false)
        let dense = try ModelFile.read(path: dir + "/round-0.safetensors")
        let calls = recorder.calls
        #expect(calls.count == 10)   // dense, 3 structured, 3 re-initialised, 3 masking
        #expect(calls[0] == nil)
        #expect(calls.dropFirst().allSatisfy { $0?.teacher == dense && $0?.weight == 0.5 })
        #expect(try ModelFile.read(path: dir + "/round-2.safetensors").metadata["provenance"]?.contains("\"distill\":0.5") == true)
        #expect(dense.metadata["provenance"]?.contains("distill") == false)
        // Another distillation weight is another run: a checkpoint refuses to resume under it.
        c.distill = 0.25
        #expect { try LotteryTrimmer(config: c, trainer: FakeTrainer(), timer: NoTimer(), directory: dir).run(start: dense, resume: true) }
            throws: { "\($0)".contains("distill 0.5") }
    }

    @Test func givenTeachersTeachTheDenseModelAndEveryTicket() throws {
        let dir = scratchDirectory("distil-teachers")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "-t", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir + "-t") }
        let teachers = try [3, 4].map { seed -> (String, ModelFile) in
            let m = try randomModel(TestGraphs.cnn, seed: UInt64(seed)), path = dir + "-t/teacher-\(seed).safetensors"
            try m.write(path: path)
            return (path, try ModelFile.read(path: path))
        }
        var c = config()
        c.distill = 0.5
        c.teachers = teachers.map(\.0)
        let recorder = RecordingTrainer()
        _ = try LotteryTrimmer(config: c, trainer: recorder, timer: NoTimer(), directory: dir).run(start: randomModel(TestGraphs.cnn), resume: false)
        let calls = recorder.calls
        #expect(calls.count == 10)
        #expect(calls.allSatisfy { $0?.teachers == teachers.map(\.1) && $0?.weight == 0.5 })   // the dense model too
        let dense = try ModelFile.read(path: dir + "/round-0.safetensors")
        #expect(dense.metadata["provenance"]?.contains("\"teachers\":[\"teacher-3.safetensors\",\"teacher-4.safetensors\"]") == true)
        // Other teachers are another run: a checkpoint refuses to resume under them.
        c.teachers = [teachers[0].0]
        #expect { try LotteryTrimmer(config: c, trainer: FakeTrainer(), timer: NoTimer(), directory: dir).run(start: dense, resume: true) }
            throws: { "\($0)".contains("teacher-4") }
    }

    /// Teachers are pinned by digest: one overwritten after the dense step stops the run at the next
    /// round, naming it; restored, the run resumes and finishes.
    @Test func aTeacherReplacedMidRunIsRefused() throws {
        let dir = scratchDirectory("distil-pinned")
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: dir + "-t") }
        try FileManager.default.createDirectory(atPath: dir + "-t", withIntermediateDirectories: true)
        let path = dir + "-t/teacher-3.safetensors"
        try randomModel(TestGraphs.cnn, seed: 3).write(path: path)
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var c = config()
        c.distill = 0.5
        c.teachers = [path]
        c.teacherDigests = [try TeacherFiles.digest(path: path)]
        let start = try randomModel(TestGraphs.cnn)
        #expect {
            try LotteryTrimmer(config: c, trainer: FakeTrainer(), timer: NoTimer(), directory: dir).run(start: start, resume: false, afterStep: { step in
                if step.round == 0 { try randomModel(TestGraphs.cnn, seed: 4).write(path: path) }
            })
        } throws: { "\($0)".contains("teacher \(path) changed since the run began") }
        try original.write(to: URL(fileURLWithPath: path))
        let state = try LotteryTrimmer(config: c, trainer: FakeTrainer(), timer: NoTimer(), directory: dir).run(start: start, resume: true)
        #expect(state.done.count == c.steps.count)
    }

    /// A checkpoint written before teacher digests existed (teachers, no digests) resumes under a run
    /// that records them, and from then on holds the teachers to them.
    @Test func aCheckpointWithoutTeacherDigestsResumes() throws {
        let dir = scratchDirectory("distil-undigested")
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: dir + "-t") }
        try FileManager.default.createDirectory(atPath: dir + "-t", withIntermediateDirectories: true)
        let path = dir + "-t/teacher-3.safetensors"
        try randomModel(TestGraphs.cnn, seed: 3).write(path: path)
        var old = config()
        old.distill = 0.5
        old.teachers = [path]
        let start = try randomModel(TestGraphs.cnn)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try LotteryTrimmer(config: old, trainer: FakeTrainer(), timer: NoTimer(), directory: dir).run(start: start, resume: false,
                                                                                                              afterStep: { _ in throw Stop() })
        }
        var new = old
        new.teacherDigests = [try TeacherFiles.digest(path: path)]
        let state = try LotteryTrimmer(config: new, trainer: FakeTrainer(), timer: NoTimer(), directory: dir).run(start: start, resume: true)
        #expect(state.done.count == new.steps.count && state.config.teacherDigests == new.teacherDigests)
    }
}

/// FakeTrainer that remembers the distillation of every call.
final class RecordingTrainer: TicketTrainer, @unchecked Sendable {
    private let lock = NSLock()
    private var log: [Distillation?] = []
    var calls: [Distillation?] { lock.withLock { log } }
    var metricName: String { "fake" }
    func initialize(_ graph: ModelGraph, seed: UInt64) throws -> ModelFile { try FakeTrainer().initialize(graph, seed: seed) }
    func train(_ model: ModelFile, seed: UInt64, rewindEpoch: Int?, masks: [String: [Float]]?, distillation: Distillation?,
               progress: @escaping @Sendable (Double) -> Void) throws -> TrainedTicket {
        lock.withLock { log.append(distillation) }
        return try FakeTrainer().train(model, seed: seed, rewindEpoch: rewindEpoch, masks: masks, distillation: distillation, progress: progress)
    }
    func validationBatches() throws -> [SequenceBatch] { try FakeTrainer().validationBatches() }
}
