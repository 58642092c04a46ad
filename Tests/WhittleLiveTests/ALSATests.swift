import Foundation
import Testing

extension LiveTests {
    /// A private ALSA configuration with a `type jack` PCM over the test's dummy server: the only
    /// real-time paced ALSA device on a machine without a sound card (null/file are not paced).
    func alsaEnvironment(server: DummyJACK, dir: URL) throws -> [String: String] {
        let rc = """
        pcm.whittle_test {
            type jack
            playback_ports { 0 system:playback_1 }
            capture_ports { 0 system:capture_1 }
        }
        """
        try rc.write(to: dir.appendingPathComponent(".asoundrc"), atomically: true, encoding: .utf8)
        // HOME picks the .asoundrc; JACK_DEFAULT_SERVER points the plugin's JACK clients at our server.
        return ["HOME": dir.path, "JACK_DEFAULT_SERVER": server.name]
    }

    @Test(.timeLimit(.minutes(2)))
    func alsaRunIsPacedInRealTime() throws {
        let dir = try Live.scratch("alsa-pace")
        let server = try DummyJACK(period: 256, in: dir)
        defer { server.stop() }
        let env = try alsaEnvironment(server: server, dir: dir)
        let seconds = 4.0
        let result = try Live.run(try Live.whittle(), ["run", "--backend", "alsa", "--device", "whittle_test", "--duration", "\(seconds)"],
                                  environment: env, timeout: 30, in: dir)
        try #require(result.status == 0, "whittle run failed: \(result.stderr)")
        #expect(result.stderr.contains("capture+playback"), "expected a duplex device: \(result.stderr)")
        let frames = try #require(RunSummaryFigures(text: result.stdout).alsaFrames, "no frames in:\n\(result.stdout)")
        let expected = seconds * 48000
        print("alsa pacing: \(frames) frames in \(seconds) s (expected \(Int(expected)))")
        #expect(abs(Double(frames) - expected) / expected < 0.03, "\(frames) frames in \(seconds) s: not paced")
    }

    @Test(.timeLimit(.minutes(2)))
    func alsaRecoversFromAStall() throws {
        let dir = try Live.scratch("alsa-xrun")
        let server = try DummyJACK(period: 256, in: dir)
        defer { server.stop() }
        let env = try alsaEnvironment(server: server, dir: dir)
        let run = try Child(try Live.whittle(), ["run", "--backend", "alsa", "--device", "whittle_test", "--duration", "5"],
                            environment: env, in: dir, tag: "whittle")
        defer { run.stop() }
        try #require(run.waitFor("running on ALSA", timeout: 20), "whittle did not start: \(run.stderr)")
        usleep(1_500_000)
        run.signal(SIGSTOP)
        usleep(300_000)
        run.signal(SIGCONT)
        let status = run.wait(timeout: 30)
        try #require(status == 0, "whittle run failed: \(run.stderr)")
        let summary = RunSummaryFigures(text: run.stdout)
        let xruns = try #require(summary.xruns)
        let frames = try #require(summary.alsaFrames)
        print("alsa stall: xruns \(xruns), recoveries \(summary.recoveries ?? -1), frames \(frames)")
        #expect(xruns >= 1, "a 300 ms stop went uncounted")
        // It kept going afterwards: about 5 s minus the stop and a buffer of restart.
        #expect(frames > Int(4.4 * 48000), "processing did not continue after the stall (\(frames) frames)")
    }
}
