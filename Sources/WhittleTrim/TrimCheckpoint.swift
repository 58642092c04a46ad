// The loop's state after every step, in DIR/checkpoint/: state.json (options, steps done, report
// rows, each producer's surviving dense-model channels, RNG seed) plus per-round rewind snapshots
// and masks as safetensors. Each step's inputs are files that later steps never overwrite, and
// state.json is replaced atomically last, so an interruption at any point resumes cleanly.

import Foundation
import WhittleNN

public struct TrimState: Codable, Sendable, Equatable {
    public static let formatVersion = 1
    public var version = TrimState.formatVersion
    public var config: TrimConfig
    public var done: [TrimStep] = []
    public var rows: [TrimRow] = []
    /// Per producer, the dense model's channels still present after the last structured round.
    public var kept: [String: [Int]] = [:]
    /// Set when a structured round found nothing left to remove (every layer at its minimum).
    public var structuredExhaustedAt: Int?
    /// Whether the final interleaved timing passes have run.
    public var timed = false
    public init(config: TrimConfig) { self.config = config }
}

public struct TrimCheckpoint: Sendable {
    public let directory: String
    public var folder: String { directory + "/checkpoint" }
    public var statePath: String { folder + "/state.json" }
    public init(directory: String) { self.directory = directory }

    public func exists() -> Bool { FileManager.default.fileExists(atPath: statePath) }

    public func load() throws -> TrimState {
        guard let data = FileManager.default.contents(atPath: statePath) else { throw TrimError("\(statePath): cannot read the checkpoint") }
        let state: TrimState
        do { state = try JSONDecoder().decode(TrimState.self, from: data) } catch {
            throw TrimError("\(statePath): damaged checkpoint (\(error))")
        }
        guard state.version == TrimState.formatVersion else {
            throw TrimError("\(statePath): checkpoint version \(state.version), this whittle reads \(TrimState.formatVersion)")
        }
        return state
    }

    public func save(_ state: TrimState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try Self.atomicWrite(try encoder.encode(state), to: statePath)
    }

    public func path(_ name: String) -> String { folder + "/" + name }
    public func rewindName(round: Int) -> String { "rewind-\(round).safetensors" }
    public func maskName(round: Int) -> String { "mask-\(round).safetensors" }

    public func prepare() throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// Writes to a temporary name and renames, so a reader never sees half a file.
    public static func atomicWrite(_ data: Data, to path: String) throws {
        let temp = path + ".partial"
        guard FileManager.default.createFile(atPath: temp, contents: data) else { throw TrimError("\(temp): cannot write") }
        guard rename(temp, path) == 0 else { throw TrimError("\(path): cannot replace (\(String(cString: strerror(errno))))") }
    }

    public static func write(_ model: ModelFile, to path: String) throws {
        try atomicWrite(Data(try model.serialized()), to: path)
    }

    /// Masks stored as a model-less safetensors file: one 0/1 tensor per masked weight tensor.
    public func writeMasks(_ masks: [String: [Float]], round: Int) throws {
        let tensors = masks.mapValues { TensorData(shape: [$0.count], values: $0) }
        let file = ModelFile(graph: ModelGraph(inputs: [], outputs: [], nodes: []), tensors: tensors, metadata: [:])
        try Self.write(file, to: path(maskName(round: round)))
    }

    public func readMasks(round: Int) throws -> [String: [Float]] {
        try ModelFile.read(path: path(maskName(round: round))).tensors.mapValues(\.values)
    }
}
