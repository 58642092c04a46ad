// Device profile files (round trip, version check, damaged files) and predictions from known
// coefficients on the shipped test models.

import Foundation
import Testing
import WhittleNN
@testable import WhittleProfile

@Suite struct DeviceProfileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func testModel(_ name: String) throws -> ModelFile {
        try ModelFile.read(path: root.appendingPathComponent("Models/test/\(name).safetensors").path)
    }

    /// Every type at 1 ns per MAC and nothing else; the engine at 1000 ns per block.
    static func synthetic() -> DeviceProfile {
        var layers: [String: CostCoefficients] = [:]
        for t in ["dense", "conv1d", "conv2d", "conv_transpose1d", "gru", "lstm", "pool", "norm", "elementwise",
                  "activation", "activation_exp", "frontend_logmel", "frontend_frames"] {
            layers[t] = CostCoefficients(constant: 0, perMAC: 1, perByte: 0)
        }
        return DeviceProfile(machine: MachineIdentity(cpuModel: "test", cores: 1, clockMHz: nil, architecture: "x86_64"),
                             note: "synthetic", layers: layers, engine: EngineCoefficients(perBlock: 1000, perSample: 0, perTap: 0))
    }

    /// `p` written as a file of an older `version`: the later fields removed (top-level keys and
    /// keys of `engine`), then loaded back as whittle loads profiles.
    static func asOlderVersion(_ p: DeviceProfile, version: Int, removing keys: [String], engineKeys: [String]) throws -> DeviceProfile {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("whittle-profile-test-\(getpid())-v\(version).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try p.write(path: path)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(object["version"] as? Int == DeviceProfile.formatVersion)
        object["version"] = version
        for k in keys { object[k] = nil }
        var engine = try #require(object["engine"] as? [String: Any])
        for k in engineKeys { engine[k] = nil }
        object["engine"] = engine
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return try DeviceProfile.load(path: path)
    }

    func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("whittle-profile-test-\(getpid())-\(name)").path
    }

    @Test func roundTripKeepsEverything() throws {
        var p = Self.synthetic()
        p.contextScale = 1.7
        p.calibration = [CalibrationPoint(type: "dense", label: "dense 4→4", macs: 32, bytes: 200, steps: 0, ns: 12.5)]
        let path = scratch("roundtrip.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try p.write(path: path)
        let q = try DeviceProfile.load(path: path)
        #expect(q.version == DeviceProfile.formatVersion)
        #expect(q.layers == p.layers && q.engine == p.engine && q.contextScale == 1.7 && q.calibration == p.calibration)
        #expect(q.machine == p.machine && q.note == "synthetic" && !q.estimated)
    }

    @Test func anotherVersionIsRejectedNamingFileAndBothVersions() throws {
        let path = scratch("v99.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"version": 99, "machine": {}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: ProfileError.self) { try DeviceProfile.load(path: path) }
        let text = error?.description ?? ""
        #expect(text.contains(path) && text.contains("99") && text.contains("\(DeviceProfile.formatVersion)"), "\(text)")
        #expect(!text.contains("\n"))
    }

    @Test func damagedProfilesGiveOneLineErrors() throws {
        let path = scratch("bad.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for text in ["not json", #"{"machine": {}}"#, #"{"version": 1, "machine": {"cores": 2}}"#] {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let error = #expect(throws: ProfileError.self) { try DeviceProfile.load(path: path) }
            #expect(error?.description.hasPrefix(path) == true && error?.description.contains("\n") == false)
        }
        #expect(throws: ProfileError.self) { try DeviceProfile.load(path: scratch("missing.json")) }
    }

    @Test func predictionAddsEngineFrontEndAndLayersPerFrame() throws {
        let model = try Self.testModel("onset-tiny")
        let work = try ModelWork(model)
        let profile = Self.synthetic()
        let frame = work.frontEnd.macs + work.layers.reduce(0) { $0 + $1.macs }
        // Block 4800 at 48 kHz = 100 ms = 10 hops of 160 at 16 kHz (steady state: exactly 10 frames).
        let p = try profile.prediction(for: work, block: 4800, rate: 48000)
        #expect(p.typicalFrames == 10 && p.maxFrames == 10)
        #expect(abs(p.times.p50 - (1000 + 10 * frame) / 1000) < 1e-6)
        #expect(abs(p.frameMicroseconds - frame / 1000) < 1e-9)
        // Its parts, as `whittle profile --predict` prints them: the front end, and the layers after it.
        #expect(work.frontEnd.macs > 0 && abs(p.frontEndMicroseconds - work.frontEnd.macs / 1000) < 1e-9)
        // The contract's entry point agrees.
        #expect(try profile.predict(model, block: 4800, rate: 48000) == p.times)
    }

    /// Split frames: the worst block carries the front end or the network, not both, when hops
    /// are two blocks apart (128 frames at 48 kHz, 10 ms hops); at 256 frames nothing changes.
    @Test func splitFramesPredictTheLargerHalf() throws {
        let work = try ModelWork(Self.testModel("onset-medium"))
        let profile = Self.synthetic()
        let front = work.frontEnd.macs, layers = work.layers.reduce(0) { $0 + $1.macs }
        let whole = try profile.prediction(for: work, block: 128, rate: 48000).times
        let split = try profile.prediction(for: work, block: 128, rate: 48000, splitFrames: true).times
        #expect(abs(whole.p999 - (1000 + front + layers) / 1000) < 1e-6)
        #expect(abs(split.p999 - (1000 + max(front, layers)) / 1000) < 1e-6)
        let wide = try profile.prediction(for: work, block: 256, rate: 48000).times
        #expect(try profile.prediction(for: work, block: 256, rate: 48000, splitFrames: true).times == wide)
    }

    @Test func biggerModelsPredictSlower() throws {
        let profile = Self.synthetic()
        let names = ["onset-tiny", "onset-small", "onset-medium", "onset-large"]
        let p50 = try names.map { try profile.predict(Self.testModel($0), block: 1024, rate: 48000).p50 }
        #expect(p50 == p50.sorted() && Set(p50).count == 4)
    }

    /// The pitch front end is its own cost type, and its band count is the one shared spectrum
    /// the columns are gathered from (360 rows + 139 rows up for ×5 + 60 down for ×½), not rows × columns.
    @Test func harmonicFrontEndCountsTheSharedBands() throws {
        let features = #"{"type":"harmonic_spectrum","window":1024,"n_fft":2048,"fmin":31.7,"bins":360,"bins_per_octave":60,"harmonics":[0.5,1,2,3,4,5],"compression":1}"#
        let work = try FrontEndWork.from(featuresJSON: features)
        #expect(work.type == "frontend_harmonic")
        #expect(work.steps == 559)
        #expect(work.macs == 1024 * 11)
        let fewer = try FrontEndWork.from(featuresJSON: features.replacingOccurrences(of: "[0.5,1,2,3,4,5]", with: "[1,2]"))
        #expect(fewer.steps == 420)
    }

    @Test func graphCostMatchesHandCountsForTheTinyModel() throws {
        let work = try ModelWork(try Self.testModel("onset-tiny"))
        #expect(work.sampleRate == 16000 && work.hop == 160 && work.frontEnd.type == "frontend_logmel")
        // Fused activations are costed as their own work items.
        #expect(work.layers.map(\.type) == ["conv2d", "activation", "pool", "conv2d", "activation", "pool",
                                            "dense", "activation", "dense", "activation_exp"])
        // conv1: 64 bands × 4 channels (padded to 8 lanes) × 3·3·1 taps; conv2: 16 × 8 × 3·3·4.
        #expect(work.layers[0].trueMacs == 64 * 4 * 9 && work.layers[0].macs == 64 * 8 * 9)
        #expect(work.layers[0].steps == 64 * 10)
        #expect(work.layers[3].trueMacs == 16 * 8 * 36)
        #expect(work.layers[6].trueMacs == 32 * 16)
    }

    @Test func foldedBatchNormCostsNothing() throws {
        let work = try ModelWork(try Self.testModel("onset-medium"))
        #expect(!work.layers.contains { $0.type == "norm" })
    }

    @Test func modelsWithoutEngineMetadataAreBadInput() throws {
        var model = try Self.testModel("onset-tiny")
        model.metadata["hop"] = nil
        #expect(throws: ProfileError.self) { try ModelWork(model) }
        model = try Self.testModel("onset-tiny")
        model.metadata["features"] = #"{"type":"cqt"}"#
        let error = #expect(throws: ProfileError.self) { try ModelWork(model) }
        #expect(error?.description.contains("cqt") == true)
    }

    @Test func missingCoefficientsNameTheType() throws {
        var profile = Self.synthetic()
        profile.layers["conv2d"] = nil
        let error = #expect(throws: ProfileError.self) { try profile.predict(Self.testModel("onset-tiny"), block: 256, rate: 48000) }
        #expect(error?.description.contains("conv2d") == true)
    }
}
