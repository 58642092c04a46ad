import ArgumentParser
import Foundation
import WhittleEngine
import WhittleIO

/// One-line errors with the project's exit codes: 2 for bad usage or input, 1 for runtime failures.
enum Failure {
    static func exit(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write("whittle: \(message)\n".data(using: .utf8)!)
        return ExitCode(code)
    }

    /// Maps a known error to its one-line message and exit code.
    static func from(_ error: Error) -> ExitCode {
        switch error {
        case let e as ExitCode: return e
        case let e as SoundFileError:
            if case .writeFailed = e { return exit(e.description, code: 1) }
            return exit(e.description, code: 2)
        case let e as EngineError: return exit(e.description, code: 2)
        default: return exit("\(error)", code: 1)
        }
    }
}
