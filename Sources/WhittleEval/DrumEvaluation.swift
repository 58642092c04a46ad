/// A labelled event, e.g. a drum hit `(0.5, "KD")`.
public struct LabeledEvent: Sendable, Equatable, Codable {
    public var time: Double
    public var label: String
    public init(time: Double, label: String) { self.time = time; self.label = label }
}

/// Per-class drum transcription scores: the onset metric applied to the events of
/// each label separately (the usual ADT evaluation), ±50 ms by default.
public struct DrumScore: Sendable, Equatable, Codable {
    /// Scores by label, for every label found in either list or in `labels`.
    public var perClass: [String: OnsetScore]

    public init(perClass: [String: OnsetScore]) { self.perClass = perClass }

    /// Labels in a stable order: the canonical KD, SD, HH first, then the rest sorted.
    public var labels: [String] {
        let canonical = DrumEvaluation.canonicalLabels.filter { perClass[$0] != nil }
        return canonical + perClass.keys.filter { !canonical.contains($0) }.sorted()
    }

    /// All classes pooled by summing counts.
    public var summed: OnsetScore { perClass.values.reduce(.zero, +) }

    /// Unweighted mean of the per-class F-measures.
    public var meanFMeasure: Double {
        perClass.isEmpty ? 0 : perClass.values.map(\.fMeasure).reduce(0, +) / Double(perClass.count)
    }

    public static func + (a: DrumScore, b: DrumScore) -> DrumScore {
        DrumScore(perClass: a.perClass.merging(b.perClass, uniquingKeysWith: +))
    }
}

public enum DrumEvaluation {
    public static let canonicalLabels = ["KD", "SD", "HH"]

    public static func score(reference: [LabeledEvent], estimated: [LabeledEvent],
                             labels: [String] = canonicalLabels,
                             window: Double = OnsetEvaluation.defaultWindow) -> DrumScore {
        let all = Set(labels).union(reference.map(\.label)).union(estimated.map(\.label))
        var perClass: [String: OnsetScore] = [:]
        for label in all {
            perClass[label] = OnsetEvaluation.score(
                reference: reference.filter { $0.label == label }.map(\.time),
                estimated: estimated.filter { $0.label == label }.map(\.time),
                window: window)
        }
        return DrumScore(perClass: perClass)
    }
}
