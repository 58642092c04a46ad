// Budget mode against a device profile: a made-up "slow device" profile (1 ns per MAC) predicts
// block times that fall with every round, and the narrowest model bounds what any budget can get.

import Foundation
import Testing
import WhittleNN
import WhittleProfile
@testable import WhittleTrim

func slowDevice() -> DeviceProfile {
    let perMAC = CostCoefficients(constant: 200, perMAC: 1, perByte: 0.01)
    var layers: [String: CostCoefficients] = [:]
    for type in ["dense", "conv1d", "conv2d", "conv_transpose1d", "gru", "lstm", "pool", "norm", "elementwise",
                 "activation", "activation_exp", "frontend_logmel", "frontend_frames"] { layers[type] = perMAC }
    return DeviceProfile(machine: MachineIdentity(cpuModel: "test", cores: 1, clockMHz: nil, architecture: "aarch64"),
                         estimated: true, layers: layers, engine: EngineCoefficients(perBlock: 500, perSample: 1, perTap: 0))
}

@Suite struct ProfileBudgetTests {
    @Test func predictedTimesFallWithTrimmingAndPickTheRightTicket() throws {
        let dir = scratchDirectory("profile-budget")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var config = TrimConfig()
        config.rounds = 3
        let timer = ProfileTimer(block: 128, rate: 48000, seconds: 0, profile: slowDevice())
        let state = try LotteryTrimmer(config: config, trainer: FakeTrainer(), timer: timer, directory: dir)
            .run(start: randomModel(TestGraphs.cnn), resume: false)
        let times = state.rows.map { $0.predictedP999! }
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 < $0 })
        // A budget between rounds 1 and 2 allows rounds 2 and 3: the more accurate of them wins.
        let budget = (times[1] + times[2]) / 2
        let choice = try BudgetSelection.choose(state.rows, budget: budget)
        let fitting = state.rows.filter { $0.predictedP999! <= budget }
        #expect(choice.row.metric == fitting.map(\.metric).max())
        #expect(choice.row.round >= 2)
        // Nothing trimming can reach is faster than the narrowest model.
        let narrowest = try UnitGraph.narrowest(randomModel(TestGraphs.cnn), minUnits: config.minUnits)
        let floor = try timer.times(narrowest).predicted!
        #expect(floor <= times.last!)
    }
}
