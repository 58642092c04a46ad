import ArgumentParser

@main
struct Whittle: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whittle",
        abstract: "Real-time neural audio host: onset, drum and pitch detectors on JACK, ALSA and sound files.",
        subcommands: [
            ProcessCommand.self, RunCommand.self, DevicesCommand.self,
            DataCommand.self, EvalCommand.self, BenchCommand.self,
        ]
    )
}
