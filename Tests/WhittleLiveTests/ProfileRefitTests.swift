import Foundation
import Testing

extension LiveTests {
    /// `whittle profile --refit` fits the shipped development profile again from the measurements
    /// stored in it and gets the very same coefficients (the fit is deterministic), and refuses an
    /// estimate, which holds no measurements of its own.
    @Test func refitReproducesTheShippedProfile() throws {
        let whittle = try Live.whittle()
        let dir = try Live.scratch("refit")
        let out = dir.appendingPathComponent("refit.json").path
        let ok = try Live.run(whittle, ["profile", "--refit", "Models/profiles/dev-machine.json", "--out", out], timeout: 120, in: dir)
        try #require(ok.status == 0, "refit failed: \(ok.stderr)")
        func load(_ path: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        }
        let shipped = try load(Live.root.appendingPathComponent("Models/profiles/dev-machine.json").path), again = try load(out)
        #expect(again["version"] as? Int == 3)
        for key in ["engine", "laterFrames", "contextScale", "contextPerByte", "layers"] {
            let a = try JSONSerialization.data(withJSONObject: [try #require(shipped[key])], options: .sortedKeys)
            let b = try JSONSerialization.data(withJSONObject: [try #require(again[key])], options: .sortedKeys)
            #expect(a == b, "\(key) differs after refit")
        }
        let estimate = try Live.run(whittle, ["profile", "--refit", "Models/profiles/raspberry-pi-4.estimate.json", "--out", out],
                                    timeout: 60, in: dir)
        #expect(estimate.status == 2 && estimate.stderr.contains("estimate"), "\(estimate.status): \(estimate.stderr)")
    }
}
