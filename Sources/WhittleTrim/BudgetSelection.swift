// Budget mode as a pure function over report rows: the most accurate ticket whose p99.9 block
// time fits the budget (predicted on the target profile when there is one, else measured here).

public enum BlockBudget: Equatable, Sendable {
    case microseconds(Double)
    /// Percent of the block period (block / rate).
    case percentOfBlock(Double)

    /// Parses "0.5ms", "500us", "500µs", "10%".
    public static func parse(_ text: String) throws -> BlockBudget {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        func number(_ suffix: String, _ scale: Double) -> Double? {
            guard t.hasSuffix(suffix), let v = Double(t.dropLast(suffix.count)), v > 0, v.isFinite else { return nil }
            return v * scale
        }
        if let p = number("%", 1) { return .percentOfBlock(p) }
        if let v = number("ms", 1000) ?? number("us", 1) ?? number("µs", 1) { return .microseconds(v) }
        throw TrimError("budget '\(text)': give a time such as 0.5ms or 500us, or a share of the block period such as 10%")
    }

    public func microseconds(block: Int, rate: Int) -> Double {
        switch self {
        case .microseconds(let v): return v
        case .percentOfBlock(let p): return p / 100 * Double(block) / Double(rate) * 1e6
        }
    }
}

public struct BudgetChoice: Sendable, Equatable {
    public var row: TrimRow
    public var time: Double
    public var budget: Double
    /// Budget minus the ticket's time (µs); negative when the ticket does not fit.
    public var headroom: Double { budget - time }
    public var usesPrediction: Bool
    /// False only when `overBudget` chose a ticket although none fits.
    public var fits = true
}

public enum BudgetSelection {
    /// The most accurate row whose p99.9 fits `budget` µs (ties: the faster), among the rows that
    /// keep at most `maxWeightsKept` of the dense model's weights when that is given. Throws, naming
    /// the smallest achievable time, when none fits — unless `overBudget`: then the most accurate
    /// row within `maxWeightsKept` (required: without it that is the dense model), marked as not fitting.
    /// For a model whose fixed front end alone exceeds the budget, which no trimming can fix.
    public static func choose(_ rows: [TrimRow], budget: Double, maxWeightsKept: Double? = nil, overBudget: Bool = false) throws -> BudgetChoice {
        if overBudget && maxWeightsKept == nil {
            throw TrimError("choosing a ticket over the budget needs a cap on the weights kept (--max-weights)")
        }
        let usesPrediction = rows.contains { $0.predictedP999 != nil }
        let small = rows.filter { r in maxWeightsKept.map { r.weightsKept <= $0 } ?? true }
        guard !small.isEmpty else {
            throw TrimError("no ticket keeps at most \(fmt(100 * (maxWeightsKept ?? 0), 2)) % of the weights: trim more rounds")
        }
        let timed = small.compactMap { r -> (TrimRow, Double)? in
            guard let t = usesPrediction ? r.predictedP999 : r.measuredP999 else { return nil }
            return (r, t)
        }
        guard let fastest = timed.min(by: { $0.1 < $1.1 }) else {
            throw TrimError("no ticket has a \(usesPrediction ? "predicted" : "measured") block time to compare with the budget")
        }
        let fitting = timed.filter { $0.1 <= budget }
        func mostAccurate(_ rows: [(TrimRow, Double)]) -> (TrimRow, Double)? { rows.max(by: { ($0.0.metric, -$0.1) < ($1.0.metric, -$1.1) }) }
        if fitting.isEmpty, overBudget, let best = mostAccurate(timed) {
            return BudgetChoice(row: best.0, time: best.1, budget: budget, usesPrediction: usesPrediction, fits: false)
        }
        guard let best = mostAccurate(fitting) else {
            let where_ = usesPrediction ? "on the target profile" : "here"
            throw TrimError("no ticket fits the budget of \(fmt(budget)) µs: the smallest achievable p99.9 is \(fmt(fastest.1)) µs \(where_) "
                            + "(\(fastest.0.method.rawValue) round \(fastest.0.round), \(fmt(100 * fastest.0.weightsKept, 2)) % of the weights)")
        }
        return BudgetChoice(row: best.0, time: best.1, budget: budget, usesPrediction: usesPrediction)
    }
}

func fmt(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

import Foundation
