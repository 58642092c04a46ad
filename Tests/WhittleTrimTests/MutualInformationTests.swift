import Foundation
import Testing
import WhittleTrain
@testable import WhittleTrim

@Suite struct MutualInformationTests {
    func gaussian(_ rng: inout TestRNG) -> Float { rng.source.normal() }

    @Test func informativeUnitScoresHigherThanNoise() {
        var rng = TestRNG(state: 3)
        let labels = (0..<4000).map { _ in rng.uniform() > 0 ? 1 : 0 }
        let informative = labels.map { Float($0) + 0.5 * gaussian(&rng) }
        let noise = labels.map { _ in gaussian(&rng) }
        let dead = [Float](repeating: 0, count: labels.count)
        let (mi, miNoise, miDead) = (MutualInformation.estimate(informative, labels: labels),
                                     MutualInformation.estimate(noise, labels: labels),
                                     MutualInformation.estimate(dead, labels: labels))
        // Exact MI of this channel is about 0.34 nats (binary input, Gaussian noise σ = 0.5).
        #expect(mi > 0.25 && mi < 0.45)
        #expect(miNoise < 0.01)
        #expect(miDead == 0)
    }

    @Test func gaussianPairMatchesClosedForm() {
        var rng = TestRNG(state: 4)
        let rho: Float = 0.8
        var x: [Float] = [], y: [Float] = []
        for _ in 0..<20000 {
            let a = gaussian(&rng), b = gaussian(&rng)
            x.append(a)
            y.append(rho * a + (1 - rho * rho).squareRoot() * b)
        }
        let exact = -0.5 * log(1 - 0.64)  // 0.511 nats
        let estimate = MutualInformation.estimate(x, y)
        #expect(abs(estimate - exact) < 0.08, "binned \(estimate) vs exact \(exact)")
    }

    @Test func quantileBinsKeepTiesTogether() {
        let bins = MutualInformation.quantileBins([0, 0, 0, 0, 1, 2, 3, 4], bins: 4)
        #expect(bins[0...3].allSatisfy { $0 == 0 } && bins[7] == 3)
    }
}
