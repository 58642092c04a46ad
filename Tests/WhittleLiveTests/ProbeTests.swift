import Foundation
import Testing

extension LiveTests {
    /// Runs `whittle run` under the rtprobe interposer on a 64-frame dummy server, with playrec
    /// feeding bursts at real-time pace (so onsets, clicks and MIDI notes happen), and returns
    /// the probe's counts and whittle's summary.
    func probeRun(chain: String, seconds: Int, runArguments: [String] = []) throws -> (counts: [String: UInt64], summary: RunSummaryFigures) {
        let dir = try Live.scratch("probe")
        let whittle = try Live.whittle()
        let probe = dir.appendingPathComponent("rtprobe.so")
        try Live.compileC("Tests/rtprobe/rtprobe.c", output: probe, flags: ["-shared", "-fPIC", "-ldl"])
        let playrec = dir.appendingPathComponent("playrec")
        try Live.compileC("Tests/jackclient/playrec.c", output: playrec, flags: ["-ljack"])

        let server = try DummyJACK(period: 64, in: dir)
        defer { server.stop() }
        let counts = dir.appendingPathComponent("counts.txt")
        // Warm-up: the first second of sections (750 blocks of 64 frames) is not counted.
        let run = try Child(whittle, ["run", "--server", server.name, "--chain", chain, "--duration", "\(seconds + 1)"] + runArguments,
                            environment: ["LD_PRELOAD": probe.path, "WHITTLE_PROBE_OUT": counts.path, "WHITTLE_PROBE_WARMUP": "750"],
                            in: dir, tag: "whittle")
        defer { run.stop() }
        try #require(run.waitFor("running on JACK", timeout: 20), "whittle did not start: \(run.stderr)")
        try Signals.writeRaw(Signals.bursts(seconds: Double(seconds) + 2), to: dir.appendingPathComponent("signal.f32"))
        let feeder = try Child(playrec.path, [server.name, dir.appendingPathComponent("signal.f32").path,
                                              dir.appendingPathComponent("rec.f32").path, "64",
                                              "whittle:in_1", "whittle:out_1", "realtime"], in: dir, tag: "playrec")
        defer { feeder.stop() }
        let status = run.wait(timeout: Double(seconds) + 30)
        try #require(status == 0, "whittle run failed (\(status.map(String.init) ?? "timeout")): \(run.stderr)")
        var table: [String: UInt64] = [:]
        for line in try String(contentsOf: counts, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let v = UInt64(parts[1]) { table[String(parts[0])] = v }
        }
        print("probe \(chain): " + table.filter { !$0.key.hasPrefix("total_") }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        print("probe \(chain): whittle events \(RunSummaryFigures(text: run.stdout).events ?? -1)")
        return (table, RunSummaryFigures(text: run.stdout))
    }

    static let probedCalls = [
        "malloc", "calloc", "realloc", "free", "posix_memalign", "aligned_alloc", "memalign",
        "pthread_mutex_lock", "pthread_mutex_trylock", "pthread_rwlock", "pthread_cond_wait", "sem_wait",
        "write", "read", "open", "close", "sleep", "poll", "syscall", "futex", "mmap", "munmap", "sched_yield",
    ]

    @Test(.timeLimit(.minutes(2)))
    func audioThreadMakesNoAllocationLockOrSyscall() throws {
        let (counts, summary) = try probeRun(chain: "flux,click", seconds: 11)   // 11 s so that ≥ 10 s are counted even when the dummy server skips cycles under load
        // At least 10 s of 64-frame blocks were checked after the warm-up.
        #expect((counts["counted_sections"] ?? 0) >= 10 * 750, "too few checked blocks: \(counts["counted_sections"] ?? 0)")
        #expect((summary.events ?? 0) > 0, "no events: the run did not exercise the event/MIDI path")
        for name in Self.probedCalls {
            #expect(counts[name] == 0, "\(name) called \(counts[name] ?? 0) times on the audio thread")
        }
        #expect(counts["swift_retain"] == 0 && counts["swift_release"] == 0,
                "ARC traffic on the audio thread: \(counts["swift_retain"] ?? 0) retains, \(counts["swift_release"] ?? 0) releases")
        // Liveness: every interposer is really in the call path (else a zero would mean nothing).
        for name in ["malloc", "free", "pthread_mutex_lock", "write", "swift_retain", "swift_release"] {
            #expect((counts["total_\(name)"] ?? 0) > 0, "\(name) interposer never called")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func probeCatchesThePlantedAllocation() throws {
        let (counts, _) = try probeRun(chain: "flux,click,canary", seconds: 4)
        #expect((counts["malloc"] ?? 0) > 0, "the canary's malloc went unseen")
        #expect((counts["free"] ?? 0) > 0, "the canary's free went unseen")
    }
}
