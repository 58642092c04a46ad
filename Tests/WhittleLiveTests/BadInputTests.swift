import Foundation
import Testing

extension LiveTests {
    @Test func jackServerNotRunningFailsFast() throws {
        let result = try Live.run(try Live.whittle(), ["run", "--backend", "jack", "--server", "whittle-test-absent-\(getpid())", "--duration", "1"],
                                  timeout: 10)
        #expect(result.status == 1)
        #expect(result.seconds < 5, "took \(result.seconds) s")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("not running"), "stderr: \(result.stderr)")
    }

    @Test func missingALSADeviceIsBadInput() throws {
        let dir = try Live.scratch("alsa-missing")
        let result = try Live.run(try Live.whittle(), ["run", "--backend", "alsa", "--device", "whittle_no_such_pcm", "--duration", "1"],
                                  environment: ["HOME": dir.path], timeout: 10, in: dir)
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("whittle_no_such_pcm"), "stderr: \(result.stderr)")
    }

    @Test func zeroBlockOrPeriodIsBadUsage() throws {
        let dir = try Live.scratch("zero")
        let whittle = try Live.whittle()
        let period = try Live.run(whittle, ["run", "--backend", "alsa", "--device", "whittle_test", "--period", "0"], timeout: 10, in: dir)
        #expect(period.status == 2, "--period 0: \(period.status.map(String.init) ?? "timeout") \(period.stderr)")
        try Signals.writeWAV([Float](repeating: 0, count: 480), rate: 48000, to: dir.appendingPathComponent("z.wav"))
        let block = try Live.run(whittle, ["process", dir.appendingPathComponent("z.wav").path, "--block", "0"], timeout: 10, in: dir)
        #expect(block.status == 2, "--block 0: \(block.status.map(String.init) ?? "timeout") \(block.stderr)")
    }
}

extension LiveTests {
    /// A malformed --osc destination is bad usage: one line naming it, exit 2, before any JACK work.
    @Test func badOSCDestinationIsBadUsage() throws {
        let whittle = try Live.whittle()
        for bad in ["localhost", "127.0.0.1:0", "127.0.0.1:port"] {
            let result = try Live.run(whittle, ["run", "--server", "wt-none-\(getpid())", "--osc", bad, "--duration", "1"], timeout: 10)
            #expect(result.status == 2, "--osc \(bad): \(result.status.map(String.init) ?? "timeout")")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("--osc '\(bad)'"), "stderr: \(result.stderr)")
        }
    }
}

extension LiveTests {
    /// Malformed --mix-levels: one line naming the field, exit 2, nothing rendered.
    @Test func badMixLevelsAreBadUsage() throws {
        let whittle = try Live.whittle()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-badmix-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        for (bad, says) in [("chords=0:-6,drums=0", "chords '0:-6'"), ("chords=-3", "give both parts"), ("lead=0,drums=0", "'lead=0'")] {
            let result = try Live.run(whittle, ["data", "--out", out, "--items", "1", "--mix-levels", bad], timeout: 30)
            #expect(result.status == 2, "--mix-levels \(bad): \(result.status.map(String.init) ?? "timeout")")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("--mix-levels") && lines[0].contains(says), "stderr: \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }
}
