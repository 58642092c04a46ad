import CALSA
import Glibc

/// One ALSA PCM as `snd_device_name_hint` describes it.
public struct ALSAPCMInfo: Sendable {
    public var name: String
    public var description: String
    /// "Input", "Output", or nil for both.
    public var direction: String?
}

public enum ALSADevices {
    public static func list() -> [ALSAPCMInfo] {
        whittle_alsa_quiet()
        var hints: UnsafeMutablePointer<UnsafeMutableRawPointer?>?
        guard snd_device_name_hint(-1, "pcm", &hints) == 0, let hints else { return [] }
        defer { snd_device_name_free_hint(hints) }
        func hint(_ h: UnsafeRawPointer, _ id: String) -> String? {
            guard let p = snd_device_name_get_hint(h, id) else { return nil }
            defer { free(p) }
            return String(cString: p)
        }
        var list: [ALSAPCMInfo] = []
        var i = 0
        while let h = hints[i] {
            i += 1
            guard let name = hint(h, "NAME") else { continue }
            let description = (hint(h, "DESC") ?? "").split(separator: "\n").joined(separator: " — ")
            list.append(ALSAPCMInfo(name: name, description: description, direction: hint(h, "IOID")))
        }
        return list
    }
}
