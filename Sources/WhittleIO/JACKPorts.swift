import CJACK

/// One JACK port as `whittle devices` lists it.
public struct JACKPortInfo: Sendable {
    public var name: String
    public var type: String
    public var isInput: Bool
    public var isPhysical: Bool
}

public enum JACKPorts {
    /// Lists the ports of a running server (never starts one). Throws serverNotRunning otherwise.
    public static func list(server: String?) throws -> [JACKPortInfo] {
        whittle_jack_quiet()
        var status = jack_status_t(rawValue: 0)
        let opened: OpaquePointer? = "whittle_devices".withCString { name in
            if let server { return server.withCString { whittle_jack_client_open(name, JackNoStartServer, &status, $0) } }
            return whittle_jack_client_open(name, JackNoStartServer, &status, nil)
        }
        guard let client = opened else { throw JACKError.serverNotRunning(server: server) }
        defer { jack_client_close(client) }
        guard let names = jack_get_ports(client, nil, nil, 0) else { return [] }
        defer { jack_free(names) }
        var ports: [JACKPortInfo] = []
        var i = 0
        while let cName = names[i] {
            i += 1
            guard let port = jack_port_by_name(client, cName) else { continue }
            let flags = jack_port_flags(port)
            ports.append(JACKPortInfo(
                name: String(cString: cName), type: jack_port_type(port).map { String(cString: $0) } ?? "?",
                isInput: flags & Int32(JackPortIsInput.rawValue) != 0,
                isPhysical: flags & Int32(JackPortIsPhysical.rawValue) != 0))
        }
        return ports
    }
}
