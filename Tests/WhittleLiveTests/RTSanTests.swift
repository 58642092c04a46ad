import Foundation
import Testing

extension LiveTests {
    /// The RealtimeSanitizer build takes minutes from scratch, too long for this target, so the
    /// build is a separate step (`scripts/rtsan-check` builds and checks). This test reruns the
    /// check whenever that build exists (`.build-rtsan`), and is skipped otherwise.
    static var rtsanBuilt: Bool {
        FileManager.default.isExecutableFile(atPath: Live.root.appendingPathComponent(".build-rtsan/release/whittle").path)
    }

    @Test(.enabled(if: rtsanBuilt, "no RTSan build: run scripts/rtsan-check first"), .timeLimit(.minutes(2)))
    func realtimeSanitizerFindsNothingAndCatchesTheCanary() throws {
        let result = try Live.run(Live.root.appendingPathComponent("scripts/rtsan-check").path, ["--no-build", "5"], timeout: 100)
        print(result.stdout)
        #expect(result.status == 0, "rtsan-check failed:\n\(result.stdout)\n\(result.stderr)")
    }
}
