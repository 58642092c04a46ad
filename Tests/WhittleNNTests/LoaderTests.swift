// The loader rejects damaged files with one precise line naming the tensor or field.

import Foundation
import Testing
@testable import WhittleNN

/// Rewrites a safetensors file: decode, let `edit` change header JSON and tensors, encode.
func rewrite(_ bytes: [UInt8], edit: (inout [String: Any], inout [String: [UInt8]]) -> Void) throws -> [UInt8] {
    var length = 0
    for i in 0..<8 { length |= Int(bytes[i]) << (8 * i) }
    var header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
    var blobs: [String: [UInt8]] = [:]
    for (name, entry) in header where name != "__metadata__" {
        let offsets = try #require((entry as? [String: Any])?["data_offsets"] as? [Int])
        blobs[name] = Array(bytes[(8 + length + offsets[0])..<(8 + length + offsets[1])])
    }
    edit(&header, &blobs)
    var data: [UInt8] = []
    for name in blobs.keys.sorted() {
        var entry = header[name] as? [String: Any] ?? ["dtype": "F32", "shape": [blobs[name]!.count / 4]]
        if entry["data_offsets"] == nil || (entry["keep_offsets"] as? Bool) != true {
            entry["data_offsets"] = [data.count, data.count + blobs[name]!.count]
        }
        entry["keep_offsets"] = nil
        header[name] = entry
        data += blobs[name]!
    }
    var json = [UInt8](try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
    while json.count % 8 != 0 { json.append(UInt8(ascii: " ")) }
    var out: [UInt8] = []
    for i in 0..<8 { out.append(UInt8((json.count >> (8 * i)) & 0xff)) }
    return out + json + data
}

func loadError(_ bytes: [UInt8]) -> String? {
    do {
        _ = try Model.load(bytes: bytes)
        return nil
    } catch let error as ModelLoadError {
        return error.message
    } catch {
        return "unexpected error type: \(error)"
    }
}

func editGraph(_ header: inout [String: Any], _ change: (inout [String: Any]) -> Void) {
    var metadata = header["__metadata__"] as! [String: String]
    var graph = try! JSONSerialization.jsonObject(with: Data(metadata["graph"]!.utf8)) as! [String: Any]
    change(&graph)
    metadata["graph"] = String(decoding: try! JSONSerialization.data(withJSONObject: graph), as: UTF8.self)
    header["__metadata__"] = metadata
}

@Suite struct LoaderTests {
    let gru: [UInt8]

    init() throws { gru = try Fixtures.bytes("gru") }

    @Test func roundTripRewriteStillLoads() throws {
        #expect(loadError(try rewrite(gru) { _, _ in }) == nil)
    }

    @Test func metadataIsParsed() throws {
        let model = try Model.load(path: Fixtures.path("graph_onset_cnn"))
        #expect(model.metadata.task == "onset")
        #expect(model.metadata.sampleRate == 44100)
        #expect(model.metadata.hop == 441)
        #expect(model.metadata.labels == ["onset"])
        #expect(model.metadata.features?.contains("mel_bands") == true)
        #expect(model.inputs.map(\.shape) == [[20, 1]])
        #expect(model.outputs.map(\.period) == [2])
    }

    @Test func truncatedHeader() {
        #expect(loadError(Array(gru.prefix(5))) == "file is 5 bytes, too short for the 8-byte header length")
        #expect(loadError(Array(gru.prefix(100)))?.hasPrefix("header length") == true)
    }

    @Test func truncatedData() {
        let message = loadError(Array(gru.dropLast(3)))
        #expect(message?.contains("out of bounds") == true, "\(message ?? "loaded")")
    }

    @Test func wrongShapeNamesTensor() throws {
        let bytes = try rewrite(gru) { header, _ in
            var entry = header["l.weight_hh"] as! [String: Any]
            entry["shape"] = [11, 33]
            header["l.weight_hh"] = entry
        }
        #expect(loadError(bytes) == "tensor 'l.weight_hh': shape [11, 33] does not match the graph (expected [33, 11])")
    }

    @Test func missingTensor() throws {
        let bytes = try rewrite(gru) { header, blobs in
            header["l.weight_ih"] = nil
            blobs["l.weight_ih"] = nil
        }
        #expect(loadError(bytes) == "tensor 'l.weight_ih' is missing (graph node 'l' (gru) needs shape [33, 5])")
    }

    @Test func unusedTensor() throws {
        let bytes = try rewrite(gru) { _, blobs in blobs["l.extra"] = [0, 0, 0, 0] }
        #expect(loadError(bytes) == "tensor 'l.extra' is not used by the graph")
    }

    @Test func nonFiniteValue() throws {
        let bytes = try rewrite(gru) { _, blobs in blobs["l.bias_ih"]!.replaceSubrange(8..<12, with: [0, 0, 0xc0, 0x7f]) }
        #expect(loadError(bytes) == "tensor 'l.bias_ih': non-finite value nan at element 2")
    }

    @Test func unsupportedDtype() throws {
        let bytes = try rewrite(gru) { header, _ in
            var entry = header["l.bias_hh"] as! [String: Any]
            entry["dtype"] = "I64"
            header["l.bias_hh"] = entry
        }
        #expect(loadError(bytes) == "tensor 'l.bias_hh': unsupported dtype I64 (expected F32, F16, BF16 or F64)")
    }

    @Test func byteCountMismatch() throws {
        let bytes = try rewrite(gru) { header, _ in
            var entry = header["l.bias_hh"] as! [String: Any]
            entry["shape"] = [32]
            header["l.bias_hh"] = entry
        }
        #expect(loadError(bytes) == "tensor 'l.bias_hh': 132 bytes of data for shape [32] F32 (expected 128)")
    }

    @Test func overlappingTensors() throws {
        let bytes = try rewrite(gru) { header, _ in
            var entry = header["l.bias_hh"] as! [String: Any]
            entry["data_offsets"] = (header["l.bias_ih"] as! [String: Any])["data_offsets"]
            entry["keep_offsets"] = true
            header["l.bias_hh"] = entry
        }
        #expect(loadError(bytes)?.contains("overlaps") == true)
    }

    @Test func graphErrorsNameTheNode() throws {
        let missingAttribute = try rewrite(gru) { header, _ in
            editGraph(&header) { graph in
                var nodes = graph["nodes"] as! [[String: Any]]
                nodes[0]["hidden"] = nil
                graph["nodes"] = nodes
            }
        }
        #expect(loadError(missingAttribute) == "graph node 'l' (gru): missing attribute 'hidden'")
        let unknownInput = try rewrite(gru) { header, _ in
            editGraph(&header) { graph in
                var nodes = graph["nodes"] as! [[String: Any]]
                nodes[0]["inputs"] = ["nope"]
                graph["nodes"] = nodes
            }
        }
        #expect(loadError(unknownInput) == "graph node 'l' (gru): unknown input 'nope' (not a graph input or an earlier node)")
        let unknownOp = try rewrite(gru) { header, _ in
            editGraph(&header) { graph in
                var nodes = graph["nodes"] as! [[String: Any]]
                nodes[0]["op"] = "transformer"
                graph["nodes"] = nodes
            }
        }
        #expect(loadError(unknownOp) == "graph node 'l' (transformer): unknown op")
    }

    @Test func badMetadata() throws {
        let bytes = try rewrite(gru) { header, _ in
            var metadata = header["__metadata__"] as! [String: String]
            metadata["hop"] = "-3"
            header["__metadata__"] = metadata
        }
        #expect(loadError(bytes) == "metadata 'hop' must be a positive integer, got '-3'")
    }

    @Test func fileErrorsArePrefixedWithPath() {
        #expect(throws: ModelLoadError("/nonexistent/model.safetensors: cannot read file")) {
            try Model.load(path: "/nonexistent/model.safetensors")
        }
    }
}
