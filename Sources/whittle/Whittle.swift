import ArgumentParser
import Glibc

@main
struct Whittle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whittle",
        abstract: "Real-time neural audio host: onset, drum and pitch detectors on JACK, ALSA and sound files.",
        subcommands: [
            ProcessCommand.self, RunCommand.self, DevicesCommand.self,
            DataCommand.self, EvalCommand.self, BenchCommand.self,
            TrainCommand.self, TrimCommand.self, CalibrateCommand.self, ProfileCommand.self, ModelsCommand.self,
        ]
    )

    /// ArgumentParser exits 64 (EX_USAGE) on bad usage; the project's convention is 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                // One line, like every other error (the usage is one `--help` away).
                let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad usage"
                writeAll(2, "whittle: \(message)\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}
