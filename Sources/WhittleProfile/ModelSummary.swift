// What `whittle models` lists about a model file: task, size and cost, rates, provenance.

import Foundation
import WhittleNN

public struct ModelSummary: Sendable {
    public var path: String
    public var task: String
    public var parameters: Int
    /// Multiply-accumulates per second of audio at the model's hop (unpadded: the model's own
    /// arithmetic, not the kernels' SIMD padding).
    public var macsPerSecond: Double?
    public var bytesOnDisk: Int
    public var sampleRate: Int?
    public var hop: Int?
    public var provenance: String?

    /// Reads and validates the file (the runtime's loader must accept it too).
    public init(path: String) throws {
        let file = try ModelFile.read(path: path)
        _ = try file.build()
        self.path = path
        task = file.metadata["task"] ?? "-"
        parameters = file.parameterCount
        bytesOnDisk = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
        sampleRate = file.metadata["sample_rate"].flatMap { Double($0) }.map { Int($0) }
        hop = file.metadata["hop"].flatMap { Int($0) }
        provenance = file.metadata["provenance"]
        if let rate = sampleRate, let hop, hop > 0, let layers = try? GraphCost.layers(of: file.graph) {
            let perFrame = layers.reduce(0.0) { $0 + $1.trueMacs / Double(max($1.period, 1)) }
            macsPerSecond = perFrame * Double(rate) / Double(hop)
        }
    }

    /// Provenance in a few words: the JSON object's fields on one line.
    public var provenanceSummary: String {
        guard let text = provenance, let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8)) else {
            return provenance ?? "-"
        }
        func show(_ v: JSONValue) -> String {
            switch v {
            case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
            case .string(let s): return s
            case .bool(let b): return b ? "true" : "false"
            case .null: return "null"
            case .array, .object: return (try? String(decoding: JSONEncoder().encode(v), as: UTF8.self)) ?? "?"
            }
        }
        return object.keys.sorted().map { "\($0)=\(show(object[$0]!))" }.joined(separator: " ")
    }
}
