import Testing
@testable import WhittleTasks

/// The voicing operating point: the lowest threshold that keeps false alarms within the bound.
@Suite struct VoicingCalibrationTests {
    /// 100 unvoiced confidences 0.00…0.99 and voiced ones 0.50…0.99: a 15 % bound lets exactly the 15
    /// most confident unvoiced frames (0.85…0.99) through, so the threshold lies in (0.84, 0.85],
    /// and recall is the voiced share at or above it.
    @Test func thresholdMeetsTheFalseAlarmBoundAtMostRecall() {
        let unvoiced = (0..<100).map { Float($0) / 100 }.shuffled()
        let voiced = (50..<100).map { Float($0) / 100 }
        let point = DetectorCalibration.voicingOperatingPoint(voiced: voiced, unvoiced: unvoiced, maxFalseAlarm: 0.15)
        #expect(point.threshold > 0.84 && point.threshold <= 0.85, "threshold \(point.threshold)")
        #expect(abs(point.falseAlarm - 0.15) < 1e-9)
        #expect(abs(point.recall - 0.30) < 1e-9)
        // A looser bound lowers the threshold and raises recall; a zero bound admits no false alarm.
        let loose = DetectorCalibration.voicingOperatingPoint(voiced: voiced, unvoiced: unvoiced, maxFalseAlarm: 0.4)
        #expect(loose.threshold < point.threshold && loose.recall > point.recall && loose.falseAlarm <= 0.4)
        let strict = DetectorCalibration.voicingOperatingPoint(voiced: voiced, unvoiced: unvoiced.map { $0 * 0.9 }, maxFalseAlarm: 0)
        #expect(strict.falseAlarm == 0 && strict.threshold > 0.891)
    }

    /// Ties: equal confidences either all pass or all fail, so the bound still holds.
    @Test func tiedConfidencesStayWithinTheBound() {
        let unvoiced = [Float](repeating: 0.7, count: 50) + [Float](repeating: 0.2, count: 50)
        let point = DetectorCalibration.voicingOperatingPoint(voiced: [0.9], unvoiced: unvoiced, maxFalseAlarm: 0.3)
        #expect(point.falseAlarm <= 0.3 && point.threshold > 0.7 && point.recall == 1)
    }
}
