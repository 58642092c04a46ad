import ArgumentParser
import Foundation
import WhittleNN
import WhittleTasks

/// Re-measures a trained detector's operating point on other rendered stems — held-out items of
/// its training material, or recordings like the ones it will meet — and writes a copy: onset and
/// drums get the peak-picking threshold (drums: per class, folded into the output bias on top of
/// the thresholds folded before) and the time offset; pitch gets the lowest voicing threshold whose
/// false-alarm rate on the (melody) stems is at most `--voicing-false-alarm`. The weights are untouched.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Re-measure a detector's thresholds (and onset/drum time offset) on rendered stems; write a copy.")

    @Option(help: "Detector model file (onset, drums or pitch).") var model: String
    @Option(help: "Directories rendered by `whittle data` (comma-separated).") var data: String
    @Option(help: "Where to write the calibrated copy.") var out: String
    @Option(help: "Stems to calibrate on (default mix,melody,drums; pitch: melody).") var stems: String?
    @Option(help: "Pitch: the voicing false-alarm rate to allow on the stems.") var voicingFalseAlarm: Double = DetectorCalibration.voicingFalseAlarmBound
    @Option(help: "Onset/drums: take the lowest threshold whose F is within this of the best (0: the best).") var fTolerance: Double = 0
    @Flag(help: "Onset/drums: print F / P / R per class at every threshold of the grid.") var sweep = false

    func run() throws {
        var file: ModelFile
        let detector: DetectorEvaluation, runtime: Model
        do { file = try ModelFile.read(path: model) } catch { throw usageError("\(error)") }   // names the file
        do {
            detector = try DetectorEvaluation(file)
            runtime = try file.build()
        } catch { throw usageError("\(model): \(error)") }
        let dirs = DetectorTrainOptions.list(data)
        guard !dirs.isEmpty else { throw usageError("--data needs at least one directory") }
        guard (0.0...1.0).contains(fTolerance) else { throw usageError("--f-tolerance \(fTolerance) is not in 0...1") }
        guard (0.0...1.0).contains(voicingFalseAlarm) else {
            throw usageError("--voicing-false-alarm \(voicingFalseAlarm) is not in 0...1")
        }
        let stemList = stems.map { DetectorTrainOptions.list($0) } ?? (detector.task == "pitch" ? ["melody"] : DetectorTasks.stems(detector.task))
        if detector.task == "pitch" {
            let examples: [PitchExample]
            do { examples = try PitchExample.load(directories: dirs, stems: stemList, features: detector.features) }
            catch { throw usageError("\(error)") }   // names the directory or file
            let delay = -detector.decoding.timeOffset / detector.features.hop
            let v = DetectorCalibration.voicingThreshold(runtime, examples: examples, features: detector.features, delay: delay,
                                                         maxFalseAlarm: voicingFalseAlarm)
            print(String(format: "%@: voicing threshold %.3f → %.3f on %d stems (recall %.3f, false alarm %.3f)", model,
                         detector.voicingThreshold, v.threshold, examples.count, v.recall, v.falseAlarm))
            file.metadata["voicing_threshold"] = "\(v.threshold)"
            file.metadata["voicing_calibration"] = String(format: "{\"stems\":%d,\"max_false_alarm\":%.3f,\"recall\":%.4f,\"false_alarm\":%.4f,\"data\":\"%@\"}",
                                                          examples.count, voicingFalseAlarm, v.recall, v.falseAlarm, data)
        } else {
            let kind: EventTask.Kind = detector.task == "onset" ? .onset : .drums
            let examples: [LogMelExample]
            do { examples = try LogMelExample.loadParallel(directories: dirs, stems: stemList, features: detector.features) }
            catch { throw usageError("\(error)") }   // names the directory or file
            // Start from the model's own decoding; drum thresholds already folded act at 0.5, and new
            // ones fold on top (a logit shift per class composes).
            let result = DetectorCalibration.calibrate(runtime, kind: kind, examples: examples, start: detector.decoding,
                                                       clock: FrameClock(detector.features), fTolerance: fTolerance)
            if sweep {
                for (t, scores) in result.sweep {
                    print(String(format: "threshold %.2f  ", t) + scores.map {
                        String(format: "F %.4f P %.4f R %.4f", $0.fMeasure, $0.precision, $0.recall) }.joined(separator: "  |  "))
                }
            }
            try DetectorFinish.apply(result, task: detector.task, features: detector.features, to: &file,
                                     calibration: "{\"stems\":\(examples.count),\"f_measure\":\(String(format: "%.4f", result.meanF)),\"f_tolerance\":\(fTolerance),\"data\":\"\(data)\"}")
            print(String(format: "%@: threshold %.2f, time offset %d samples%@, F %.4f on %d stems", model, result.decoding.threshold,
                         result.decoding.timeOffset,
                         result.classThresholds.isEmpty ? "" : ", per class " + result.classThresholds.map { String(format: "%.2f", $0) }.joined(separator: "/"),
                         result.meanF, examples.count))
        }
        try file.write(path: out)
    }
}
