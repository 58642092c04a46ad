#if canImport(Glibc)
import Glibc
#endif
import WhittleDSP

/// OSC 1.0 message encoding (opensoundcontrol.org/spec-1_0): an address pattern, a type-tag
/// string (",ff"), then the arguments, all big-endian; strings are NUL-terminated and padded
/// with NULs to a multiple of 4 bytes. Only the types Whittle sends: float32 and string.
public enum OSC {
    public enum Argument: Equatable, Sendable {
        case float(Float)
        case string(String)
    }

    public static func message(_ address: String, _ arguments: [Argument]) -> [UInt8] {
        var bytes: [UInt8] = []
        appendString(address, to: &bytes)
        var tags = ","
        for a in arguments {
            switch a {
            case .float: tags += "f"
            case .string: tags += "s"
            }
        }
        appendString(tags, to: &bytes)
        for a in arguments {
            switch a {
            case .float(let f):
                let bits = f.bitPattern
                bytes += [UInt8(bits >> 24), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits & 0xFF)]
            case .string(let s):
                appendString(s, to: &bytes)
            }
        }
        return bytes
    }

    /// The string's UTF-8 bytes, a NUL, and NULs up to the next multiple of 4.
    static func appendString(_ s: String, to bytes: inout [UInt8]) {
        bytes += Array(s.utf8)
        bytes.append(0)
        while bytes.count % 4 != 0 { bytes.append(0) }
    }

    /// The message Whittle sends for an event: `/whittle/onset ,f strength`,
    /// `/whittle/drum ,sf label strength` (label KD, SD or HH), `/whittle/pitch ,ff f0 confidence`.
    public static func message(for event: Event) -> [UInt8] {
        switch event.kind {
        case .onset:
            return message("/whittle/onset", [.float(event.strength)])
        case .drum:
            let labels = DrumListWriter.labels
            let label = labels.indices.contains(Int(event.label)) ? labels[Int(event.label)] : "\(event.label)"
            return message("/whittle/drum", [.string(label), .float(event.strength)])
        case .pitch:
            return message("/whittle/pitch", [.float(event.value), .float(event.strength)])
        }
    }
}

public struct OSCError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Sends every event as one OSC message in one UDP datagram to HOST:PORT. Runs on the event
/// pump's thread (sendto is a system call: never on the audio thread). A datagram the network
/// refuses is counted, not retried.
public final class OSCWriter: EventWriter {
    private let socket: Int32
    private var address = sockaddr_storage()
    private let addressLength: socklen_t
    public private(set) var sent = 0
    public private(set) var failed = 0

    /// Splits "HOST:PORT" (IPv6 as "[::1]:PORT"); the port must be 1...65535.
    public static func parse(_ text: String) throws(OSCError) -> (host: String, port: Int) {
        let bad = OSCError(description: "--osc '\(text)' must be HOST:PORT with a port in 1...65535")
        guard let colon = text.lastIndex(of: ":") else { throw bad }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { throw bad }
        return (host, port)
    }

    /// Resolves the destination and opens a UDP socket (errors name the host).
    public init(destination text: String) throws(OSCError) {
        let (host, port) = try Self.parse(text)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, "\(port)", &hints, &list)
        guard code == 0, let first = list else {
            throw OSCError(description: "--osc '\(text)': cannot resolve '\(host)' (\(String(cString: gai_strerror(code))))")
        }
        defer { freeaddrinfo(list) }
        let fd = Glibc.socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw OSCError(description: "--osc '\(text)': cannot open a UDP socket (errno \(errno))") }
        socket = fd
        addressLength = first.pointee.ai_addrlen
        withUnsafeMutableBytes(of: &address) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen)))
        }
    }

    deinit { close(socket) }

    public func write(_ event: Event, seconds: Double) {
        send(OSC.message(for: event))
    }

    /// Sends one datagram.
    public func send(_ bytes: [UInt8]) {
        let n = bytes.withUnsafeBytes { b in
            withUnsafePointer(to: &address) { a in
                a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(socket, b.baseAddress, b.count, 0, $0, addressLength) }
            }
        }
        if n == bytes.count { sent += 1 } else { failed += 1 }
    }

    public func finish() throws {}
}
