// `whittle eval --model M --data DIR[,DIR]`: a detector model file scored on rendered data with
// our mir_eval implementation (onset/drum F at ±50 ms pooled over items; pitch RPA, RCA, voicing
// recall and false alarm at the model's voicing threshold).

import Foundation
import WhittleDSP
import WhittleEval
import WhittleNN
import WhittleTasks

enum ModelEval {
    /// `on` (the standard parameters), `off`, or `STEP:JUMP:TRUST`.
    static func parseTracking(_ text: String) throws -> PitchTracker.Parameters? {
        switch text {
        case "off": return nil
        case "on": return .standard
        default:
            guard let p = PitchTracker.Parameters(text: text) else {
                throw usageError("--pitch-tracking '\(text)': expected on, off or STEP:JUMP:TRUST (numbers >= 0)")
            }
            return p
        }
    }

    static func run(model path: String, data: String, stems: String?, json: Bool, tracking: String? = nil) throws {
        // Several comma-separated models: an ensemble scored on its mean output.
        let paths = path.split(separator: ",").map(String.init)
        var files: [ModelFile] = []
        for p in paths {
            do { files.append(try ModelFile.read(path: p)) } catch { throw usageError("\(p): \(error)") }
        }
        guard !files.isEmpty else { throw usageError("--model needs a model file") }
        var eval: DetectorEvaluation
        do { eval = try DetectorEvaluation(files[0], ensemble: Array(files.dropFirst())) } catch { throw usageError("\(path): \(error)") }
        if let tracking {
            guard eval.task == "pitch" else { throw usageError("--pitch-tracking applies to pitch models, \(path) is '\(eval.task)'") }
            eval.tracking = try parseTracking(tracking)
        }
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

/// `whittle eval --task pitch`: f0 files against references (CSV time,frequency[,confidence] with an
/// optional header, or aubiopitch's "time frequency" lines). Frequencies ≤ 0 are unvoiced; with a
/// confidence column, frames below --voicing are unvoiced pitch guesses. Estimates move to the
/// reference times by nearest neighbour; counts are pooled over files.
enum PitchFileEval {
    static func table(_ path: String) throws -> (times: [Double], f0: [Double], confidence: [Double]?) {
        guard let data = FileManager.default.contents(atPath: path) else { throw usageError("cannot read \(path)") }
        var t: [Double] = [], f: [Double] = [], c: [Double] = []
        for (n, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let cols = line.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).compactMap { Double($0) }
            if cols.count < 2 {
                if n == 0 { continue }   // header
                throw usageError("\(path):\(n + 1): expected time,frequency")
            }
            t.append(cols[0]); f.append(cols[1])
            if cols.count >= 3 { c.append(cols[2]) }
        }
        return (t, f, c.count == t.count && !c.isEmpty ? c : nil)
    }

    static func counts(ref: String, est: String, voicing: Double?) throws -> MelodyCounts {
        let r = try table(ref), e = try table(est)
        var values = e.f0
        if let v = voicing, let conf = e.confidence {
            for i in values.indices where conf[i] < v { values[i] = -abs(values[i]) }
        }
        let onGrid = MelodyEvaluation.resampleNearest(times: e.times, values: values, to: r.times)
        return MelodyEvaluation.counts(reference: r.f0.map { max(0, $0) }, estimate: onGrid)
    }

    static func run(pairs: [(name: String, ref: String, est: String)], voicing: Double?, json: Bool) throws {
        var total = MelodyCounts()
        for p in pairs {
            let c = try counts(ref: p.ref, est: p.est, voicing: voicing)
            total = total + c
            let s = c.score
            if !json { print(String(format: "%-28@ RPA %.4f  RCA %.4f  VR %.4f  VFA %.4f  OA %.4f", p.name, s.rawPitchAccuracy, s.rawChromaAccuracy, s.voicingRecall, s.voicingFalseAlarm, s.overallAccuracy)) }
        }
        let s = total.score
        if json {
            print(String(format: "{\"rpa\":%.6f,\"rca\":%.6f,\"voicing_recall\":%.6f,\"voicing_false_alarm\":%.6f,\"overall\":%.6f}",
                         s.rawPitchAccuracy, s.rawChromaAccuracy, s.voicingRecall, s.voicingFalseAlarm, s.overallAccuracy))
        } else {
            print(String(format: "%-28@ RPA %.4f  RCA %.4f  VR %.4f  VFA %.4f  OA %.4f", "total (pooled frames)", s.rawPitchAccuracy, s.rawChromaAccuracy, s.voicingRecall, s.voicingFalseAlarm, s.overallAccuracy))
        }
    }
}
