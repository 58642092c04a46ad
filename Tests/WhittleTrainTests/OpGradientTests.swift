// Every op's backward against central finite differences (Float, small models).

import Testing
@testable import WhittleTrain

let opCases: [(String, String)] = [
    ("dense", #"{"inputs":[{"name":"x","shape":[5]}],"outputs":["y"],"nodes":[{"name":"y","op":"dense","inputs":["x"],"units":4,"activation":"tanh"}]}"#),
    ("dense 2-D input", #"{"inputs":[{"name":"x","shape":[3,2]}],"outputs":["y"],"nodes":[{"name":"y","op":"dense","inputs":["x"],"units":3,"activation":"elu"}]}"#),
    ("conv1d dilated strided", #"{"inputs":[{"name":"x","shape":[3]}],"outputs":["y"],"nodes":[{"name":"y","op":"conv1d","inputs":["x"],"channels":4,"kernel":3,"dilation":2,"stride":2,"activation":"softplus"}]}"#),
    ("conv1d", #"{"inputs":[{"name":"x","shape":[2]}],"outputs":["y"],"nodes":[{"name":"y","op":"conv1d","inputs":["x"],"channels":3,"kernel":4,"activation":"sigmoid"}]}"#),
    ("conv2d", #"{"inputs":[{"name":"x","shape":[6,2]}],"outputs":["y"],"nodes":[{"name":"y","op":"conv2d","inputs":["x"],"channels":3,"kernel":[3,3],"padding":1,"activation":"tanh"}]}"#),
    ("conv2d dilated strided", #"{"inputs":[{"name":"x","shape":[7,2]}],"outputs":["y"],"nodes":[{"name":"y","op":"conv2d","inputs":["x"],"channels":2,"kernel":[2,3],"dilation":[2,2],"stride":[2,2],"padding":1}]}"#),
    ("conv_transpose1d", #"{"inputs":[{"name":"x","shape":[3]}],"outputs":["y"],"nodes":[{"name":"y","op":"conv_transpose1d","inputs":["x"],"channels":2,"kernel":5,"stride":2,"activation":"tanh"}]}"#),
    ("gru", #"{"inputs":[{"name":"x","shape":[3]}],"outputs":["y"],"nodes":[{"name":"y","op":"gru","inputs":["x"],"hidden":4}]}"#),
    ("lstm", #"{"inputs":[{"name":"x","shape":[3]}],"outputs":["y"],"nodes":[{"name":"y","op":"lstm","inputs":["x"],"hidden":4}]}"#),
    ("batchnorm training", #"{"inputs":[{"name":"x","shape":[4,3]}],"outputs":["y"],"nodes":[{"name":"y","op":"batchnorm","inputs":["x"]}]}"#),
    ("layernorm", #"{"inputs":[{"name":"x","shape":[2,5]}],"outputs":["y"],"nodes":[{"name":"y","op":"layernorm","inputs":["x"]}]}"#),
    ("maxpool_freq", #"{"inputs":[{"name":"x","shape":[6,2]}],"outputs":["y"],"nodes":[{"name":"y","op":"maxpool_freq","inputs":["x"],"kernel":2}]}"#),
    ("avgpool_freq", #"{"inputs":[{"name":"x","shape":[7,2]}],"outputs":["y"],"nodes":[{"name":"y","op":"avgpool_freq","inputs":["x"],"kernel":3,"stride":2}]}"#),
    ("add residual", #"{"inputs":[{"name":"x","shape":[4]}],"outputs":["y"],"nodes":[{"name":"d","op":"dense","inputs":["x"],"units":4,"activation":"relu"},{"name":"y","op":"add","inputs":["x","d"]}]}"#),
    ("concat + flatten", #"{"inputs":[{"name":"x","shape":[3,2]}],"outputs":["y"],"nodes":[{"name":"c","op":"conv2d","inputs":["x"],"channels":2,"kernel":[1,1]},{"name":"k","op":"concat","inputs":["x","c"]},{"name":"y","op":"flatten","inputs":["k"]}]}"#),
    ("activations", #"{"inputs":[{"name":"x","shape":[4]}],"outputs":["a","b","c","d","e","f"],"nodes":[{"name":"a","op":"softmax","inputs":["x"]},{"name":"b","op":"exp_sigmoid","inputs":["x"]},{"name":"c","op":"scaled_sigmoid","inputs":["x"]},{"name":"d","op":"elu","inputs":["x"],"alpha":0.5},{"name":"e","op":"softplus","inputs":["x"]},{"name":"f","op":"relu","inputs":["x"]}]}"#),
]

@Suite struct OpGradientTests {
    @Test(arguments: opCases.map(\.0))
    func backwardMatchesFiniteDifferences(_ name: String) throws {
        let json = opCases.first { $0.0 == name }!.1
        let result = try gradientCheck(json)
        print("gradcheck \(name): \(result.worst) worst at \(result.name)")
        #expect(result.worst < 5e-3, "\(name): relative error \(result.worst) at \(result.name)")
    }

    @Test func batchnormEvaluationMode() throws {
        let result = try gradientCheck(opCases.first { $0.0 == "batchnorm training" }!.1, training: false)
        #expect(result.worst < 1e-2)
    }

    /// The check must be able to fail: a wrong gradient (weight gradient scaled) is caught.
    @Test func aBrokenBackwardIsCaught() throws {
        let json = opCases[0].1
        let g = try graph(json)
        let model = try initialize(g, seed: 3)
        let tg = try TrainGraph(model)
        var random = TrainRandom(seed: 5)
        let x = randomSeq(2, 5, [5], &random)
        let p = parameters(model)
        let y = try tg.forward(["x": x], p, training: true)["y"]!
        let seed = randomSeq(2, 5, [4], &random)
        var (pg, _) = tg.backward(["y": seed], p)
        pg["y.weight"]![3] *= 1.5
        var analytic: [Double] = [], numeric: [Double] = []
        for i in 0..<20 {
            var plus = p, minus = p
            plus["y.weight"]![i] += 2e-3; minus["y.weight"]![i] -= 2e-3
            let lp = try tg.forward(["x": x], plus, training: true)["y"]!.data, lm = try tg.forward(["x": x], minus, training: true)["y"]!.data
            numeric.append(zip(zip(lp, lm), seed.data).reduce(0.0) { $0 + Double($1.0.0 - $1.0.1) * Double($1.1) } / 4e-3)
            analytic.append(Double(pg["y.weight"]![i]))
        }
        _ = y
        #expect(relativeError(analytic, numeric) > 1e-2)
    }
}
