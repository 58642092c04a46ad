import Foundation
import Testing

extension LiveTests {
    /// Issue 5, acceptance 5 (second half): the notes on whittle:midi_out match the file backend's
    /// onsets and drum hits within one block, one for one.
    ///
    /// jackd dummy at 48 kHz / 128 frames runs `whittle run` with the shipped onset and drum models;
    /// playrec plays a generated drum pattern into whittle:in_1 under freewheel and records
    /// whittle:midi_out on the same frame clock (frame r after the signal's start S). As in
    /// jackRunEqualsFileRun, the engine met the signal's first sample at engine frame
    /// P = E + (S − A), and `whittle process` gets P zeros + the signal, so both engines see the
    /// same input on the same hop grid. A file event at t seconds lies at input frame f = t·48000;
    /// its live note-on sits where it is heard, f + L (L: the reported latency), i.e. at r = f + L − P.
    /// Notes: onsets 60, KD 36, SD 38, HH 42.
    @Test(.timeLimit(.minutes(2)))
    func midiNotesMatchFileEvents() throws {
        let dir = try Live.scratch("midi-match")
        let whittle = try Live.whittle()
        let playrec = dir.appendingPathComponent("playrec")
        try Live.compileC("Tests/jackclient/playrec.c", output: playrec, flags: ["-ljack"])
        let models = Live.root.appendingPathComponent("Models")
        let chain = "model=\(models.appendingPathComponent("onset.safetensors").path),model=\(models.appendingPathComponent("drums.safetensors").path)"
        let block = 128

        let server = try DummyJACK(period: block, in: dir)
        defer { server.stop() }
        let run = try Child(whittle, ["run", "--server", server.name, "--chain", chain], in: dir, tag: "whittle")
        defer { run.stop() }
        try #require(run.waitFor("running on JACK", timeout: 30), "whittle did not start: \(run.stderr)")
        usleep(300_000)

        let signal = Signals.drumPattern(seconds: 4)
        let recordFrames = signal.count + 48000
        try Signals.writeRaw(signal, to: dir.appendingPathComponent("signal.f32"))
        let rec = dir.appendingPathComponent("rec.f32")
        let pr = try Live.run(playrec.path, [server.name, dir.appendingPathComponent("signal.f32").path, rec.path, "\(recordFrames)",
                                             "whittle:in_1", "whittle:out_1", "midi=whittle:midi_out"], timeout: 60, in: dir)
        try #require(pr.status == 0, "playrec failed: \(pr.stderr)")
        let start = try #require(Int(pr.stdout.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
        run.signal(SIGTERM)
        #expect(run.wait(timeout: 10) == 0, "whittle run did not stop cleanly: \(run.stderr)")
        let summary = RunSummaryFigures(text: run.stdout)
        let latency = try #require(summary.latency)
        // Only the recorded JACK frames must be free of clock jumps: freewheel's end may jump the
        // clock just after the recording (CI, session 17: 448 frames after it, inside a window that
        // reached `latency` frames beyond the recording).
        let anchor = try #require(summary.anchor(over: start, start + recordFrames),
                                  "no anchor before the signal, or a JACK cycle was skipped during it:\n\(run.stdout)")
        let anchorJack = anchor.jack, anchorEngine = anchor.engine
        let pad = anchorEngine + (start - anchorJack)
        try #require(recordFrames > signal.count + latency, "the recording must cover the latency")

        // Live: note-ons (velocity > 0) by note, at recorder frames.
        var live: [Int: [Int]] = [:]
        let midiText = try String(contentsOf: URL(fileURLWithPath: rec.path + ".midi"), encoding: .utf8)
        for line in midiText.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 4, let frame = Int(parts[0]), let status = UInt8(parts[1], radix: 16),
                  let note = Int(parts[2], radix: 16), let velocity = Int(parts[3], radix: 16) else { continue }
            if status & 0xF0 == 0x90 && velocity > 0 { live[note, default: []].append(frame) }
        }

        // File: the same input behind P zeros, in 128-frame blocks.
        let fileInput = [Float](repeating: 0, count: pad) + signal + [Float](repeating: 0, count: recordFrames - signal.count)
        try Signals.writeWAV(fileInput, rate: 48000, to: dir.appendingPathComponent("in.wav"))
        let onsets = dir.appendingPathComponent("onsets.txt"), drums = dir.appendingPathComponent("drums.txt")
        let file = try Live.run(whittle, ["process", dir.appendingPathComponent("in.wav").path, "-o", dir.appendingPathComponent("out.wav").path,
                                          "--block", "\(block)", "--chain", chain, "--onsets", onsets.path, "--drums", drums.path],
                                timeout: 60, in: dir)
        try #require(file.status == 0, "whittle process failed: \(file.stderr)")
        var expected: [Int: [Int]] = [:]
        func frame(_ seconds: Substring) -> Int? { Double(seconds).map { Int(($0 * 48000).rounded()) + latency - pad } }
        for line in try String(contentsOf: onsets, encoding: .utf8).split(separator: "\n") {
            if let f = frame(line) { expected[60, default: []].append(f) }
        }
        for line in try String(contentsOf: drums, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: "\t")
            guard parts.count == 2, let f = frame(parts[0]) else { continue }
            let note = ["KD": 36, "SD": 38, "HH": 42][String(parts[1])]
            if let note { expected[note, default: []].append(f) }
        }

        var report: [String] = []
        var worstAll = 0
        for note in [60, 36, 38, 42] {
            let want = (expected[note] ?? []).sorted(), got = (live[note] ?? []).sorted()
            report.append("note \(note): file \(want.count), midi \(got.count)")
            #expect(want.count == got.count, "note \(note): \(want.count) file events, \(got.count) MIDI notes")
            // Every file event has a note within one block, and every note an event (one to one, in order).
            var worst = 0
            for (w, g) in zip(want, got) { worst = max(worst, abs(w - g)) }
            worstAll = max(worstAll, worst)
            #expect(worst <= block, "note \(note): a MIDI note lies \(worst) frames from its file event")
            for w in want { #expect(got.contains { abs($0 - w) <= block }, "note \(note): no MIDI note near file event at \(w)") }
            for g in got { #expect(want.contains { abs($0 - g) <= block }, "note \(note): MIDI note at \(g) has no file event") }
        }
        let notes = live.keys.sorted()
        #expect(Set(notes).isSubset(of: [60, 36, 38, 42]), "unexpected notes \(notes)")
        #expect((expected[60] ?? []).count >= 10, "too few onsets to compare")
        #expect([36, 38, 42].filter { (expected[$0] ?? []).count > 0 }.count >= 2, "the drum model found too few classes")
        print("midi-match: \(report.joined(separator: "; ")); largest distance \(worstAll) frames; latency \(latency), signal at engine frame \(pad)")
    }
}

