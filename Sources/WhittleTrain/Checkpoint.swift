// Training state and its checkpoint file: a safetensors file (written through ModelFile) with
// prefixed tensors — param/, adam.m/, adam.v/, best/, rewind/ — and the counters in the metadata.
// Doubles are stored as bit patterns so a resumed run continues exactly.

import Foundation

struct TrainState {
    var parameters: Parameters
    var adam = Adam()
    /// Epochs completed.
    var epoch = 0
    var best: Parameters = [:]
    var bestMetric = -Double.infinity
    var bestEpoch = 0
    var badEpochs = 0
    var rewind: Parameters?
    var history: [(epoch: Int, loss: Double, metric: Double)] = []
}

struct Checkpoint {
    let directory: String
    var path: String { (directory as NSString).appendingPathComponent("checkpoint.safetensors") }
    var exists: Bool { FileManager.default.fileExists(atPath: path) }

    func save(_ s: TrainState, graph: ModelGraph) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var tensors: [String: TensorData] = [:]
        func put(_ prefix: String, _ p: Parameters) { for (k, v) in p { tensors["\(prefix)/\(k)"] = TensorData(shape: [v.count], values: v) } }
        put("param", s.parameters); put("adam.m", s.adam.m); put("adam.v", s.adam.v); put("best", s.best)
        if let r = s.rewind { put("rewind", r) }
        let history = s.history.map { "\($0.epoch):\($0.loss.bitPattern):\($0.metric.bitPattern)" }.joined(separator: ",")
        let meta = ["epoch": "\(s.epoch)", "adam_step": "\(s.adam.step)", "best_metric": "\(s.bestMetric.bitPattern)",
                    "best_epoch": "\(s.bestEpoch)", "bad_epochs": "\(s.badEpochs)", "history": history, "kind": "whittle-checkpoint"]
        let file = ModelFile(graph: graph, tensors: tensors, metadata: meta)
        // Write then rename, so an interruption never leaves half a checkpoint.
        let temporary = path + ".partial"
        try file.write(path: temporary)
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    func load(graph: ModelGraph, shapes: [String: [Int]]) throws -> TrainState {
        let file = try ModelFile.read(path: path)
        guard file.metadata["kind"] == "whittle-checkpoint" else { throw TrainError("\(path): not a training checkpoint") }
        guard file.graph == graph else { throw TrainError("\(path): checkpoint is for a different graph") }
        func get(_ prefix: String) -> Parameters {
            var p: Parameters = [:]
            for (k, t) in file.tensors where k.hasPrefix(prefix + "/") { p[String(k.dropFirst(prefix.count + 1))] = t.values }
            return p
        }
        func int(_ key: String) throws -> Int {
            guard let v = file.metadata[key].flatMap(Int.init) else { throw TrainError("\(path): checkpoint field '\(key)' is missing") }
            return v
        }
        var s = TrainState(parameters: get("param"))
        guard Set(s.parameters.keys) == Set(shapes.keys) else { throw TrainError("\(path): checkpoint tensors do not match the graph") }
        s.adam.m = get("adam.m"); s.adam.v = get("adam.v"); s.adam.step = try int("adam_step")
        s.epoch = try int("epoch"); s.bestEpoch = try int("best_epoch"); s.badEpochs = try int("bad_epochs")
        s.best = get("best")
        s.bestMetric = Double(bitPattern: UInt64(file.metadata["best_metric"] ?? "") ?? (-Double.infinity).bitPattern)
        let rewind = get("rewind")
        s.rewind = rewind.isEmpty ? nil : rewind
        s.history = (file.metadata["history"] ?? "").split(separator: ",").compactMap { item in
            let f = item.split(separator: ":")
            guard f.count == 3, let e = Int(f[0]), let l = UInt64(f[1]), let m = UInt64(f[2]) else { return nil }
            return (e, Double(bitPattern: l), Double(bitPattern: m))
        }
        return s
    }
}
