/// Counts and scores of an onset (event) evaluation.
///
/// Precision, recall and F follow `mir_eval.onset.f_measure`: when either list is
/// empty all three are 0 (mir_eval warns and returns zeros), otherwise
/// P = matches / estimates, R = matches / references, F = 2PR / (P + R).
/// Scores are derived from counts so that totals over many files can be formed
/// by summing counts (`+`), which weights every onset equally.
public struct OnsetScore: Sendable, Equatable, Codable {
    public var matches: Int
    public var referenceCount: Int
    public var estimateCount: Int

    public init(matches: Int, referenceCount: Int, estimateCount: Int) {
        self.matches = matches
        self.referenceCount = referenceCount
        self.estimateCount = estimateCount
    }

    public static let zero = OnsetScore(matches: 0, referenceCount: 0, estimateCount: 0)

    public var truePositives: Int { matches }
    public var falsePositives: Int { estimateCount - matches }
    public var falseNegatives: Int { referenceCount - matches }

    public var precision: Double {
        if referenceCount == 0 || estimateCount == 0 { return 0 }
        return Double(matches) / Double(estimateCount)
    }

    public var recall: Double {
        if referenceCount == 0 || estimateCount == 0 { return 0 }
        return Double(matches) / Double(referenceCount)
    }

    public var fMeasure: Double {
        let p = precision, r = recall
        if p == 0 && r == 0 { return 0 }
        return 2 * p * r / (p + r)   // same operation order as mir_eval.util.f_measure
    }

    public static func + (a: OnsetScore, b: OnsetScore) -> OnsetScore {
        OnsetScore(matches: a.matches + b.matches,
                   referenceCount: a.referenceCount + b.referenceCount,
                   estimateCount: a.estimateCount + b.estimateCount)
    }
}

/// Onset F-measure with mir_eval's semantics (default window ±50 ms).
public enum OnsetEvaluation {
    public static let defaultWindow = 0.05

    /// Inputs need not be sorted (mir_eval rejects unsorted input; we sort).
    public static func score(reference: [Double], estimated: [Double],
                             window: Double = defaultWindow) -> OnsetScore {
        let matches = EventMatching.matchCount(reference: reference, estimated: estimated, window: window)
        return OnsetScore(matches: matches, referenceCount: reference.count, estimateCount: estimated.count)
    }
}
