// The lottery over the real trainer (WhittleTrain's synthetic task) at tiny size: an interrupted
// run resumes to exactly the result of an uninterrupted one, and bad input fails clearly.

import Foundation
import Testing
import WhittleNN
import WhittleProfile
import WhittleTrain
@testable import WhittleTrim

@Suite struct RealTrainingTests {
    static let tiny = ModelGraph(inputs: [GraphInput(name: "x", shape: [8, 1])], outputs: ["onset"], nodes: [
        node("c1", "conv2d", ["x"], ["channels": 6, "kernel": [2, 3], "padding": 1, "activation": "relu"]),
        node("flat", "flatten", ["c1"]),
        node("d1", "dense", ["flat"], ["units": 12, "activation": "relu"]),
        node("onset", "dense", ["d1"], ["units": 1, "activation": "sigmoid"]),
    ])

    func trimmer(_ dir: String) throws -> (LotteryTrimmer, ModelFile) {
        let (start, trainer) = try TrimTasks.setup(task: "synthetic", start: .graph(Self.tiny), epochs: 2, batchSize: 16,
                                                   learningRate: 3e-3, seed: 4)
        var config = TrimConfig()
        config.rounds = 2
        config.mode = .all
        config.criterion = .mi
        config.seed = 4
        return (LotteryTrimmer(config: config, trainer: trainer, timer: NoTimer(), directory: dir), start)
    }

    @Test func interruptedRunResumesToTheSameResult() throws {
        let (a, b) = (scratchDirectory("real-whole"), scratchDirectory("real-resumed"))
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let (whole, start) = try trimmer(a)
        let expected = try whole.run(start: start, resume: false)
        #expect(expected.rows.count == 7)
        let (resumable, _) = try trimmer(b)
        #expect(throws: Interrupted.self) {
            try resumable.run(start: start, resume: false, afterStep: { if $0.method == .structured && $0.round == 1 { throw Interrupted() } })
        }
        // A fresh process would rebuild everything from the command line: do the same.
        let (again, _) = try trimmer(b)
        let resumed = try again.run(start: start, resume: true)
        #expect(resumed.rows == expected.rows)
        for row in expected.rows {
            #expect(try ModelFile.read(path: a + "/" + row.file) == ModelFile.read(path: b + "/" + row.file), "\(row.file)")
        }
    }

    @Test func unknownTaskIsRefused() {
        #expect {
            try TrimTasks.setup(task: "nonsense", start: .graph(Self.tiny), epochs: 1, batchSize: 4, learningRate: 1e-3, seed: 0)
        } throws: { "\($0)".contains("unknown task 'nonsense'") && "\($0)".contains("synthetic") }
    }

    @Test func profileOfAnotherVersionIsRefused() throws {
        let path = scratchDirectory("profile") + ".json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"version\": 99}".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try DeviceProfile.load(path: path) } throws: { "\($0)".contains("version 99") }
    }

    @Test func narrowestModelKeepsTheMinimumEverywhere() throws {
        let model = try randomModel(TestGraphs.recurrent)
        let narrow = try UnitGraph.narrowest(model, minUnits: 2)
        #expect(try LotteryTrimmer.widths(narrow) == "a+b:2 side:2 gru:2 lstm:2")
        _ = try narrow.build()
    }

    /// The real trainer hands `distillation` to training: the same start and seed train to other
    /// weights with a teacher than without one (and to the same weights twice without).
    @Test func taskTrainerTrainsAgainstTheTeacher() throws {
        let (start, trainer) = try TrimTasks.setup(task: "synthetic", start: .graph(Self.tiny), epochs: 1, batchSize: 16,
                                                   learningRate: 3e-3, seed: 4)
        let teacher = try trainer.train(start, seed: 1, rewindEpoch: nil, masks: nil, distillation: nil, progress: { _ in }).model
        func trained(_ d: Distillation?) throws -> ModelFile {
            try trainer.train(start, seed: 2, rewindEpoch: nil, masks: nil, distillation: d, progress: { _ in }).model
        }
        let plain = try trained(nil)
        #expect(try trained(nil).tensors == plain.tensors)
        #expect(try trained(Distillation(teacher: teacher, weight: 0.9)).tensors != plain.tensors)
        #expect(throws: TrainError.self) { try trained(Distillation(teacher: teacher, weight: 2)) }
    }
}
