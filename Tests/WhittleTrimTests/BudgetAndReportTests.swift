import Foundation
import Testing
@testable import WhittleTrim

@Suite struct BudgetAndReportTests {
    func rows() -> [TrimRow] {
        let times: [Double] = [100, 70, 50, 30, 20], metrics = [0.95, 0.96, 0.94, 0.90, 0.80]
        return times.indices.map { i in
            var r = TrimRow(method: .structured, round: i,
                            costs: ModelCosts(parameters: 1000 >> i, weights: 1000 >> i, macsPerFrame: Double(1000 >> i), macsPerSecond: nil, bytes: 4000 >> i),
                            denseWeights: 1000, metric: metrics[i], widths: "", file: "round-\(i).safetensors")
            r.predictedP999 = times[i]
            r.measuredP999 = times[i] / 3
            return r
        }
    }

    @Test func budgetsBetweenRoundsPickTheMostAccurateTicketThatFits() throws {
        #expect(try BudgetSelection.choose(rows(), budget: 200).row.round == 1)   // everything fits: most accurate
        #expect(try BudgetSelection.choose(rows(), budget: 75).row.round == 1)
        #expect(try BudgetSelection.choose(rows(), budget: 60).row.round == 2)
        let c = try BudgetSelection.choose(rows(), budget: 40)
        #expect(c.row.round == 3 && c.headroom == 10 && c.usesPrediction)
        #expect(try BudgetSelection.choose(rows(), budget: 20).row.round == 4)  // exactly on the budget fits
        #expect {
            try BudgetSelection.choose(rows(), budget: 12)
        } throws: { error in
            "\(error)".contains("smallest achievable p99.9 is 20.0 µs") && "\(error)".contains("round 4")
        }
        // Without a profile, measured times decide.
        let measured = rows().map { r -> TrimRow in var r = r; r.predictedP999 = nil; return r }
        #expect(try BudgetSelection.choose(measured, budget: 20).row.round == 2)
        // A cap on the weights kept (rows keep 100, 50, 25, 12.5, 6.25 %) narrows the choice first.
        #expect(try BudgetSelection.choose(rows(), budget: 200, maxWeightsKept: 0.5).row.round == 1)
        #expect(try BudgetSelection.choose(rows(), budget: 200, maxWeightsKept: 0.25).row.round == 2)
        #expect(try BudgetSelection.choose(rows(), budget: 200, maxWeightsKept: 0.15).row.round == 3)
        #expect(try BudgetSelection.choose(rows(), budget: 200, maxWeightsKept: 0.1).row.round == 4)
        #expect(throws: TrimError.self) { try BudgetSelection.choose(rows(), budget: 200, maxWeightsKept: 0.05) }
        #expect(try BudgetSelection.choose(rows(), budget: 25, maxWeightsKept: 0.5).row.round == 4)   // both limits hold
    }

    @Test func overBudgetChoosesTheMostAccurateTicketWithinTheCapAndSaysSo() throws {
        // Nothing fits 12 µs; within 25 % of the weights (rounds 2–4) round 2 is the most accurate.
        let c = try BudgetSelection.choose(rows(), budget: 12, maxWeightsKept: 0.25, overBudget: true)
        #expect(c.row.round == 2 && !c.fits && c.headroom == -38)
        // When something fits, the flag changes nothing.
        let fits = try BudgetSelection.choose(rows(), budget: 40, maxWeightsKept: 0.25, overBudget: true)
        #expect(fits.row.round == 3 && fits.fits)
        // Without a cap "the most accurate over budget" is the dense model: refused.
        #expect { try BudgetSelection.choose(rows(), budget: 12, overBudget: true) } throws: { "\($0)".contains("--max-weights") }
        #expect(throws: TrimError.self) { try BudgetSelection.choose(rows(), budget: 12, maxWeightsKept: 0.25) }
    }

    @Test func budgetParsing() throws {
        #expect(try BlockBudget.parse("0.5ms") == .microseconds(500))
        #expect(try BlockBudget.parse("250us") == .microseconds(250))
        #expect(try BlockBudget.parse("10%").microseconds(block: 128, rate: 48000) == 0.1 * 128 / 48000 * 1e6)
        #expect(throws: TrimError.self) { try BlockBudget.parse("fast") }
        #expect(throws: TrimError.self) { try BlockBudget.parse("-3ms") }
    }

    @Test func csvTableAndSVG() throws {
        var all = rows()
        var masked = all[3]
        masked.method = .masking
        all.append(masked)
        let csv = TrimReport.csv(all)
        #expect(csv.split(separator: "\n").count == 7)
        #expect(csv.hasPrefix(TrimReport.csvHeader))
        let table = TrimReport.table(all)
        #expect(table.contains("structured") && table.contains("masking"))
        let svg = TrimPlot.svg(all, title: "test")
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("weights kept") && svg.contains("dense model") && svg.contains("unstructured masking"))
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        #expect(svg.components(separatedBy: "<text").count == svg.components(separatedBy: "</text>").count)
    }
}

extension ModelCosts {
    init(parameters: Int, weights: Int, macsPerFrame: Double, macsPerSecond: Double?, bytes: Int) {
        self = try! JSONDecoder().decode(ModelCosts.self, from: Data("""
        {"parameters":\(parameters),"weights":\(weights),"macsPerFrame":\(macsPerFrame),"bytes":\(bytes)}
        """.utf8))
    }
}
