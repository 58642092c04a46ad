import ArgumentParser

struct ProcessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "process", abstract: "(not built yet)")
    func run() throws { throw ExitCode(2) }
}
