import ArgumentParser

struct TrimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trim", abstract: "(not built yet)")
    func run() throws { throw ExitCode(2) }
}
