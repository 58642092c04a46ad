// Which machine a profile describes: read from /proc and /sys (Linux), best effort.

import Foundation

public struct MachineIdentity: Codable, Sendable, Equatable {
    public var cpuModel: String
    public var cores: Int
    /// Nominal or maximum clock in MHz, when the system says (nil on many VMs).
    public var clockMHz: Double?
    public var architecture: String
    public var kernel: String?
    /// SIMD the kernels use on this machine (e.g. "AVX2/FMA (SIMD8 as 2×128 or 1×256)", "NEON 128-bit").
    public var simd: String?

    public init(cpuModel: String, cores: Int, clockMHz: Double?, architecture: String, kernel: String? = nil, simd: String? = nil) {
        self.cpuModel = cpuModel
        self.cores = cores
        self.clockMHz = clockMHz
        self.architecture = architecture
        self.kernel = kernel
        self.simd = simd
    }

    /// The machine this process runs on.
    public static func current() -> MachineIdentity {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            for line in cpuinfo.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        let model = field("model name") ?? field("Model") ?? field("CPU part").map { "CPU part \($0)" } ?? "unknown"
        // cpufreq's maximum is the honest nominal clock; /proc/cpuinfo's "cpu MHz" is a snapshot.
        var mhz: Double? = nil
        if let text = try? String(contentsOfFile: "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", encoding: .utf8),
           let khz = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            mhz = khz / 1000
        } else if let text = field("cpu MHz"), let value = Double(text) {
            mhz = (value * 10).rounded() / 10
        }
        var uts = utsname()
        uname(&uts)
        func string<T>(_ tuple: T) -> String {
            withUnsafeBytes(of: tuple) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
        }
        let flags = field("flags") ?? field("Features") ?? ""
        let simd: String
        if flags.contains("avx2") && flags.contains("fma") { simd = "AVX2+FMA" }
        else if flags.contains("avx") { simd = "AVX" }
        else if flags.contains("asimd") { simd = "NEON (ASIMD)" }
        else { simd = "SSE2" }
        return MachineIdentity(cpuModel: model, cores: ProcessInfo.processInfo.activeProcessorCount, clockMHz: mhz,
                               architecture: string(uts.machine), kernel: string(uts.release), simd: simd)
    }
}
