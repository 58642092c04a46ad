import Foundation
import Glibc
import Testing
import WhittleDSP
import WhittleIO

@Suite struct OSCTests {
    /// Bytes worked out by hand from the OSC 1.0 spec: strings NUL-terminated and padded to 4,
    /// float32 big-endian (0.5 = 3F000000, 1.0 = 3F800000, 440.0 = 43DC0000, 0.75 = 3F400000).
    @Test func encodesWhittlesThreeMessages() {
        let onset = OSC.message(for: Event(kind: .onset, frame: 0, strength: 0.5))
        #expect(onset == Array("/whittle/onset".utf8) + [0, 0] + [0x2C, 0x66, 0, 0] + [0x3F, 0, 0, 0])
        let drum = OSC.message(for: Event(kind: .drum, label: 0, frame: 0, strength: 1))
        #expect(drum == Array("/whittle/drum".utf8) + [0, 0, 0] + [0x2C, 0x73, 0x66, 0] + [0x4B, 0x44, 0, 0] + [0x3F, 0x80, 0, 0])
        let pitch = OSC.message(for: Event(kind: .pitch, label: 1, frame: 0, strength: 0.75, value: 440))
        #expect(pitch == Array("/whittle/pitch".utf8) + [0, 0] + [0x2C, 0x66, 0x66, 0] + [0x43, 0xDC, 0, 0] + [0x3F, 0x40, 0, 0])
        #expect([onset, drum, pitch].allSatisfy { $0.count % 4 == 0 })
    }

    @Test func stringsOfFourBytesGetFourNULs() {
        #expect(OSC.message("/abc", []) == [0x2F, 0x61, 0x62, 0x63, 0, 0, 0, 0, 0x2C, 0, 0, 0])
        #expect(OSC.message("/a", [.string("SD"), .float(-2)]) == [0x2F, 0x61, 0, 0, 0x2C, 0x73, 0x66, 0, 0x53, 0x44, 0, 0, 0xC0, 0, 0, 0])
    }

    @Test func destinationsAreParsed() throws {
        #expect(try OSCWriter.parse("127.0.0.1:9000") == ("127.0.0.1", 9000))
        #expect(try OSCWriter.parse("[::1]:57120") == ("::1", 57120))
        for bad in ["localhost", "localhost:", ":9000", "host:0", "host:65536", "host:x1"] {
            #expect(throws: OSCError.self, "\(bad)") { try OSCWriter.parse(bad) }
        }
    }

    /// The writer's datagrams arrive on a local UDP socket, one message each, bytes as encoded.
    @Test func datagramsReachALocalSocket() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let port = Int(UInt16(bigEndian: addr.sin_port))

        let writer = try OSCWriter(destination: "127.0.0.1:\(port)")
        let events = [Event(kind: .onset, frame: 10, strength: 0.9), Event(kind: .drum, label: 2, frame: 20, strength: 0.4),
                      Event(kind: .pitch, label: 1, frame: 30, strength: 0.8, value: 261.6)]
        for e in events { writer.write(e, seconds: 0) }
        try writer.finish()
        #expect(writer.sent == 3 && writer.failed == 0)
        var buffer = [UInt8](repeating: 0, count: 1500)
        for e in events {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            try #require(n > 0, "no datagram (errno \(errno))")
            #expect(Array(buffer[0..<n]) == OSC.message(for: e))
        }
    }
}