extension LiveTests {
    /// The pitch voice end to end under JACK (48 kHz / 128), recorded on the frame clock: a model
    /// that reports 440 Hz while it hears sound and unvoiced frames in silence gets 0.5 s of a
    /// 440 Hz sine on `--pitch-channel 3`. On midi_out: one bend and one note-on A4 shortly after
    /// the sine starts, nothing while it holds, and one note-off shortly after it stops.
    @Test(.timeLimit(.minutes(1)))
    func pitchVoiceOnMidiOut() throws {
        let dir = try Live.scratch("pitch-voice")
        let playrec = dir.appendingPathComponent("playrec")
        try Live.compileC("Tests/jackclient/playrec.c", output: playrec, flags: ["-ljack"])
        let model = dir.appendingPathComponent("pitch.safetensors").path
        try Live.soundPitchModel(path: model)
        let server = try DummyJACK(period: 128, in: dir)
        defer { server.stop() }
        let run = try Child(try Live.whittle(), ["run", "--server", server.name, "--chain", "model=\(model)", "--pitch-channel", "3"],
                            in: dir, tag: "whittle")
        defer { run.stop() }
        try #require(run.waitFor("running on JACK", timeout: 20), "whittle did not start: \(run.stderr)")
        let tone = 24000
        let signal = (0..<tone).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 48000)) } + [Float](repeating: 0, count: 48000)
        try Signals.writeRaw(signal, to: dir.appendingPathComponent("tone.f32"))
        let rec = dir.appendingPathComponent("rec.f32")
        let pr = try Live.run(playrec.path, [server.name, dir.appendingPathComponent("tone.f32").path, rec.path, "\(signal.count)",
                                             "whittle:in_1", "whittle:out_1", "midi=whittle:midi_out"], timeout: 30, in: dir)
        try #require(pr.status == 0, "playrec failed: \(pr.stderr)")
        run.signal(SIGTERM)
        #expect(run.wait(timeout: 10) == 0)
        let latency = try #require(RunSummaryFigures(text: run.stdout).latency)
        let recorded = try String(contentsOf: URL(fileURLWithPath: rec.path + ".midi"), encoding: .utf8).split(separator: "\n").map {
            let parts = $0.split(separator: " ")
            return (frame: Int(parts[0]) ?? -1, bytes: parts.dropFirst().joined(separator: " "))
        }
        print("pitch-voice: latency \(latency), MIDI \(recorded.map { "\($0.frame): \($0.bytes)" })")
        // One note-on A4 (0x45) and one note-off on channel 3, only small bends (within ±0.03
        // semitone of centre: the confidence ramps at the tone's edges move the decoded f0 a little).
        let ons = recorded.filter { $0.bytes.hasPrefix("92 45 ") }, offs = recorded.filter { $0.bytes == "82 45 00" }
        try #require(ons.count == 1 && offs.count == 1, "expected one note-on and one note-off")
        func smallBend(_ m: String) -> Bool {
            let b = m.split(separator: " ").compactMap { Int($0, radix: 16) }
            return b.count == 3 && b[0] == 0xE2 && abs((b[1] | b[2] << 7) - 8192) <= 128
        }
        #expect(recorded.allSatisfy { $0.bytes.hasPrefix("92 45 ") || $0.bytes == "82 45 00" || smallBend($0.bytes) })
        #expect(recorded.first?.bytes.hasPrefix("92") == true || recorded.first?.frame == ons[0].frame, "a bend before the note")
        #expect(recorded.last?.bytes == "82 45 00", "a message after the note-off")
        // Voiced once enough of its 256-sample (16 ms) frame holds the tone, heard `latency` later.
        #expect(ons[0].frame > 0 && ons[0].frame <= latency + 960, "note-on at \(ons[0].frame)")
        #expect(offs[0].frame > tone && offs[0].frame <= tone + latency + 960, "note-off at \(offs[0].frame)")
    }
}
