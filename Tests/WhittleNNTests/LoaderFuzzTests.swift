// Property test: mutated and truncated model files never crash the loader or the forward pass;
// each either loads (and then runs) or fails with a one-line ModelLoadError.

import Testing
@testable import WhittleNN

@Suite struct LoaderFuzzTests {
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    @Test(arguments: ["gru", "conv2d", "graph_onset_cnn", "graph_tcn", "graph_sing_decoder"])
    func mutatedFilesNeverCrash(_ name: String) throws {
        let original = try Fixtures.bytes(name)
        var rng = Generator(state: UInt64(name.utf8.count) &* 0x9E37_79B9)
        var loaded = 0, rejected = 0
        for round in 0..<1000 {
            var bytes = original
            switch round % 5 {
            case 0:  // truncate anywhere
                bytes = Array(bytes.prefix(rng.below(bytes.count)))
            case 1:  // flip random bytes anywhere
                for _ in 0..<(1 + rng.below(4)) { bytes[rng.below(bytes.count)] ^= UInt8(1 + rng.below(255)) }
            case 2:  // mutate the header (length field and JSON) where structure lives
                let headerEnd = min(bytes.count, 8 + Int(bytes[0]) + Int(bytes[1]) << 8)
                for _ in 0..<(1 + rng.below(3)) { bytes[rng.below(headerEnd)] = UInt8(rng.below(256)) }
            case 3:  // replace a digit in the header with another digit (plausible but wrong numbers)
                let headerEnd = min(bytes.count, 8 + Int(bytes[0]) + Int(bytes[1]) << 8)
                let digits = (8..<headerEnd).filter { bytes[$0] >= 48 && bytes[$0] <= 57 }
                if let i = digits.isEmpty ? nil : digits[rng.below(digits.count)] { bytes[i] = UInt8(48 + rng.below(10)) }
            default:  // insert or delete a run of bytes
                let at = rng.below(bytes.count)
                if rng.below(2) == 0 {
                    bytes.insert(contentsOf: (0..<(1 + rng.below(16))).map { _ in UInt8(rng.below(256)) }, at: at)
                } else {
                    bytes.removeSubrange(at..<min(bytes.count, at + 1 + rng.below(16)))
                }
            }
            do {
                let model = try Model.load(bytes: bytes)
                for port in model.inputs { for i in 0..<port.count { port.buffer[i] = Float(i % 7) - 3 } }
                for _ in 0..<8 { model.process() }
                loaded += 1
            } catch let error as ModelLoadError {
                #expect(!error.message.isEmpty && !error.message.contains("\n"))
                rejected += 1
            }
        }
        #expect(loaded + rejected == 1000)
        #expect(rejected > 250)
    }
}
