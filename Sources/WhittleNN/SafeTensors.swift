// Safetensors reader (offline; may allocate and use Foundation). Format: 8-byte little-endian
// header length N, N bytes of JSON {name: {dtype, shape, data_offsets}, "__metadata__": {..}},
// then the raw little-endian tensor bytes. Everything is bounds-checked: a damaged or hostile
// file produces a one-line error naming the field or tensor, never a crash.

import Foundation

/// A loading failure with a precise, one-line message.
public struct ModelLoadError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A tensor decoded to Float32 (F32, F16, BF16 and F64 files are accepted).
public struct Tensor: Sendable {
    public let name: String
    public let shape: [Int]
    public let values: [Float]
}

public struct SafeTensorsFile: Sendable {
    public let tensors: [String: Tensor]
    /// Tensor names in data-offset order.
    public let names: [String]
    public let metadata: [String: String]

    /// Upper bounds that keep a hostile header from making us allocate absurd amounts.
    static let maxHeaderBytes = 100_000_000
    static let maxElements = 1 << 28

    public static func read(path: String) throws -> SafeTensorsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelLoadError("\(path): cannot read file")
        }
        return try parse([UInt8](data))
    }

    public static func parse(_ bytes: [UInt8]) throws -> SafeTensorsFile {
        guard bytes.count >= 8 else {
            throw ModelLoadError("file is \(bytes.count) bytes, too short for the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard headerLength >= 2, headerLength <= UInt64(bytes.count - 8), headerLength <= UInt64(maxHeaderBytes) else {
            throw ModelLoadError("header length \(headerLength) does not fit the file (\(bytes.count) bytes)")
        }
        let headerEnd = 8 + Int(headerLength)
        let header = Array(bytes[8..<headerEnd])
        guard header.first == UInt8(ascii: "{") else { throw ModelLoadError("header does not start with '{'") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(header)), let entries = object as? [String: Any] else {
            throw ModelLoadError("header is not a valid JSON object")
        }
        let dataCount = bytes.count - headerEnd

        var metadata: [String: String] = [:]
        if let raw = entries["__metadata__"] {
            guard let dict = raw as? [String: Any] else { throw ModelLoadError("__metadata__ is not a JSON object") }
            for (key, value) in dict {
                guard let text = value as? String else { throw ModelLoadError("__metadata__ field '\(key)' is not a string") }
                metadata[key] = text
            }
        }

        var spans: [(name: String, begin: Int, end: Int)] = []
        var tensors: [String: Tensor] = [:]
        for (name, raw) in entries where name != "__metadata__" {
            guard let entry = raw as? [String: Any] else { throw ModelLoadError("tensor '\(name)': entry is not a JSON object") }
            guard let dtype = entry["dtype"] as? String else { throw ModelLoadError("tensor '\(name)': missing dtype") }
            let elementSize: Int
            switch dtype {
            case "F32": elementSize = 4
            case "F16", "BF16": elementSize = 2
            case "F64": elementSize = 8
            default: throw ModelLoadError("tensor '\(name)': unsupported dtype \(dtype) (expected F32, F16, BF16 or F64)")
            }
            guard let shape = intArray(entry["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw ModelLoadError("tensor '\(name)': shape is not an array of non-negative integers")
            }
            var elements = 1
            for d in shape {
                let (product, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, product <= maxElements else { throw ModelLoadError("tensor '\(name)': shape \(shape) is too large") }
                elements = product
            }
            guard let offsets = intArray(entry["data_offsets"]), offsets.count == 2 else {
                throw ModelLoadError("tensor '\(name)': data_offsets is not a pair of integers")
            }
            let begin = offsets[0], end = offsets[1]
            guard begin >= 0, begin <= end, end <= dataCount else {
                throw ModelLoadError("tensor '\(name)': data_offsets [\(begin), \(end)] out of bounds (data is \(dataCount) bytes)")
            }
            guard end - begin == elements * elementSize else {
                throw ModelLoadError("tensor '\(name)': \(end - begin) bytes of data for shape \(shape) \(dtype) (expected \(elements * elementSize))")
            }
            let values = decode(bytes, from: headerEnd + begin, count: elements, dtype: dtype)
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw ModelLoadError("tensor '\(name)': non-finite value \(values[bad]) at element \(bad)")
            }
            spans.append((name, begin, end))
            tensors[name] = Tensor(name: name, shape: shape, values: values)
        }
        spans.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        for (a, b) in zip(spans, spans.dropFirst()) where b.begin < a.end {
            throw ModelLoadError("tensor '\(b.name)': data overlaps tensor '\(a.name)'")
        }
        return SafeTensorsFile(tensors: tensors, names: spans.map(\.name), metadata: metadata)
    }

    /// JSON numbers that are exact integers; anything else (fractions, strings, huge values) is nil.
    static func intArray(_ raw: Any?) -> [Int]? {
        guard let items = raw as? [Any] else { return nil }
        var result: [Int] = []
        for item in items {
            guard let number = item as? NSNumber else { return nil }
            let d = number.doubleValue
            guard d.isFinite, d == d.rounded(), abs(d) < 9.0e15 else { return nil }
            result.append(Int(d))
        }
        return result
    }

    static func decode(_ bytes: [UInt8], from start: Int, count: Int, dtype: String) -> [Float] {
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!) + start
            for i in 0..<count {
                switch dtype {
                case "F32":
                    values[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                case "F64":
                    values[i] = Float(Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))))
                case "F16":
                    values[i] = Float(Float16(bitPattern: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                default:  // BF16: the top half of a Float32
                    values[i] = Float(bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                }
            }
        }
        return values
    }
}
