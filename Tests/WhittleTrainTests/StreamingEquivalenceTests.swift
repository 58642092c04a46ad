// The trained graph's sequence forward equals the runtime Model run frame by frame, for a graph
// that uses every op (strided rates, residuals, concatenation, folded and unfolded BatchNorm).

import Testing
@testable import WhittleTrain

let everyOpGraph = #"""
{"inputs": [{"name": "x", "shape": [8, 2]}], "outputs": ["early", "head", "wave", "prob"],
 "nodes": [
  {"name": "c2", "op": "conv2d", "inputs": ["x"], "channels": 4, "kernel": [3, 3], "dilation": [2, 1], "padding": 1, "activation": "elu"},
  {"name": "bn1", "op": "batchnorm", "inputs": ["c2"]},
  {"name": "mp", "op": "maxpool_freq", "inputs": ["bn1"], "kernel": 2},
  {"name": "c2s", "op": "conv2d", "inputs": ["mp"], "channels": 3, "kernel": [2, 2], "stride": [2, 1]},
  {"name": "bn2", "op": "batchnorm", "inputs": ["c2s"]},
  {"name": "ap", "op": "avgpool_freq", "inputs": ["bn2"], "kernel": 2, "stride": 1},
  {"name": "f", "op": "flatten", "inputs": ["ap"]},
  {"name": "c1", "op": "conv1d", "inputs": ["f"], "channels": 6, "kernel": 3, "dilation": 2, "activation": "tanh"},
  {"name": "c1s", "op": "conv1d", "inputs": ["c1"], "channels": 5, "kernel": 2, "stride": 2, "activation": "relu"},
  {"name": "g", "op": "gru", "inputs": ["c1s"], "hidden": 5},
  {"name": "l", "op": "lstm", "inputs": ["c1s"], "hidden": 5},
  {"name": "cat", "op": "concat", "inputs": ["g", "l"]},
  {"name": "ln", "op": "layernorm", "inputs": ["cat"]},
  {"name": "d1", "op": "dense", "inputs": ["ln"], "units": 10, "activation": "softplus"},
  {"name": "res", "op": "add", "inputs": ["ln", "d1"]},
  {"name": "th", "op": "tanh", "inputs": ["res"]},
  {"name": "head", "op": "dense", "inputs": ["th"], "units": 4, "activation": "softmax"},
  {"name": "prob", "op": "dense", "inputs": ["th"], "units": 1, "activation": "sigmoid"},
  {"name": "wave", "op": "conv_transpose1d", "inputs": ["th"], "channels": 2, "kernel": 5, "stride": 3, "activation": "scaled_sigmoid"},
  {"name": "fe", "op": "flatten", "inputs": ["mp"]},
  {"name": "early", "op": "dense", "inputs": ["fe"], "units": 2, "activation": {"name": "exp_sigmoid", "exponent": 10}}
 ]}
"""#

@Suite struct StreamingEquivalenceTests {
    @Test func sequenceForwardEqualsFrameByFrameRuntime() throws {
        var model = try initialize(try graph(everyOpGraph), seed: 11)
        var random = TrainRandom(seed: 12)
        // Non-trivial normalisation statistics and affine parameters.
        for name in model.tensors.keys.sorted() where name.hasPrefix("bn") || name.hasPrefix("ln") {
            for i in model.tensors[name]!.values.indices {
                model.tensors[name]!.values[i] = name.hasSuffix("running_var") ? random.uniform(0.5, 1.5) : random.uniform(-0.5, 1)
            }
        }
        let T = 26
        let x = randomSeq(1, T, [8, 2], &random)
        let tg = try TrainGraph(model)
        let values = try tg.forward(["x": x], parameters(model), training: false)

        let runtime = try model.build()
        let input = runtime.input("x")!
        var worst: Float = 0, compared = 0
        for t in 0..<T {
            for i in 0..<input.count { input.buffer[i] = x.data[t * input.count + i] }
            runtime.process()
            for port in runtime.outputs where runtime.produced(port) {
                let seq = values[port.name]!
                #expect(port.period == tg.periods[port.name]!)
                let u = t / port.period
                for i in 0..<port.count {
                    let a = port.buffer[i], b = seq.data[u * port.count + i]
                    worst = max(worst, abs(a - b) / max(1, abs(b)))
                    compared += 1
                }
            }
        }
        print("streaming equivalence: worst relative difference \(worst) over \(compared) values")
        #expect(compared > 100)
        #expect(worst < 1e-5)
    }
}
