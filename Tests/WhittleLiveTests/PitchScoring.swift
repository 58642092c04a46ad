import Foundation
import Testing

/// Raw pitch accuracy of a pitch model on item 0 of a `whittle data` directory, scored offline by
/// `whittle eval` and live by the engine (`whittle process --pitch`, then `whittle eval --est-dir`).
enum PitchScoring {
    /// One item rendered by `whittle data` with TimGM6mb into `dir/data`; returns that directory.
    static func renderItem(_ whittle: String, in dir: URL, seed: Int, seconds: Int, options: [String] = []) throws -> String {
        try Live.renderTimGM(whittle, in: dir, seed: seed, seconds: seconds, options: options)
    }

    static func evalRPA(_ whittle: String, model: String, data: String, stem: String, options: [String] = []) throws -> Double {
        let r = try Live.run(whittle, ["eval", "--model", model, "--data", data, "--stems", stem, "--json"] + options, timeout: 300)
        try #require(r.status == 0, "\(r.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        return try #require(rows.first?["rpa"] as? Double)
    }

    /// `chainOption` is appended to the chain's model entry (e.g. ":track=1"); `dir` holds the scratch files.
    static func engineRPA(_ whittle: String, model: String, chainOption: String = "", data: String, stem: String, dir: URL) throws -> Double {
        let tag = "\(stem)\(chainOption)-\(URL(fileURLWithPath: model).lastPathComponent)"
        let est = dir.appendingPathComponent("est-\(tag)"), ref = dir.appendingPathComponent("ref-\(tag)")
        try FileManager.default.createDirectory(at: est, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: ref, withIntermediateDirectories: true)
        // The reference is the melody's f0 whichever stem the model hears.
        try FileManager.default.copyItem(atPath: data + "/item-0000.melody.f0.csv", toPath: ref.path + "/item-0000.melody.f0.csv")
        let p = try Live.run(whittle, ["process", data + "/item-0000.\(stem).wav", "-o", dir.appendingPathComponent("out-\(tag).wav").path,
                                       "--chain", "model=\(model)\(chainOption)", "--pitch", est.path + "/item-0000.melody.f0.csv"], timeout: 300)
        try #require(p.status == 0, "\(p.stderr)")
        let r = try Live.run(whittle, ["eval", "--task", "pitch", "--ref-dir", ref.path, "--est-dir", est.path, "--json"], timeout: 60)
        try #require(r.status == 0, "\(r.stderr)")
        let totals = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return try #require(((totals["total"] as? [String: Any]) ?? totals)["rpa"] as? Double)
    }
}
