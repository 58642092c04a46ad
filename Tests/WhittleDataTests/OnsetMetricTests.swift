import Testing
import WhittleEval

@Suite struct OnsetMetricTests {
    @Test func perfectAndEmpty() {
        let r = [0.1, 0.5, 1.0]
        #expect(OnsetEvaluation.score(reference: r, estimated: r).fMeasure == 1)
        // mir_eval returns zeros whenever either list is empty.
        for (ref, est) in [([Double](), [Double]()), (r, []), ([], r)] {
            let s = OnsetEvaluation.score(reference: ref, estimated: est)
            #expect(s.fMeasure == 0 && s.precision == 0 && s.recall == 0)
        }
    }

    @Test func windowIsInclusive() {
        #expect(OnsetEvaluation.score(reference: [1.0], estimated: [1.05]).matches == 1)
        #expect(OnsetEvaluation.score(reference: [1.0], estimated: [0.95]).matches == 1)
        #expect(OnsetEvaluation.score(reference: [1.0], estimated: [1.0500001]).matches == 0)
        #expect(OnsetEvaluation.score(reference: [0.0], estimated: [0.25], window: 0.25).matches == 1)
    }

    @Test func oneToOneMatching() {
        // Two estimates near one reference: one hit, one false alarm.
        let s = OnsetEvaluation.score(reference: [1.0], estimated: [0.99, 1.01])
        #expect(s.matches == 1 && s.falsePositives == 1 && s.falseNegatives == 0)
        #expect(abs(s.precision - 0.5) < 1e-15 && s.recall == 1)
        #expect(abs(s.fMeasure - 2.0 / 3.0) < 1e-15)
    }

    @Test func matchingIsMaximumNotGreedy() {
        // Greedy nearest-first pairs 1.045 with 1.04 and leaves two unmatched;
        // the maximum matching pairs all three.
        let s = OnsetEvaluation.score(reference: [1.00, 1.04, 1.08], estimated: [0.99, 1.045, 1.12])
        #expect(s.matches == 3)
        #expect(EventMatching.matchCount(reference: [0, 0.04, 0.08, 0.12], estimated: [0.02, 0.06, 0.10, 0.14, 0.30], window: 0.05) == 4)
    }

    @Test func unsortedInputIsSorted() {
        #expect(OnsetEvaluation.score(reference: [2, 1, 3], estimated: [3.01, 0.99, 2.02]).matches == 3)
    }

    @Test func countsSumAcrossFiles() {
        let a = OnsetScore(matches: 8, referenceCount: 10, estimateCount: 9)
        let b = OnsetScore(matches: 1, referenceCount: 2, estimateCount: 4)
        let t = a + b
        #expect(t == OnsetScore(matches: 9, referenceCount: 12, estimateCount: 13))
        #expect(abs(t.fMeasure - 2.0 * 9 / 25) < 1e-15)
    }

    @Test func drumPerClassScores() {
        let ref = [LabeledEvent(time: 0.5, label: "KD"), LabeledEvent(time: 0.5, label: "HH"),
                   LabeledEvent(time: 1.0, label: "SD"), LabeledEvent(time: 1.5, label: "HH")]
        let est = [LabeledEvent(time: 0.51, label: "KD"), LabeledEvent(time: 1.0, label: "HH"),   // HH at the snare
                   LabeledEvent(time: 1.49, label: "HH")]
        let s = DrumEvaluation.score(reference: ref, estimated: est)
        #expect(s.labels == ["KD", "SD", "HH"])
        #expect(s.perClass["KD"]!.fMeasure == 1)
        #expect(s.perClass["SD"]! == OnsetScore(matches: 0, referenceCount: 1, estimateCount: 0))
        #expect(s.perClass["HH"]! == OnsetScore(matches: 1, referenceCount: 2, estimateCount: 2))
        #expect(s.summed == OnsetScore(matches: 2, referenceCount: 4, estimateCount: 3))
        #expect(abs(s.meanFMeasure - (1 + 0 + 0.5) / 3) < 1e-15)
    }

    @Test func parsesAnnotationText() throws {
        #expect(try AnnotationParsing.onsets("0.5\n# comment\n\n1.25 extra\r\n") == [0.5, 1.25])
        let drums = try AnnotationParsing.labeledEvents("0.5\tKD\n1.0 SD\n")
        #expect(drums == [LabeledEvent(time: 0.5, label: "KD"), LabeledEvent(time: 1.0, label: "SD")])
        #expect(throws: AnnotationParsing.ParseError.self) { try AnnotationParsing.onsets("0.5\nabc\n") }
        #expect(throws: AnnotationParsing.ParseError.self) { try AnnotationParsing.labeledEvents("0.5\n") }
    }
}
