// `whittle train --teacher`: a teacher must hear what the student hears. Its file is read and its
// graph inputs and outputs, and (for detectors) its front end, compared with the student's, so that
// a teacher trained on another feature rate or band count is refused by name instead of teaching
// noise.

import Foundation
import WhittleNN
import WhittleTasks
import WhittleTrain

enum TeacherCheck {
    static func read(_ path: String, for task: TrainingTask?, student: ModelGraph) throws -> ModelFile {
        let file: ModelFile
        do { file = try ModelFile.read(path: path) } catch { throw TrainError("teacher \(path): \(error)") }
        let inputs = { (g: ModelGraph) in g.inputs.map { "\($0.name)\($0.shape)" } }
        guard inputs(file.graph) == inputs(student) else {
            throw TrainError("teacher \(path): inputs \(inputs(file.graph)) are not the student's \(inputs(student))")
        }
        guard Set(file.graph.outputs) == Set(student.outputs) else {
            throw TrainError("teacher \(path): outputs \(file.graph.outputs) are not the student's \(student.outputs)")
        }
        if let task, let expected = frontEnd(of: task) {
            for key in DetectorTasks.frontEndKeys where file.metadata[key] != expected[key] {
                throw TrainError("teacher \(path): metadata '\(key)' is \(file.metadata[key] ?? "missing"), the student's is \(expected[key] ?? "missing")")
            }
            // A teacher answering at another delay would teach targets shifted by the difference.
            if let delay = DetectorFinish.targetDelay(of: task),
               let why = DetectorTasks.delayMismatch(file.metadata, [DetectorTasks.targetDelayKey: "\(delay)"]) {
                throw TrainError("teacher \(path): \(why) (the student's --target-delay)")
            }
        }
        return file
    }

    /// The detector metadata a model trained on `task` gets (nil for other tasks).
    static func frontEnd(of task: TrainingTask) -> [String: String]? {
        if let t = task as? EventTask { return DetectorTasks.metadata(task: t.name, features: t.features) }
        if let t = task as? PitchTask { return DetectorTasks.metadata(task: t.name, features: t.features) }
        return nil
    }

    /// The `distillation` metadata of the student: weight and teacher files.
    static func note(paths: [String], weight: Float) -> String {
        let o: [String: Any] = ["weight": Double(weight), "teachers": paths.map { ($0 as NSString).lastPathComponent }]
        let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
