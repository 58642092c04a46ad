import Foundation
import Testing

extension LiveTests {
    /// A live JACK run is sample-for-sample the file run of the same signal.
    ///
    /// Alignment: `whittle run` logs anchors "JACK frame A = engine frame E" (its first cycle, and
    /// a new one whenever JACK's clock jumped, as it does when freewheel ends); the one in force
    /// when the signal starts is used, and none may fall inside the recording. playrec starts the signal at JACK frame S, under freewheel
    /// (no cycle can be skipped from then on), so the engine met the signal's first sample at engine
    /// frame P = E + (S − A), having processed P zero frames before it. The file run gets
    /// P zeros + signal + a tail, and the same 64-frame blocks. Both engines then start their hop
    /// grids at frame 0 and see identical input. The live output at engine frame e is not latency
    /// compensated, the file output is (shifted earlier by the reported latency L), and playrec's
    /// two clients put whittle between them with no graph cycle (no extra cycle of delay), so
    /// recording[t] == fileOutput[P − L + t] exactly, bit for bit.
    @Test(.timeLimit(.minutes(2)))
    func jackRunEqualsFileRun() throws {
        let dir = try Live.scratch("equality")
        let whittle = try Live.whittle()
        let playrec = dir.appendingPathComponent("playrec")
        try Live.compileC("Tests/jackclient/playrec.c", output: playrec, flags: ["-ljack"])

        let server = try DummyJACK(period: 64, in: dir)
        defer { server.stop() }
        let run = try Child(whittle, ["run", "--server", server.name, "--chain", "flux,click"], in: dir, tag: "whittle")
        defer { run.stop() }
        #expect(run.waitFor("running on JACK", timeout: 20), "whittle did not start: \(run.stderr)")
        usleep(300_000)

        let signal = Signals.bursts(seconds: 3)
        let recordFrames = signal.count + 4800
        try Signals.writeRaw(signal, to: dir.appendingPathComponent("signal.f32"))
        let pr = try Live.run(playrec.path, [server.name, dir.appendingPathComponent("signal.f32").path,
                                             dir.appendingPathComponent("rec.f32").path, "\(recordFrames)",
                                             "whittle:in_1", "whittle:out_1"], timeout: 60, in: dir)
        try #require(pr.status == 0, "playrec failed: \(pr.stderr)")
        let start = try #require(Int(pr.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))

        run.signal(SIGTERM)
        #expect(run.wait(timeout: 10) == 0, "whittle run did not stop cleanly on SIGTERM: \(run.stderr)")
        let summary = RunSummaryFigures(text: run.stdout)
        let latency = try #require(summary.latency)
        // Only the recorded JACK frames must be free of clock jumps: freewheel's end may jump the
        // clock just after the recording (CI, session 17: 448 frames after it, inside a window that
        // reached `latency` frames beyond the recording).
        let anchor = try #require(summary.anchor(over: start, start + recordFrames),
                                  "no anchor before the signal, or a JACK cycle was skipped during it:\n\(run.stdout)")
        let anchorJack = anchor.jack, anchorEngine = anchor.engine
        #expect((summary.events ?? 0) > 0, "the signal produced no events")

        let pad = anchorEngine + (start - anchorJack)
        #expect(pad >= latency, "whittle had not run long enough before the signal")
        let fileInput = [Float](repeating: 0, count: pad) + signal + [Float](repeating: 0, count: recordFrames - signal.count + latency)
        try Signals.writeWAV(fileInput, rate: 48000, to: dir.appendingPathComponent("in.wav"))
        let file = try Live.run(whittle, ["process", dir.appendingPathComponent("in.wav").path,
                                          "-o", dir.appendingPathComponent("out.wav").path, "--block", "64", "--chain", "flux,click"],
                                timeout: 60, in: dir)
        try #require(file.status == 0, "whittle process failed: \(file.stderr)")

        let recording = try Signals.readRaw(dir.appendingPathComponent("rec.f32"))
        let expected = try Signals.readWAV(dir.appendingPathComponent("out.wav"))
        try #require(recording.count == recordFrames)
        try #require(expected.count >= pad - latency + recordFrames)
        var mismatches = 0
        var first: Int?
        for t in 0..<recordFrames where recording[t].bitPattern != expected[pad - latency + t].bitPattern {
            mismatches += 1
            if first == nil { first = t }
        }
        #expect(recording.contains { $0 != 0 }, "the recording is silent")
        #expect(mismatches == 0, "\(mismatches) of \(recordFrames) samples differ, first at \(first ?? -1)")
        print("equality: \(recordFrames) frames bit-exact; signal at engine frame \(pad), latency \(latency)")
    }
}
