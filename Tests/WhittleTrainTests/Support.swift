// Shared helpers: random sequences, parameters as a dictionary, finite-difference checks.

import Foundation
@testable import WhittleTrain

func randomSeq(_ batch: Int, _ time: Int, _ frame: [Int], _ random: inout TrainRandom, scale: Float = 1) -> Seq {
    Seq(batch: batch, time: time, frame: frame, data: (0..<(batch * time * frame.reduce(1, *))).map { _ in scale * random.uniform(-1, 1) })
}

func parameters(_ model: ModelFile) -> Parameters { model.tensors.mapValues(\.values) }

func graph(_ json: String) throws -> ModelGraph { try ModelGraph.parse(json: json) }

/// The larger of the aggregate error ‖a − b‖ / (‖a‖ + ‖b‖) and the worst per-coordinate error
/// |aᵢ − bᵢ| / (|aᵢ| + |bᵢ| + 0.1·rms), so one wrong gate among many right ones is not averaged away.
func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    var diff = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { diff += (x - y) * (x - y); na += x * x; nb += y * y }
    let aggregate = diff.squareRoot() / max(na.squareRoot() + nb.squareRoot(), 1e-12)
    let rms = ((na + nb) / Double(max(2 * a.count, 1))).squareRoot()
    var worst = 0.0
    for (x, y) in zip(a, b) { worst = max(worst, abs(x - y) / max(abs(x) + abs(y) + 0.1 * rms, 1e-12)) }
    return max(aggregate, worst)
}

/// Checks a graph's backward against central differences of L = Σ r·y over its outputs (random r).
/// Returns the worst relative error over the parameters and inputs it probed.
func gradientCheck(_ json: String, batch: Int = 2, time: Int = 7, seed: UInt64 = 1, training: Bool = true,
                   probes: Int = 24, epsilon: Float = 2e-3, perturb: ((inout Parameters) -> Void)? = nil) throws -> (worst: Double, name: String) {
    let g = try graph(json)
    let model = try initialize(g, seed: seed)
    let tg = try TrainGraph(model)
    var random = TrainRandom(seed: seed &+ 99)
    var p = parameters(model)
    perturb?(&p)
    // Small random offsets so norms' γ/β and biases are not at their symmetric initial values.
    for name in p.keys.sorted() where !TrainGraph.isStatistic(name) { for i in p[name]!.indices { p[name]![i] += 0.1 * random.uniform(-1, 1) } }
    var inputs: [String: Seq] = [:]
    for input in g.inputs { inputs[input.name] = randomSeq(batch, time, input.shape, &random) }
    let values = try tg.forward(inputs, p, training: training)
    var seeds: [String: Seq] = [:]
    for output in g.outputs { seeds[output] = randomSeq(values[output]!.batch, values[output]!.time, values[output]!.frame, &random) }
    func loss(_ p: Parameters, _ inputs: [String: Seq]) throws -> Double {
        let v = try tg.forward(inputs, p, training: training)
        var sum = 0.0
        for output in g.outputs { for (y, r) in zip(v[output]!.data, seeds[output]!.data) { sum += Double(y) * Double(r) } }
        return sum
    }
    _ = try tg.forward(inputs, p, training: training)
    let (pg, ig) = tg.backward(seeds, p)
    var worst = (0.0, "")
    for name in tg.trainableNames {
        var analytic: [Double] = [], numeric: [Double] = []
        let n = p[name]!.count
        for k in 0..<min(probes, n) {
            let i = n <= probes ? k : random.int(n)
            var plus = p, minus = p
            plus[name]![i] += epsilon; minus[name]![i] -= epsilon
            numeric.append((try loss(plus, inputs) - loss(minus, inputs)) / Double(2 * epsilon))
            analytic.append(Double(pg[name]![i]))
        }
        let e = relativeError(analytic, numeric)
        if e > worst.0 { worst = (e, name) }
    }
    for input in g.inputs {
        var analytic: [Double] = [], numeric: [Double] = []
        let n = inputs[input.name]!.data.count
        for _ in 0..<min(probes, n) {
            let i = random.int(n)
            var plus = inputs, minus = inputs
            plus[input.name]!.data[i] += epsilon; minus[input.name]!.data[i] -= epsilon
            numeric.append((try loss(p, plus) - loss(p, minus)) / Double(2 * epsilon))
            analytic.append(Double(ig[input.name]?.data[i] ?? 0))
        }
        let e = relativeError(analytic, numeric)
        if e > worst.0 { worst = (e, "input \(input.name)") }
    }
    return worst
}
