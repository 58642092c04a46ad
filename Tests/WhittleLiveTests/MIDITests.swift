import Foundation
import Testing

extension LiveTests {
    /// whittle:midi_out carries one note-on (note 60) and one note-off per onset event,
    /// seen by Debian's jack_midi_dump connected with --connect-midi.
    @Test(.timeLimit(.minutes(1)))
    func midiOutCarriesOneNotePerOnset() throws {
        let dir = try Live.scratch("midi")
        let playrec = dir.appendingPathComponent("playrec")
        try Live.compileC("Tests/jackclient/playrec.c", output: playrec, flags: ["-ljack"])
        let server = try DummyJACK(period: 64, in: dir)
        defer { server.stop() }
        let dump = try Child("/usr/bin/jack_midi_dump", ["mdump"], environment: ["JACK_DEFAULT_SERVER": server.name],
                             in: dir, tag: "mdump")
        defer { dump.stop() }
        // jack_midi_dump prints nothing until an event arrives: wait for its port instead.
        var ready = false
        for _ in 0..<100 where !ready {
            ready = try Live.run("/usr/bin/jack_lsp", ["-s", server.name, "mdump:input"], timeout: 5, in: dir).stdout.contains("mdump:input")
            if !ready { usleep(50_000) }
        }
        try #require(ready, "jack_midi_dump did not register its port")
        let run = try Child(try Live.whittle(), ["run", "--server", server.name, "--connect-midi", "mdump:input"], in: dir, tag: "whittle")
        defer { run.stop() }
        try #require(run.waitFor("running on JACK", timeout: 20), "whittle did not start: \(run.stderr)")
        try Signals.writeRaw(Signals.bursts(seconds: 3), to: dir.appendingPathComponent("signal.f32"))
        let feed = try Live.run(playrec.path, [server.name, dir.appendingPathComponent("signal.f32").path,
                                               dir.appendingPathComponent("rec.f32").path, "64",
                                               "whittle:in_1", "whittle:out_1", "realtime"], timeout: 30, in: dir)
        try #require(feed.status == 0, "playrec failed: \(feed.stderr)")
        // The last note-off comes latency + 50 ms after the last onset (notes sound where the
        // delayed output does): leave it time to reach jack_midi_dump before stopping.
        usleep(500_000)
        run.signal(SIGTERM)
        #expect(run.wait(timeout: 10) == 0)
        usleep(200_000)
        dump.stop()
        let events = try #require(RunSummaryFigures(text: run.stdout).events)
        let lines = dump.stdout.split(separator: "\n")
        let ons = lines.filter { $0.contains("note on") }
        let offs = lines.filter { $0.contains("note off") }
        print("midi: \(events) events, \(ons.count) note-ons, \(offs.count) note-offs")
        #expect(events > 0)
        #expect(ons.count == events, "\(ons.count) note-ons for \(events) events")
        #expect(offs.count == ons.count)
        #expect(ons.allSatisfy { $0.contains("pitch  60") }, "unexpected notes: \(ons.prefix(3))")
    }
}
