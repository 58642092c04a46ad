// swift-tools-version:6.1
import PackageDescription

// DSP and inference code is built optimised in every configuration: at -Onone the
// render path allocates (unspecialised generics, boxed values) and runs 20-300x slower.
let realtimeFlags: [SwiftSetting] = [
    .unsafeFlags(["-O", "-enforce-exclusivity=unchecked"]),
]

let package = Package(
    name: "Whittle",
    products: [
        .executable(name: "whittle", targets: ["whittle"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries (Debian -dev packages found through pkg-config).
        .systemLibrary(name: "CJACK", pkgConfig: "jack", providers: [.apt(["libjack-jackd2-dev"])]),
        .systemLibrary(name: "CALSA", pkgConfig: "alsa", providers: [.apt(["libasound2-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Tiny C helpers for the audio thread: atomics, FTZ/DAZ, clock, probe hooks.
        .target(name: "CRealtime"),

        // Real-time world.
        .target(name: "WhittleDSP", dependencies: ["CRealtime", "WhittleNN"], swiftSettings: realtimeFlags),
        .target(name: "WhittleProcessors", dependencies: ["WhittleDSP", "WhittleNN", "CRealtime"], swiftSettings: realtimeFlags),
        .target(name: "WhittleEngine", dependencies: ["WhittleDSP", "WhittleProcessors", "WhittleNN", "CRealtime"], swiftSettings: realtimeFlags),

        // Both worlds: backends and event writers.
        .target(name: "WhittleIO", dependencies: ["WhittleEngine", "CJACK", "CALSA", "CSndFile", "CRealtime"], swiftSettings: realtimeFlags),

        // Inference runtime (real-time world): layers, kernels, safetensors models.
        .target(name: "WhittleNN", swiftSettings: realtimeFlags),

        // Offline world: data generation (MIDI -> fluidsynth -> audio + ground truth) and metrics.
        .target(name: "WhittleData", dependencies: ["CSndFile"]),
        .target(name: "WhittleEval"),
        // Offline world: training, trimming, latency profiles.
        .target(name: "WhittleTrain", dependencies: ["WhittleNN", "COpenBLAS"], swiftSettings: realtimeFlags),
        .target(name: "WhittleProfile", dependencies: ["WhittleNN", "WhittleEngine", "WhittleDSP"]),
        .target(name: "WhittleTrim", dependencies: ["WhittleTrain", "WhittleNN", "WhittleProfile"]),
        // Offline world: the detectors' training tasks (rendered data -> features and frame targets).
        .target(name: "WhittleTasks", dependencies: ["WhittleTrain", "WhittleData", "WhittleEval", "WhittleDSP", "WhittleProcessors"]),

        .executableTarget(name: "whittle", dependencies: [
            "WhittleIO", "WhittleEngine", "WhittleData", "WhittleEval", "WhittleNN",
            "WhittleTrain", "WhittleTrim", "WhittleProfile", "WhittleTasks",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Loader fuzzing (scripts/fuzz-loader builds it with -sanitize=fuzzer,address).
        .executableTarget(name: "whittle-fuzz-loader", dependencies: ["WhittleNN"]),

        .testTarget(name: "WhittleDSPTests", dependencies: ["WhittleDSP"]),
        .testTarget(name: "WhittleEngineTests", dependencies: ["WhittleEngine", "WhittleIO", "WhittleNN"]),
        .testTarget(name: "WhittleLiveTests", dependencies: ["WhittleIO", "WhittleNN"]),
        .testTarget(name: "WhittleIOTests", dependencies: ["WhittleIO", "WhittleEngine", "WhittleDSP"]),
        .testTarget(name: "WhittleNNTests", dependencies: ["WhittleNN"], exclude: ["Fixtures"]),
        .testTarget(name: "WhittleTrainTests", dependencies: ["WhittleTrain"]),
        .testTarget(name: "WhittleTrimTests", dependencies: ["WhittleTrim"]),
        .testTarget(name: "WhittleProfileTests", dependencies: ["WhittleProfile", "WhittleProcessors"]),
        .testTarget(name: "WhittleTasksTests", dependencies: ["WhittleTasks", "WhittleProcessors", "WhittleEngine", "WhittleIO"]),
        .testTarget(name: "WhittleDataTests", dependencies: ["WhittleData", "WhittleEval"], exclude: ["Fixtures"]),
    ]
)
