import Foundation
import Testing

/// `whittle process` with bad files: one line naming the problem, exit 2 for input, 1 for runtime.
extension LiveTests {
    func processFails(_ arguments: [String], in dir: URL) throws -> (status: Int32?, line: String) {
        let result = try Live.run(try Live.whittle(), ["process"] + arguments, timeout: 20, in: dir)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line, got: \(result.stderr)")
        return (result.status, lines.first.map(String.init) ?? "")
    }

    @Test func processRejectsBadFiles() throws {
        let dir = try Live.scratch("bad-files")
        let missing = dir.appendingPathComponent("missing.wav").path
        let r1 = try processFails([missing], in: dir)
        #expect(r1.status == 2 && r1.line.contains(missing), "\(r1.line)")

        let text = dir.appendingPathComponent("notes.wav")
        try "this is not audio\n".write(to: text, atomically: true, encoding: .utf8)
        let r2 = try processFails([text.path], in: dir)
        #expect(r2.status == 2 && r2.line.contains(text.path), "\(r2.line)")

        let folder = dir.appendingPathComponent("folder.wav")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let r3 = try processFails([folder.path], in: dir)
        #expect(r3.status == 2 && r3.line.contains(folder.path), "\(r3.line)")

        let lowRate = dir.appendingPathComponent("8k.wav")
        try Signals.writeWAV([Float](repeating: 0, count: 800), rate: 8000, to: lowRate)
        let r4 = try processFails([lowRate.path], in: dir)
        #expect(r4.status == 2 && r4.line.contains("8000"), "\(r4.line)")

        let good = dir.appendingPathComponent("good.wav")
        try Signals.writeWAV([Float](repeating: 0, count: 4800), rate: 48000, to: good)
        let r5 = try processFails([good.path, "-o", "/nonexistent-dir/out.wav"], in: dir)
        #expect(r5.status == 2 && r5.line.contains("/nonexistent-dir/out.wav"), "\(r5.line)")

        let r6 = try processFails([good.path, "--chain", "flux,reverb"], in: dir)
        #expect(r6.status == 2 && r6.line.contains("reverb"), "\(r6.line)")
    }
}
