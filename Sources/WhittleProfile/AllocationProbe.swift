// Counting allocations on the render thread: the LD_PRELOAD interposer of the foundation issue
// (Tests/rtprobe/rtprobe.c), compiled on demand with the system C compiler, counts malloc & co.,
// locks, system calls and Swift ARC between the engine's whittle_probe_enter/exit, i.e. inside
// every EngineRT.render. `whittle profile` re-runs itself under it, one child per measurement.

import Foundation

public struct AllocationProbe: Sendable {
    /// The interposer library (.so).
    public let library: String

    public static let allocationCalls = ["malloc", "calloc", "realloc", "free", "posix_memalign", "aligned_alloc", "memalign"]
    public static let otherCalls = ["pthread_mutex_lock", "pthread_mutex_trylock", "pthread_rwlock", "pthread_cond_wait", "sem_wait",
                                    "write", "read", "open", "close", "sleep", "poll", "syscall", "futex", "mmap", "munmap",
                                    "sched_yield", "swift_retain", "swift_release"]

    public init(library: String) { self.library = library }

    /// The probe from `explicit` (a .so or the .c source), else rtprobe.c found above the current
    /// directory or the executable, compiled into a per-user cache. Nil when there is none or no cc.
    public static func locate(explicit: String? = nil) -> AllocationProbe? {
        let fm = FileManager.default
        if let explicit, explicit.hasSuffix(".so") { return fm.fileExists(atPath: explicit) ? AllocationProbe(library: explicit) : nil }
        var source = explicit
        if source == nil {
            var roots = [fm.currentDirectoryPath]
            if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") { roots.append((exe as NSString).deletingLastPathComponent) }
            search: for root in roots {
                var dir = URL(fileURLWithPath: root)
                for _ in 0..<6 {
                    let candidate = dir.appendingPathComponent("Tests/rtprobe/rtprobe.c").path
                    if fm.fileExists(atPath: candidate) { source = candidate; break search }
                    dir.deleteLastPathComponent()
                }
            }
        }
        guard let source, let cc = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first(where: fm.isExecutableFile(atPath:)) else { return nil }
        let cache = fm.temporaryDirectory.appendingPathComponent("whittle-rtprobe-\(getuid())")
        try? fm.createDirectory(at: cache, withIntermediateDirectories: true)
        let library = cache.appendingPathComponent("rtprobe.so").path
        let sourceDate = (try? fm.attributesOfItem(atPath: source)[.modificationDate] as? Date) ?? .distantFuture
        let libraryDate = (try? fm.attributesOfItem(atPath: library)[.modificationDate] as? Date) ?? .distantPast
        if libraryDate < sourceDate {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: cc)
            p.arguments = ["-O2", "-shared", "-fPIC", "-o", library, source, "-ldl"]
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return nil }
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { return nil }
        }
        return AllocationProbe(library: library)
    }

    /// Runs `executable` with the probe preloaded, skipping the first `warmupSections` render
    /// calls; returns the probe's counts ("malloc" → n, "counted_sections" → n, ...).
    public func run(_ executable: String, _ arguments: [String], warmupSections: Int) throws -> [String: UInt64] {
        let counts = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).txt")
        defer { try? FileManager.default.removeItem(at: counts) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(
            ["LD_PRELOAD": library, "WHITTLE_PROBE_OUT": counts.path, "WHITTLE_PROBE_WARMUP": "\(warmupSections)"]) { $1 }
        let errors = Pipe()
        p.standardError = errors
        try p.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let text = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw ProfileError.failed(text.isEmpty ? "measurement child exited with status \(p.terminationStatus)" : text)
        }
        var table: [String: UInt64] = [:]
        for line in ((try? String(contentsOf: counts, encoding: .utf8)) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let v = UInt64(parts[1]) { table[String(parts[0])] = v }
        }
        guard table["counted_sections"] != nil else { throw ProfileError.failed("the allocation probe wrote no counts") }
        return table
    }

    /// Allocator calls in a probe table.
    public static func allocations(_ table: [String: UInt64]) -> Int {
        allocationCalls.reduce(0) { $0 + Int(table[$1] ?? 0) }
    }
}
