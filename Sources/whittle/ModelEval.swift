// `whittle eval --model M --data DIR[,DIR]`: a detector model file scored on rendered data with
// our mir_eval implementation (onset/drum F at ±50 ms pooled over items; pitch RPA, RCA, voicing
// recall and false alarm at the model's voicing threshold).

import Foundation
import WhittleEval
import WhittleNN
import WhittleTasks

enum ModelEval {
    static func run(model path: String, data: String, stems: String?, json: Bool) throws {
        let file: ModelFile
        do { file = try ModelFile.read(path: path) } catch { throw usageError("\(path): \(error)") }
        let eval: DetectorEvaluation
        do { eval = try DetectorEvaluation(file) } catch { throw usageError("\(path): \(error)") }
        let dirs = data.split(separator: ",").map(String.init)
        let stemList = stems.map { $0.split(separator: ",").map(String.init) }
            ?? (eval.task == "pitch" ? ["melody", "mix"] : eval.task == "drums" ? ["drums", "mix"] : ["mix", "melody", "drums"])
        var out: [[String: Any]] = []
        for dir in dirs {
            for stem in stemList {
                var row: [String: Any] = ["data": dir, "stem": stem]
                if eval.task == "pitch" {
                    let s = try eval.pitch(directory: dir, stem: stem).score
                    row["rpa"] = s.rawPitchAccuracy; row["rca"] = s.rawChromaAccuracy
                    row["voicing_recall"] = s.voicingRecall; row["voicing_false_alarm"] = s.voicingFalseAlarm; row["overall"] = s.overallAccuracy
                    if !json {
                        print(String(format: "%@ %-7@ RPA %.4f  RCA %.4f  VR %.4f  VFA %.4f  OA %.4f", dir, stem, s.rawPitchAccuracy,
                                     s.rawChromaAccuracy, s.voicingRecall, s.voicingFalseAlarm, s.overallAccuracy))
                    }
                } else {
                    let scores = try eval.events(directory: dir, stem: stem)
                    let labels = eval.task == "onset" ? ["onset"] : ["KD", "SD", "HH"]
                    var parts: [String] = []
                    for (l, s) in zip(labels, scores) {
                        row[l] = ["f": s.fMeasure, "precision": s.precision, "recall": s.recall, "reference": s.referenceCount, "estimated": s.estimateCount]
                        parts.append(String(format: "%@ F %.4f (P %.4f R %.4f, %d refs)", l, s.fMeasure, s.precision, s.recall, s.referenceCount))
                    }
                    if !json { print("\(dir) \(stem.padding(toLength: 7, withPad: " ", startingAt: 0)) " + parts.joined(separator: "  ")) }
                }
                out.append(row)
            }
        }
        if json, let d = try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]) { print(String(decoding: d, as: UTF8.self)) }
    }
}
