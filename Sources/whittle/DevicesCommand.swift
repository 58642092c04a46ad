import ArgumentParser
import WhittleIO

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List JACK ports (when a server is running) and ALSA PCM devices.")

    @Option(help: "JACK server name (default server if omitted).") var server: String?

    func run() throws {
        var out = "JACK server '\(server ?? "default")':\n"
        do {
            let ports = try JACKPorts.list(server: server)
            if ports.isEmpty { out += "  (no ports)\n" }
            for p in ports {
                let kind = p.type.contains("midi") ? "midi" : "audio"
                out += "  \(p.name)  (\(kind) \(p.isInput ? "in" : "out")\(p.isPhysical ? ", physical" : ""))\n"
            }
        } catch {
            out += "  not running\n"
        }
        out += "ALSA PCMs (use with --backend alsa --device NAME):\n"
        let pcms = ALSADevices.list()
        if pcms.isEmpty { out += "  (none)\n" }
        for d in pcms {
            let dir = d.direction.map { " [\($0.lowercased()) only]" } ?? ""
            out += "  \(d.name)\(dir)\(d.description.isEmpty ? "" : "  \(d.description)")\n"
        }
        writeAll(1, out)
    }
}
