// A model file as plain values (offline; Foundation allowed): the graph, the tensors and the
// metadata strings of a safetensors file. Training writes it, trimming edits it, `build()` turns it
// into a runtime Model through the same validating loader every processor uses, so a file written
// here runs live with no conversion.

import Foundation

/// Any JSON value: graph node attributes such as `kernel: [3, 3]` or `activation: {"name": ...}`.
public enum JSONValue: Codable, Sendable, Equatable {
    case number(Double), string(String), bool(Bool), array([JSONValue]), object([String: JSONValue]), null

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value") }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let d):
            // Integral values are written as integers, which is what the loader's shape checks read.
            if d == d.rounded(), abs(d) < 9e15 { try c.encode(Int(d)) } else { try c.encode(d) }
        case .string(let s): try c.encode(s)
        case .bool(let b): try c.encode(b)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        case .null: try c.encodeNil()
        }
    }

    public var doubleValue: Double? { if case .number(let d) = self { return d } else { return nil } }
    public var intValue: Int? { doubleValue.flatMap { $0 == $0.rounded() && abs($0) < 9e15 ? Int($0) : nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// An integer or an array of integers (e.g. a 2-D kernel).
    public var intArray: [Int]? {
        if let i = intValue { return [i] }
        if case .array(let a) = self { let v = a.compactMap(\.intValue); return v.count == a.count ? v : nil }
        return nil
    }
}

public struct GraphInput: Codable, Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public init(name: String, shape: [Int]) { self.name = name; self.shape = shape }
}

/// One node; in JSON every attribute sits beside "name", "op" and "inputs".
public struct GraphNode: Codable, Sendable, Equatable {
    public var name: String
    public var op: String
    public var inputs: [String]
    public var attributes: [String: JSONValue]

    public init(name: String, op: String, inputs: [String], attributes: [String: JSONValue] = [:]) {
        self.name = name; self.op = op; self.inputs = inputs; self.attributes = attributes
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    static let fixedKeys: Set<String> = ["name", "op", "inputs"]

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        name = try c.decode(String.self, forKey: Key("name"))
        op = try c.decode(String.self, forKey: Key("op"))
        inputs = try c.decode([String].self, forKey: Key("inputs"))
        attributes = [:]
        for key in c.allKeys where !Self.fixedKeys.contains(key.stringValue) {
            attributes[key.stringValue] = try c.decode(JSONValue.self, forKey: key)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: Key("name"))
        try c.encode(op, forKey: Key("op"))
        try c.encode(inputs, forKey: Key("inputs"))
        for (key, value) in attributes where !Self.fixedKeys.contains(key) { try c.encode(value, forKey: Key(key)) }
    }
}

public struct ModelGraph: Codable, Sendable, Equatable {
    public var inputs: [GraphInput]
    public var outputs: [String]
    public var nodes: [GraphNode]
    public init(inputs: [GraphInput], outputs: [String], nodes: [GraphNode]) {
        self.inputs = inputs; self.outputs = outputs; self.nodes = nodes
    }

    public static func parse(json: String) throws -> ModelGraph {
        do { return try JSONDecoder().decode(ModelGraph.self, from: Data(json.utf8)) } catch let error as DecodingError {
            throw ModelLoadError("graph JSON: \(describe(error))")
        }
    }

    /// One line naming the field a decoding error is about.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.isEmpty ? "top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .dataCorrupted(let c): return c.codingPath.isEmpty ? "not valid JSON" : "\(path(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c): return "\(path(c.codingPath)): missing '\(key.stringValue)'"
        case .typeMismatch(let type, let c): return "\(path(c.codingPath)): expected \(type)"
        case .valueNotFound(let type, let c): return "\(path(c.codingPath)): expected \(type), found null"
        @unknown default: return "\(error)"
        }
    }

    /// Deterministic JSON (sorted keys).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

public struct TensorData: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]
    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "tensor shape \(shape) does not match \(values.count) values")
        self.shape = shape; self.values = values
    }
    public init(zeros shape: [Int]) { self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *))) }
}

public struct ModelFile: Sendable, Equatable {
    public var graph: ModelGraph
    /// "<node>.<param>" in PyTorch layouts (see WhittleNN.swift).
    public var tensors: [String: TensorData]
    /// Every `__metadata__` entry except "graph" (task, sample_rate, hop, features, labels, provenance, ...).
    public var metadata: [String: String]

    public init(graph: ModelGraph, tensors: [String: TensorData], metadata: [String: String]) {
        self.graph = graph; self.tensors = tensors; self.metadata = metadata
    }

    public static func read(path: String) throws -> ModelFile {
        do { return try ModelFile(SafeTensorsFile.read(path: path)) } catch let error as ModelLoadError where !error.message.hasPrefix(path) {
            throw ModelLoadError("\(path): \(error.message)")
        }
    }

    public static func parse(_ bytes: [UInt8]) throws -> ModelFile { try ModelFile(SafeTensorsFile.parse(bytes)) }

    init(_ file: SafeTensorsFile) throws {
        guard let text = file.metadata["graph"] else { throw ModelLoadError("__metadata__ has no 'graph'") }
        graph = try ModelGraph.parse(json: text)
        tensors = file.tensors.mapValues { TensorData(shape: $0.shape, values: $0.values) }
        metadata = file.metadata.filter { $0.key != "graph" }
    }

    public func write(path: String) throws {
        let bytes = try serialized()
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw ModelLoadError("\(path): cannot write file")
        }
    }

    /// Safetensors bytes: F32 little-endian, tensors in name order, header padded to 8 bytes.
    public func serialized() throws -> [UInt8] {
        var meta = metadata
        meta["graph"] = try graph.json()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func quoted(_ s: String) throws -> String { String(decoding: try encoder.encode(s), as: UTF8.self) }
        var header = "{\"__metadata__\":" + String(decoding: try encoder.encode(meta), as: UTF8.self)
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            guard t.shape.reduce(1, *) == t.values.count else { throw ModelLoadError("tensor '\(name)': shape \(t.shape) does not match \(t.values.count) values") }
            let end = offset + 4 * t.values.count
            header += ",\(try quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}"
            offset = end
        }
        header += "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(UInt8(ascii: " ")) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + offset)
        let length = UInt64(headerBytes.count)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: length >> (8 * UInt64(i)))) }
        out += headerBytes
        for name in names {
            for v in tensors[name]!.values {
                let bits = v.bitPattern
                out.append(UInt8(truncatingIfNeeded: bits)); out.append(UInt8(truncatingIfNeeded: bits >> 8))
                out.append(UInt8(truncatingIfNeeded: bits >> 16)); out.append(UInt8(truncatingIfNeeded: bits >> 24))
            }
        }
        return out
    }

    /// A runtime Model, through the same validating loader as `Model.load(path:)`.
    public func build() throws -> Model { try Model.load(bytes: serialized()) }

    /// Trainable values: every tensor except BatchNorm running statistics (torch's buffers).
    public var parameterCount: Int {
        tensors.reduce(0) { sum, entry in
            entry.key.hasSuffix(".running_mean") || entry.key.hasSuffix(".running_var") ? sum : sum + entry.value.values.count
        }
    }
}
