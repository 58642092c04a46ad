// libFuzzer target for the model loader: any byte string either loads (and the model then runs
// a few frames) or fails with a one-line ModelLoadError. A crash, a sanitizer report, or a
// multi-line error is a finding. Built with -sanitize=fuzzer,address by scripts/fuzz-loader;
// a plain build replays files given as arguments (to reproduce a finding without sanitizers).

import Foundation
import WhittleNN

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let model = try Model.load(bytes: bytes)
        for port in model.inputs { for i in 0..<port.count { port.buffer[i] = Float(i % 7) - 3 } }
        for _ in 0..<4 { model.process() }
    } catch let error as ModelLoadError {
        if error.message.isEmpty || error.message.contains("\n") { fatalError("bad error message: '\(error.message)'") }
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}

#if WHITTLE_FUZZ
// SwiftPM links executables with their own entry point, so libFuzzer's main is not used:
// hand control to its driver instead.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

@main
struct FuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        let status = runFuzzerDriver(&argc, &argv) { data, size in fuzzLoader(data, size) }
        exit(status)
    }
}
#else
import Foundation

@main
struct Replay {
    static func main() {
        var failed = false
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { print("\(path): cannot read"); failed = true; continue }
            _ = data.withUnsafeBytes { fuzzLoader($0.bindMemory(to: UInt8.self).baseAddress ?? UnsafePointer(bitPattern: 1)!, data.count) }
            print("\(path): ok")
        }
        if failed { exit(2) }
    }
}
#endif
